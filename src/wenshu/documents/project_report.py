"""项目绩效评价报告: one per evaluated project; government and social projects differ in basis,
evaluators and the 效能/效益 indicators (source notice 二、（四）1)."""

from __future__ import annotations

from pydantic import Field

from wenshu.analysis.scoring import method_text
from wenshu.documents.base import Ctx, DocJob, DocumentKind, Frame, register
from wenshu.documents.common import (
    BENEFIT_SOCIAL,
    EFFECTIVENESS_GOV,
    EFFECTIVENESS_SOCIAL,
    EFFICIENCY,
    SOURCE_NOTICE,
    ScoreCtx,
    dimension_sentence,
    numbered,
    score_ctx,
)
from wenshu.official import fmt


class ProjectFacts(Ctx):
    name: str = Field(title="项目名称", description="项目全称")
    id: str = Field(title="平台项目编号", description="绩效平台项目编号")
    code: str = Field(title="项目代码", description="国家项目代码")
    department: str = Field(title="行业主管部门", description="部门简称")
    industry: str = Field(title="所属行业", description="行业")
    investment_type: str = Field(title="投资类型", description="政府投资或社会投资")
    owner: str = Field(title="业主单位", description="项目业主单位")
    address: str = Field(title="建设地址", description="建设具体地址")
    total: str = Field(title="总投资", description="如 1.86亿元")


class LightRow(Ctx):
    name: str = Field(title="预警事项", description="开工、进度、竣工、资金、入库、论证、两算")
    colour: str = Field(title="灯色", description="红灯、黄灯、绿灯或不适用")
    reason: str = Field(title="原因", description="计算依据")


class ProjectReportContext(Ctx):
    doc: Frame = Field(title="公文要素", description="标题、署名、日期")
    is_government: bool = Field(title="是否政府投资", description="true 为政府投资项目，false 为社会投资项目")
    project: ProjectFacts = Field(title="项目", description="项目基本信息")
    opening: str = Field(title="开头", description="评价依据和组织情况")
    overview: str = Field(title="项目概况", description="立项、实施、资金来源与使用情况")
    objectives: str = Field(title="绩效目标", description="功能效益目标")
    scope: str = Field(title="评价对象和范围", description="评价对象、依据和数据来源")
    method: str = Field(title="评价方法", description="评分方法、权重、目标值和等级划分")
    process: str = Field(title="评价工作过程", description="评价单位和时间")
    score: ScoreCtx = Field(title="评分结果", description="综合得分、等级和评分表")
    efficiency: str = Field(title="效率分析", description="效率指标")
    effectiveness: str = Field(title="效能分析", description="效能指标")
    benefit: str = Field(title="效益分析", description="效益指标")
    liangsuan: str = Field(title="两算情况", description="竣工结算、决算报告、决算备案的期限和完成情况")
    lights: list[LightRow] = Field(title="红黄绿灯", description="各预警事项的灯色和原因")
    findings: list[str] = Field(title="主要经验及做法", description="已编号的条目")
    problems: list[str] = Field(title="存在的问题", description="已编号的条目")
    recommendations: list[str] = Field(title="有关建议", description="已编号的条目")
    other: str = Field(title="其他需要说明的问题", description="无则为“无。”")


