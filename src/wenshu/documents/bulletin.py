"""通报表彰 / 通报批评 from the monthly supervision (督办考评, source notice 二、（五）3).

Two kinds sharing one context: the facts that justify each commendation or criticism are computed
by the analysis (analysis/supervision.py) and worded by the wording file; the fixed wording lives in
the editable templates.
"""

from __future__ import annotations

from pydantic import Field

from wenshu.analysis.facts import YearMonth
from wenshu.documents.base import Ctx, DocJob, DocumentKind, Frame, attachment_notes, register
from wenshu.documents.common import BasisCtx, basis_ctx
from wenshu.numbers import bulletin_title, seq_of
from wenshu.official import fmt
from wenshu.official.titles import title_lines, title_words
from wenshu.data.settings import load_wording


class UnitFacts(Ctx):
    label: str = Field(title="序号", description="（一）（二）……")
    name: str = Field(title="单位", description="部门简称")
    facts: str = Field(title="事实", description="表彰或批评的依据，带数字，以句号结尾")
    head: str = Field(default="", title="主要负责人", description="通报批评时约谈的主要负责人（如有）")


class ScoreLine(Ctx):
    rank: str = Field(title="排名", description="名次；未参与排名为“—”")
    department: str = Field(title="部门", description="部门简称")
    score: str = Field(title="得分", description="督办考评得分")
    logins: str = Field(title="平台登录", description="该项得分率")
    handling: str = Field(title="事项办理", description="按时办结率")
    warnings: str = Field(title="预警处置", description="处置率")
    report: str = Field(title="两算报送", description="得分率；不承担报送任务为“—”")
    evaluations: str = Field(title="评价报送", description="得分率")
    result: str = Field(title="结果", description="通报表彰、通报批评或空")


class RuleFacts(Ctx):
    logins: str = Field(title="平台登录分值", description="如 25")
    min_logins: int = Field(title="每周应登录次数", description="如 1")
    handling: str = Field(title="事项办理分值", description="如 30")
    warnings: str = Field(title="预警处置分值", description="如 20")
    report: str = Field(title="两算报送分值", description="如 15")
    late_report: str = Field(title="逾期报送得分率", description="如 50%")
    evaluations: str = Field(title="评价报送分值", description="如 10")


class BulletinContext(Ctx):
    doc: Frame = Field(title="公文要素", description="红头、发文字号、标题、主送、署名、日期、版记")
    basis: BasisCtx = Field(title="依据文件", description="本区改革工作方案的名称和发文字号")
    month: str = Field(title="督办月份", description="如 2025年10月")
    office: str = Field(title="督办机关", description="发文机关全称")
    units_text: str = Field(title="单位名单", description="顿号分隔的单位")
    count: int = Field(title="单位数", description="被通报单位个数")
    units: list[UnitFacts] = Field(title="被通报单位", description="单位及其事实")
    deadline: str = Field(title="整改期限", description="通报批评的整改报送期限，如 2025年12月10日")
    scores: list[ScoreLine] = Field(title="得分表", description="各部门督办考评得分（附件）")
    rule: RuleFacts = Field(title="考评规则", description="得分表注中的分值")
    annex_title: str = Field(title="附件名称", description="得分表名称")


def _pct(v) -> str:
    return fmt.percent(v) if v is not None else fmt.MISSING


