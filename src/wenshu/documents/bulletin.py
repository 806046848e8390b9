"""通报表彰 / 通报批评 from the monthly supervision (督办考评, source notice 二、（五）3).

Two kinds sharing one context: the facts that justify each commendation or criticism are computed
by the analysis (analysis/supervision.py); the fixed wording lives in the editable templates.
"""

from __future__ import annotations

from pydantic import Field

from wenshu.analysis.workdays import WorkdayCalendar
from wenshu.documents.base import Ctx, DocJob, DocumentKind, Frame, attachment_notes, register
from wenshu.documents.common import SOURCE_NOTICE
from wenshu.numbers import bulletin_title, seq_of
from wenshu.official import fmt


class UnitFacts(Ctx):
    label: str = Field(title="序号", description="（一）（二）……")
    name: str = Field(title="单位", description="部门简称")
    facts: str = Field(title="事实", description="表彰或批评的依据，带数字")
    head: str = Field(default="", title="主要负责人", description="通报批评时约谈的主要负责人（如有）")


class ScoreLine(Ctx):
    rank: str = Field(title="排名", description="名次；未参与排名为“—”")
    department: str = Field(title="部门", description="部门简称")
    score: str = Field(title="得分", description="督办考评得分")
    logins: str = Field(title="平台登录", description="该项得分率")
    items: str = Field(title="事项办理", description="按时办结率")
    warnings: str = Field(title="预警处置", description="处置率")
    report: str = Field(title="两算报送", description="得分率")
    evaluations: str = Field(title="评价报送", description="得分率")
    result: str = Field(title="结果", description="通报表彰、通报批评或空")


class BulletinContext(Ctx):
    doc: Frame = Field(title="公文要素", description="红头、发文字号、标题、主送、署名、日期、版记")
    month: str = Field(title="督办月份", description="如 2025年10月")
    office: str = Field(title="督办机关", description="如 黄石港区投资管理委员会办公室")
    basis: str = Field(title="依据", description="方案名称及文号")
    units_text: str = Field(title="单位名单", description="顿号分隔的单位")
    count: int = Field(title="单位数", description="被通报单位个数")
    units: list[UnitFacts] = Field(title="被通报单位", description="单位及其事实")
    rule: str = Field(title="考评规则", description="评分和通报条件")
    deadline: str = Field(title="整改期限", description="通报批评的整改报送期限")
    scores: list[ScoreLine] = Field(title="得分表", description="各部门督办考评得分（附件）")
    attachment_title: str = Field(title="附件名称", description="得分表名称")


def _pct(v) -> str:
    return fmt.percent(v) if v is not None else fmt.MISSING


def _build(ds, analysis, criticise: bool) -> list[DocJob]:
    jobs = []
    district = ds.district
    cal = WorkdayCalendar.from_holiday_file(ds.holidays) if ds.holidays else WorkdayCalendar()
    by_month = {(m.year, m.month): m for m in analysis.supervision}
    for sup in ds.supervision:
        meta = sup.bulletin
        ms = by_month.get((sup.year, sup.month))
        if meta is None or ms is None:
            continue
        chosen = ms.criticised if criticise else ms.commended
        field = "criticism_seq" if criticise else "commendation_seq"
        if not chosen or not (meta.criticism if criticise else meta.commendation):
            continue
        seq = seq_of(ds, next(ds.rel(f) for f in ds.files if f.kind == "supervision" and f.model is sup), f"bulletin.{field}",
                     getattr(meta, field), organ=meta.organ, year=meta.issued_on.year, date=meta.issued_on,
                     title=bulletin_title(sup.year, sup.month, "criticism" if criticise else "commendation"))
        organ = district.organ(meta.organ)
        names = [d.department for d in chosen]
        units = []
        for i, d in enumerate(chosen, start=1):
            dept = district.department(d.department)
            facts = d.criticise_facts if criticise else d.commend_facts
            extra = d.issues if criticise else d.highlights
            units.append(UnitFacts(label=fmt.heading_ordinal(2, i), name=d.department,
                                   facts=fmt.join_cn(list(facts) + list(extra), sep="；", end="。"),
                                   head=(dept.head or "") if dept else ""))
        scores = []
        for d in ms.departments:
            res = "通报批评" if d.criticised else ("通报表彰" if d.commended else "")
            scores.append(ScoreLine(
                rank=str(d.rank) if d.rank else fmt.MISSING, department=d.department,
                score=str(d.score_display) if d.score_display is not None else fmt.MISSING,
                logins=_pct(d.item("logins").rate), items=_pct(d.item("items").rate), warnings=_pct(d.item("warnings").rate),
                report=_pct(d.item("settlement_report").rate), evaluations=_pct(d.item("evaluations").rate), result=res))
        what = "通报批评" if criticise else "通报表彰"
        title = (f"{organ.name}关于对{ms.label}投资项目绩效综合评价改革工作推进不力单位的通报批评" if criticise
                 else f"{organ.name}关于{ms.label}投资项目绩效综合评价改革工作成效较好单位的通报表彰")
        att = f"{ms.label}各部门投资项目绩效综合评价改革工作督办考评得分表"
        frame = Frame(
            mark=organ.mark, number=fmt.doc_number(organ.doc_prefix, meta.issued_on.year, seq),
            title=fmt.title_lines(title), recipients=fmt.recipients_line(district.recipients),
            signature=organ.name, date=fmt.cn_date(meta.issued_on), sealed=True,
            attachments=attachment_notes([att]),
            cc=fmt.cc_line(district.cc) if district.cc else "", printer=organ.name, print_date=fmt.cn_date(meta.issued_on),
        )
        ctx = BulletinContext(
            doc=frame, month=ms.label, office=organ.name, basis=f"{SOURCE_NOTICE}（港政办〔2024〕3号）",
            units_text=fmt.join_cn(names), count=len(names), units=units, rule=ms.rule_text,
            deadline=fmt.cn_date(cal.add_workdays(meta.issued_on, 15)),
            scores=scores, attachment_title=att,
        )
        src = [ds.rel(f) for f in ds.files if f.kind == "supervision" and f.model is sup]
        jobs.append(DocJob(kind="criticism" if criticise else "commendation", key=f"{sup.year}-{sup.month:02d}",
                           title=f"{ms.label}{what}（{frame.number}）", context=ctx, sources=src,
                           concerns=names, date=meta.issued_on))
    return jobs


def build_commendation(ds, analysis) -> list[DocJob]:
    return _build(ds, analysis, criticise=False)


def build_criticism(ds, analysis) -> list[DocJob]:
    return _build(ds, analysis, criticise=True)


COMMENDATION = register(DocumentKind(
    key="commendation", title="通报表彰", template="commendation.docx",
    inputs="supervision/*.yaml（含 bulletin 发文信息）；district.yaml（发文机关）",
    context_model=BulletinContext, build=build_commendation,
))
CRITICISM = register(DocumentKind(
    key="criticism", title="通报批评", template="criticism.docx",
    inputs="supervision/*.yaml（含 bulletin 发文信息）；district.yaml（发文机关）",
    context_model=BulletinContext, build=build_criticism,
))