def build(ds, analysis):
    """Yield one job per evaluated project (lazily: a district may have thousands)."""
    district = ds.district
    # Projects stream past (lean datasets re-read them file by file); only evaluated ones need a report.
    for p in ds.iter_projects():
        ev = ds.evaluation(p.id)
        if ev is None or analysis.project(p.id) is None or p.implementation is None or p.implementation.actual_completion is None:
            continue
        pa = analysis.detail(p)
        impl, res = p.implementation, p.reserve
        gov = p.is_government
        lead = next((e.organisation for e in ev.evaluators if e.role == "牵头"), ev.evaluators[0].organisation)
        partners = [e.organisation for e in ev.evaluators if e.organisation != lead]
        lead_dept = district.department(lead) if district else None
        acc = impl.acceptance if impl else None
        funding = "、".join(f"{f.source.value}{fmt.money_auto(f.amount)}" for f in impl.funding) if impl else ""
        overview = (
            f"{p.name}由{p.department}负责行业管理，{res.owner.name}为项目业主单位，项目代码{res.project_code}，"
            f"建设地点位于{res.address}。主要建设内容：{fmt.ensure_end_punct(res.content_scale)}"
            f"项目总投资{fmt.money_auto(impl.total_investment)}，资金来源为{funding}。"
            f"项目计划于{fmt.cn_date(res.planned_start)}开工、{fmt.cn_date(res.planned_completion)}竣工，"
            f"实际于{fmt.cn_date(impl.actual_start)}开工、{fmt.cn_date(impl.actual_completion)}竣工"
            + (f"，{fmt.cn_date(acc.accepted_on)}通过竣工验收" if acc else "")
            + (f"，{fmt.cn_date(acc.filed_on)}完成竣工验收备案" if acc and acc.filed_on else "")
            + "。"
        )
        op = impl.operation
        if gov:
            effect = dimension_sentence(pa.indicators, EFFECTIVENESS_GOV)
            benefit = ("政府投资项目以社会效益为主，" + "；".join(
                f"{e.name}{fmt.percent(e.value) if e.unit == '%' else e.value}（目标{fmt.percent(e.target) if e.unit == '%' else e.target}）"
                for e in ev.extra_indicators if e.dimension == "效益") + "。") if ev.extra_indicators else "政府投资项目以社会效益为主。"
        else:
            effect = dimension_sentence(pa.indicators, EFFECTIVENESS_SOCIAL)
            benefit = dimension_sentence(pa.indicators, BENEFIT_SOCIAL)
        if op is not None:
            effect += f"设计能力{op.design_capacity}{op.capacity_unit}，{op.year}年实际{op.actual_capacity}{op.capacity_unit}。"
        ls = [d for d in pa.deadlines if d.name in ("竣工结算", "竣工财务决算报告", "决算备案", "“两算”全周期")]
        liangsuan = "；".join(f"{d.name}应于{fmt.cn_date(d.due)}前完成，{d.label() if d.done is None else fmt.cn_date(d.done) + '完成，' + d.label()}" for d in ls if d.due)
        liangsuan = (liangsuan + "。") if liangsuan else "项目“两算”尚未到期。"
        frame = Frame(
            title=fmt.title_lines(f"{p.name}绩效评价报告", words=fmt.title_words(district, p.name)),
            signature=lead_dept.name if lead_dept else lead,
            date=fmt.cn_date(ev.evaluated_on),
            sealed=True,
        )
        ctx = ProjectReportContext(
            doc=frame,
            is_government=gov,
            project=ProjectFacts(name=p.name, id=p.id, code=res.project_code, department=p.department, industry=p.industry,
                                 investment_type=p.investment_type.value, owner=res.owner.name, address=res.address,
                                 total=fmt.money_auto(impl.total_investment)),
            opening=(f"根据{SOURCE_NOTICE}（港政办〔2024〕3号）要求，{lead}会同{fmt.join_cn(partners)}，对照{ev.basis}，"
                     f"结合绩效平台归集的建设管理数据，对{p.name}开展了绩效评价。现将有关情况报告如下。"),
            overview=overview,
            objectives="项目功能效益目标：" + fmt.join_cn(res.objectives, sep="；", end="。"),
            scope=(f"评价对象为{p.name}（{'政府投资项目' if gov else '社会投资项目'}），评价依据为{ev.basis}，"
                   f"评价数据来源于投资项目绩效综合评价平台，统计截止日为{fmt.cn_date(analysis.as_of)}。"),
            method=method_text(analysis.rules),
            process=f"{fmt.join_cn([lead] + partners)}组成评价组，于{fmt.cn_date(ev.evaluated_on)}完成评价。",
            score=score_ctx(pa.score),
            efficiency=dimension_sentence(pa.indicators, EFFICIENCY),
            effectiveness=effect,
            benefit=benefit,
            liangsuan=liangsuan,
            lights=[LightRow(name=l.name, colour=l.colour.value if l.colour else "不适用", reason=l.reason) for l in pa.lights.lights],
            findings=numbered(ev.findings) or ["无。"],
            problems=numbered(ev.problems) or ["无。"],
            recommendations=numbered(ev.recommendations) or ["无。"],
            other=fmt.ensure_end_punct(ev.other_notes) if ev.other_notes else "无。",
        )
        yield DocJob(kind="project_report", key=p.id, title=f"{p.name}绩效评价报告", context=ctx,
                     department=p.department, sources=[ds.project_file(p.id), ds.evaluation_file(p.id)],
                     date=ev.evaluated_on)


KIND = register(DocumentKind(
    key="project_report", title="项目绩效评价报告", template="project_report.docx",
    inputs="evaluations.yaml（评价输入）；projects（已竣工项目）；district.yaml",
    context_model=ProjectReportContext, build=build, estimate=lambda ds: ds.evaluation_count,
))