def _build(ds, analysis, criticise: bool) -> list[DocJob]:
    jobs = []
    district = ds.district
    w = load_wording(ds.root)
    by_month = {(m.year, m.month): m for m in analysis.supervision}
    sr = analysis.rules.supervision
    rule = RuleFacts(logins=fmt.number(sr.weights.logins), min_logins=sr.criticise.min_logins_per_week,
                     handling=fmt.number(sr.weights.items), warnings=fmt.number(sr.weights.warnings),
                     report=fmt.number(sr.weights.settlement_report), late_report=fmt.percent(sr.late_report_score, 0),
                     evaluations=fmt.number(sr.weights.evaluations))
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
        month = fmt.cn_month(sup.year, sup.month)
        names = [d.department for d in chosen]
        units = []
        for i, d in enumerate(chosen, start=1):
            dept = district.department(d.department)
            facts = [w.say(f) for f in (d.criticise_facts if criticise else d.commend_facts)]
            extra = d.issues if criticise else d.highlights
            units.append(UnitFacts(label=fmt.heading_ordinal(2, i), name=d.department,
                                   facts=fmt.join_cn(facts + [t.rstrip("。；;") for t in extra], sep="；", end="。"),
                                   head=(dept.head or "") if dept else ""))
        scores = []
        for d in ms.departments:
            res = "通报批评" if d.criticised else ("通报表彰" if d.commended else "")
            scores.append(ScoreLine(
                rank=str(d.rank) if d.rank else fmt.MISSING, department=d.department,
                score=str(d.score_display) if d.score_display is not None else fmt.MISSING,
                logins=_pct(d.item("logins").rate), handling=_pct(d.item("items").rate), warnings=_pct(d.item("warnings").rate),
                report=_pct(d.item("settlement_report").rate), evaluations=_pct(d.item("evaluations").rate), result=res))
        kind = "criticism" if criticise else "commendation"
        period = YearMonth(sup.year, sup.month)
        title = w.phrase(f"title.{kind}", organ=organ.name, month=period)
        annex = w.phrase("title.bulletin_annex", month=period)
        number = fmt.doc_number(organ.doc_prefix, meta.issued_on.year, seq)
        frame = Frame(
            mark=organ.mark, number=number,
            title=title_lines(title, words=title_words(district)), recipients=fmt.recipients_line(district.recipients),
            signature=organ.name, date=fmt.cn_date(meta.issued_on), sealed=True,
            attachments=attachment_notes([annex]),
            cc=fmt.cc_line(district.cc) if district.cc else "", printer=organ.name, print_date=fmt.cn_date(meta.issued_on),
        )
        ctx = BulletinContext(
            doc=frame, basis=basis_ctx(district), month=month, office=organ.name,
            units_text=fmt.join_cn(names), count=len(names), units=units,
            deadline=fmt.cn_date(ms.rectification_due),
            scores=scores, rule=rule, annex_title=title_lines(annex, words=title_words(district)),
        )
        src = [ds.rel(f) for f in ds.files if f.kind == "supervision" and f.model is sup]
        jobs.append(DocJob(kind=kind, key=f"{sup.year}-{sup.month:02d}",
                           title=w.phrase(f"file.{kind}", month=period, number=number), context=ctx, sources=src,
                           concerns=names, date=meta.issued_on))
    return jobs


def build_commendation(ds, analysis) -> list[DocJob]:
    return _build(ds, analysis, criticise=False)


def build_criticism(ds, analysis) -> list[DocJob]:
    return _build(ds, analysis, criticise=True)


# ─── the template ──────────────────────────────────────────────────────────────────────────────


def _template(b, criticise: bool) -> None:
    """通报表彰 / 通报批评: 事实 → 评价 → 决定 → 希望/要求 (domain.md §3.2–3.3)."""
    from wenshu.official.template_build import annex_page
    b.red_header()
    b.blank(2)
    b.title()
    b.blank()
    b.recipients()
    if criticise:
        b.p("根据{{ basis.title }}（{{ basis.number }}）建立的督办考评机制，{{ office }}对{{ month }}各部门投资项目绩效综合评价"
            "改革工作落实情况（包括项目录入论证、“红黄绿”灯预警、“两算”工作开展、绩效评价等）进行了督办检查。"
            "经检查，{{ units_text }}{% if count > 1 %}等{{ count }}个单位{% endif %}工作推进不力，影响改革进程。现将有关情况通报如下。")
        b.h1("一、存在的问题")
    else:
        b.p("根据{{ basis.title }}（{{ basis.number }}）建立的督办考评机制，{{ office }}对{{ month }}各部门投资项目绩效综合评价"
            "改革工作落实情况（包括项目录入论证、“红黄绿”灯预警、“两算”工作开展、绩效评价等）进行了督办检查。"
            "经考评，{{ units_text }}{% if count > 1 %}等{{ count }}个单位{% endif %}工作进展较快、成效较好。现将有关情况通报如下。")
        b.h1("一、工作成效")
    b.ctl("{%p for u in units %}")
    b.h2("{{ u.label }}{{ u.name }}。", "{{ u.facts }}")
    b.ctl("{%p endfor %}")
    if criticise:
        b.h1("二、处理决定")
        b.p("为严肃工作纪律，推动改革落地见效，决定对{{ units_text }}予以通报批评，并约谈主要负责人。")
        b.h1("三、有关要求")
        b.p("被通报单位要认真查找原因，制定整改措施，于{{ deadline }}前将整改情况书面报{{ office }}。"
            "各部门要引以为戒，对照督办考评要求举一反三，切实履行职责，确保各项改革任务按时完成。")
    else:
        b.h1("二、表彰决定")
        b.p("为表彰先进、推动工作，决定对{{ units_text }}予以通报表彰。")
        b.h1("三、有关希望")
        b.p("希望受表彰单位珍惜荣誉、再接再厉，及时总结做法，形成可复制、可推广的经验。"
            "各部门要以先进为榜样，强化措施，狠抓落实，推动投资项目绩效综合评价改革取得更大成效。")
    b.p("特此通报。")
    b.attachment_notes("doc.attachments")
    b.signature()
    annex_page(b, "附件", "{{ annex_title }}")
    b.loop_table(["排名", "部门", "得分", "平台登录", "事项办理", "预警处置", "两算报送", "评价报送", "结果"],
                 ["{{ r.rank }}", "{{ r.department }}", "{{ r.score }}", "{{ r.logins }}", "{{ r.handling }}",
                  "{{ r.warnings }}", "{{ r.report }}", "{{ r.evaluations }}", "{{ r.result }}"], "scores",
                 widths_mm=(10, 26, 14, 17, 17, 17, 17, 17, 21), centre=(0, 2, 3, 4, 5, 6, 7, 8), small=True)
    b.p("注：督办考评满分100分，其中平台登录{{ rule.logins }}分（每周登录平台不少于{{ rule.min_logins }}次的周数占比）、"
        "事项办理{{ rule.handling }}分（按时办结率）、预警处置{{ rule.warnings }}分（预警处置率）、"
        "两算报送{{ rule.report }}分（每月10日前报送上月进展得满分，逾期报送得该项分值的{{ rule.late_report }}，未报送不得分）、"
        "评价报送{{ rule.evaluations }}分（报送率）；当月不适用的事项不计分，其分值按比例分配给其他事项。"
        "表中各事项为得分率，“—”表示当月不适用。")
    b.imprint()


def commendation_template(b) -> None:
    _template(b, criticise=False)


def criticism_template(b) -> None:
    _template(b, criticise=True)


COMMENDATION = register(DocumentKind(
    key="commendation", title="通报表彰", template_builder=commendation_template,
    aliases=("表彰",), period="month", number_field="bulletin.commendation_seq",
    inputs="supervision/*.yaml（含 bulletin 发文信息）；district.yaml（发文机关）",
    context_model=BulletinContext, build=build_commendation,
))
CRITICISM = register(DocumentKind(
    key="criticism", title="通报批评", template_builder=criticism_template,
    aliases=("批评",), period="month", number_field="bulletin.criticism_seq",
    inputs="supervision/*.yaml（含 bulletin 发文信息）；district.yaml（发文机关）",
    context_model=BulletinContext, build=build_criticism,
))
