"""项目绩效评价报告: one per evaluated project; government and social projects differ in basis,
evaluators and the 效能/效益 indicators (source notice 二、（四）1).

The report states its figures as of its own 统计截止日 (the evaluation's ``data_as_of``, by default
its date), never later than the run's ``--as-of``.
"""

from __future__ import annotations

from pydantic import Field

from wenshu.analysis.facts import deadline_status, fact
from wenshu.analysis.lights import step_name
from wenshu.documents.base import Ctx, DocJob, DocumentKind, Frame, register
from wenshu.documents.common import (
    BENEFIT_SOCIAL,
    EFFECTIVENESS_GOV,
    EFFECTIVENESS_SOCIAL,
    EFFICIENCY,
    BasisCtx,
    Item,
    LightRow,
    MethodCtx,
    ScoreCtx,
    basis_ctx,
    cutoff,
    indicator_list,
    light_rows,
    method_ctx,
    numbered,
    score_ctx,
)
from wenshu.official import fmt
from wenshu.official.titles import title_lines, title_words
from wenshu.data.settings import load_wording
from wenshu.wording import Wording


class ProjectFacts(Ctx):
    name: str = Field(title="项目名称", description="项目全称")
    code: str = Field(title="项目代码", description="国家项目代码；尚未赋码为空")
    department: str = Field(title="行业主管部门", description="部门简称")
    industry: str = Field(title="所属行业", description="行业")
    owner: str = Field(title="业主单位", description="项目业主单位")
    address: str = Field(title="建设地址", description="建设具体地址")
    content: str = Field(title="建设内容和规模", description="以句号结尾")
    objectives: str = Field(title="功能效益目标", description="分号分隔，末尾无标点")
    total: str = Field(title="总投资", description="如 18,600.00万元")
    funding: str = Field(title="资金来源", description="如 中省预算内资金5,580.00万元、专项债7,440.00万元")
    planned_start: str = Field(title="计划开工时间", description="如 2022年3月11日")
    planned_completion: str = Field(title="计划竣工时间", description="如 2023年4月6日")
    actual_start: str = Field(title="实际开工时间", description="如 2022年3月10日")
    actual_completion: str = Field(title="实际竣工时间", description="如 2023年4月20日")
    accepted_on: str = Field(title="竣工验收日期", description="未验收为空")
    filed_on: str = Field(title="竣工验收备案日期", description="未备案为空")


class EvaluationFacts(Ctx):
    lead: str = Field(title="牵头评价单位", description="部门简称或机构名称")
    partners: str = Field(title="会同单位", description="顿号分隔；无则为空")
    team: str = Field(title="评价组成员单位", description="牵头单位和会同单位，顿号分隔")
    basis: str = Field(title="评价依据", description="可行性研究报告或项目策划书，带书名号")
    date: str = Field(title="评价日期", description="如 2025年4月11日")


class CapacityFacts(Ctx):
    year: int = Field(title="运营数据年度", description="如 2024")
    design: str = Field(title="设计能力", description="带单位，如 1080个学位")
    actual: str = Field(title="实际能力", description="带单位，如 756个学位")


class LiangsuanFacts(Ctx):
    completed: str = Field(title="竣工日期", description="如 2023年4月20日")
    steps: str = Field(title="各步骤期限及完成情况", description="竣工结算、竣工财务决算报告、决算备案，分号分隔，措辞见措辞文件")


class ProjectReportContext(Ctx):
    doc: Frame = Field(title="公文要素", description="标题、署名、日期")
    basis: BasisCtx = Field(title="依据文件", description="本区改革工作方案的名称和发文字号")
    is_government: bool = Field(title="是否政府投资", description="真为政府投资项目，假为社会投资项目")
    as_of: str = Field(title="统计截止日", description="如 2025年4月11日")
    project: ProjectFacts = Field(title="项目", description="项目基本情况")
    evaluation: EvaluationFacts = Field(title="评价组织", description="评价单位、依据和日期")
    method: MethodCtx = Field(title="评价方法", description="评分方法、维度分值和等级划分")
    score: ScoreCtx = Field(title="评分结果", description="综合得分、等级和评分表")
    efficiency: str = Field(title="效率指标", description="适用的效率指标及其值，顿号分隔；均不适用为空")
    effectiveness: str = Field(title="效能指标", description="适用的效能指标及其值；均不适用为空")
    benefit: str = Field(title="效益指标", description="适用的效益指标及其值（政府投资项目为补充指标及目标值）；无则为空")
    capacity: CapacityFacts | None = Field(default=None, title="设计与实际能力", description="有运营数据时提供")
    liangsuan: LiangsuanFacts | None = Field(default=None, title="两算情况", description="已竣工的政府投资项目提供")
    lights: list[LightRow] = Field(title="红黄绿灯", description="各预警事项的灯色和情况")
    findings: list[Item] = Field(title="主要经验及做法", description="已编号的条目；无则为空")
    problems: list[Item] = Field(title="存在的问题", description="已编号的条目；无则为空")
    recommendations: list[Item] = Field(title="有关建议", description="已编号的条目；无则为空")
    other: str = Field(title="其他需要说明的问题", description="以句号结尾；无则为空")


def _extras(ev, dimension: str, w: Wording) -> str:
    """Extra indicators of one dimension with their targets (wording ``indicator.with_target``)."""
    return fmt.join_cn(
        w.phrase("indicator.with_target", name=e.name, value=fmt.quantity(e.value, e.unit),
                 target=fmt.quantity(e.target, e.unit))
        for e in ev.extra_indicators if e.dimension == dimension)


def liangsuan_facts(pa, w: Wording, completed, day) -> LiangsuanFacts | None:
    """The three 两算 steps with their deadlines and where they stand on the report's date."""
    steps = [d for d in pa.deadlines if d.key in ("settlement", "final_report", "filing")]
    if completed is None or not steps:
        return None
    parts = []
    for d in steps:
        if d.due is None:
            continue  # the clock has not started (the previous step is not done)
        key = "deadline.step_cycle_bound" if d.bound_by_cycle else "deadline.step"
        parts.append(w.say(fact(key, step=step_name(d.key), due=d.due, status=deadline_status(d, day))))
    return LiangsuanFacts(completed=fmt.cn_date(completed), steps=fmt.join_cn(parts, sep="；"))


def job_for(step):
    """The project's report, if it has an evaluation input and was completed by the report's own
    统计截止日 (``step``: the project as it passes, see ``wenshu.pipeline.ProjectPass``)."""
    p, ds = step.project, step.ds
    ev = step.inputs.evaluation
    if ev is None or p.implementation is None or p.implementation.actual_completion is None:
        return None
    day = cutoff(ev.data_as_of, ev.evaluated_on, step.as_of)
    if p.implementation.actual_completion > day:
        return None  # not yet completed on the report's own date: nothing to evaluate
    district = ds.district
    w = step.run.memo("wording", lambda: load_wording(ds.root))
    words = step.run.memo("title_words", lambda: title_words(district))
    rules = step.run.analyzer.rules
    pa = step.analysis_at(day)
    impl, res = p.implementation, p.reserve
    gov = p.is_government
    lead = next((e.organisation for e in ev.evaluators if e.role == "牵头"), ev.evaluators[0].organisation)
    partners = [e.organisation for e in ev.evaluators if e.organisation != lead]
    lead_dept = district.department(lead)
    acc = impl.acceptance
    op = impl.operation
    if gov:
        effect = indicator_list(pa.indicators, EFFECTIVENESS_GOV)
        benefit = _extras(ev, "效益", w)
    else:
        effect = indicator_list(pa.indicators, EFFECTIVENESS_SOCIAL)
        benefit = fmt.join_cn([x for x in (indicator_list(pa.indicators, BENEFIT_SOCIAL), _extras(ev, "效益", w)) if x])
    capacity = None
    if op is not None:
        capacity = CapacityFacts(year=op.year, design=fmt.quantity(op.design_capacity, op.capacity_unit),
                                 actual=fmt.quantity(op.actual_capacity, op.capacity_unit))
    frame = Frame(
        title=title_lines(f"{p.name}绩效评价报告", words=(*words, p.name)),
        signature=lead_dept.name if lead_dept else lead,
        date=fmt.cn_date(ev.evaluated_on),
        sealed=True,
    )
    ctx = ProjectReportContext(
        doc=frame,
        basis=basis_ctx(district),
        is_government=gov,
        as_of=fmt.cn_date(day),
        project=ProjectFacts(
            name=p.name, code=res.project_code or "", department=p.department, industry=p.industry,
            owner=res.owner.name, address=res.address, content=fmt.ensure_end_punct(res.content_scale),
            objectives=fmt.join_cn([o.rstrip("。；;") for o in res.objectives], sep="；"),
            total=fmt.money(impl.total_investment),
            funding=fmt.join_cn(f.source.value + fmt.money(f.amount) for f in impl.funding),
            planned_start=fmt.cn_date(res.planned_start), planned_completion=fmt.cn_date(res.planned_completion),
            actual_start=fmt.cn_date(impl.actual_start), actual_completion=fmt.cn_date(impl.actual_completion),
            accepted_on=fmt.cn_date(acc.accepted_on) if acc and acc.accepted_on <= day else "",
            filed_on=fmt.cn_date(acc.filed_on) if acc and acc.filed_on and acc.filed_on <= day else "",
        ),
        evaluation=EvaluationFacts(lead=lead, partners=fmt.join_cn(partners), team=fmt.join_cn([lead] + partners),
                                   basis=ev.basis, date=fmt.cn_date(ev.evaluated_on)),
        method=method_ctx(rules),
        score=score_ctx(pa.score),
        efficiency=indicator_list(pa.indicators, EFFICIENCY),
        effectiveness=effect,
        benefit=benefit,
        capacity=capacity,
        liangsuan=liangsuan_facts(pa, w, impl.actual_completion, day) if gov else None,
        lights=light_rows(pa.lights, w),
        findings=numbered(ev.findings),
        problems=numbered(ev.problems),
        recommendations=numbered(ev.recommendations),
        other=fmt.ensure_end_punct(ev.other_notes) if ev.other_notes else "",
    )
    return DocJob(kind="project_report", key=p.id, title=f"{p.name}绩效评价报告", context=ctx,
                  department=p.department, sources=[step.project_file, step.evaluation_file],
                  date=ev.evaluated_on)


# ─── the template ──────────────────────────────────────────────────────────────────────────────


def build_template(b) -> None:
    """项目绩效评价报告: outline of 财预〔2020〕10号 adapted to 效率/效能/效益 (domain.md §2.9(a)).

    Government projects are judged against the 可行性研究报告 and have a 两算 section; social projects
    against the 项目策划书, with 产能利用率、碳排放、亩均效益 (notice 二、（四）1)."""
    from wenshu.official.template_build import method_paragraph, numbered_list, report_title, score_table
    report_title(b)
    b.p("根据{{ basis.title }}（{{ basis.number }}）要求，{{ evaluation.lead }}{% if evaluation.partners %}会同"
        "{{ evaluation.partners }}{% endif %}，对照{{ evaluation.basis }}，结合投资项目绩效综合评价平台（以下简称“绩效平台”）"
        "归集的建设管理数据，对{{ project.name }}开展了绩效评价。现将有关情况报告如下。")
    b.h1("一、基本情况")
    b.h2("（一）项目概况。",
         "{{ project.name }}{% if project.code %}（项目代码：{{ project.code }}）{% endif %}由{{ project.department }}负责行业管理，"
         "项目业主单位为{{ project.owner }}，建设地点位于{{ project.address }}。主要建设内容：{{ project.content }}"
         "项目总投资{{ project.total }}{% if project.funding %}，资金来源为{{ project.funding }}{% endif %}。"
         "项目计划于{{ project.planned_start }}开工、{{ project.planned_completion }}竣工，实际于{{ project.actual_start }}开工、"
         "{{ project.actual_completion }}竣工{% if project.accepted_on %}，{{ project.accepted_on }}通过竣工验收{% endif %}"
         "{% if project.filed_on %}，{{ project.filed_on }}完成竣工验收备案{% endif %}。")
    b.h2("（二）项目绩效目标。", "项目功能效益目标为：{{ project.objectives }}。")
    b.h1("二、绩效评价工作开展情况")
    b.h2("（一）评价对象和范围。",
         "评价对象为{{ project.name }}，属{% if is_government %}政府投资项目{% else %}社会投资项目{% endif %}。"
         "评价依据为{{ evaluation.basis }}，评价数据来源于绩效平台，统计截止日为{{ as_of }}。")
    method_paragraph(b)
    b.h2("（三）评价工作过程。", "{{ evaluation.team }}组成评价组，于{{ evaluation.date }}完成评价。")
    b.h1("三、综合评价情况及评价结论")
    b.ctl("{%p if score.scored %}")
    b.p("经评价，{{ project.name }}综合得分{{ score.total }}分，等级为“{{ score.grade }}”，其中{{ score.parts }}。"
        "各项指标的实际值、目标值、权重和得分如下表。")
    score_table(b)
    b.ctl("{%p else %}")
    b.p("截至统计截止日，项目尚无可评分的指标，暂不评定等级。")
    b.ctl("{%p endif %}")
    b.h1("四、绩效评价指标分析")
    b.h2("（一）效率评价。", "{% if efficiency %}{{ efficiency }}。{% else %}本项目效率指标均不适用。{% endif %}")
    b.ctl("{%p if is_government %}")
    b.h2("（二）效能评价。", "对照可行性研究报告，重点评价功能建设达标率和供给能力利用率"
         "{% if effectiveness %}：{{ effectiveness }}{% endif %}。"
         "{% if capacity %}项目设计能力为{{ capacity.design }}，{{ capacity.year }}年实际达到{{ capacity.actual }}。{% endif %}")
    b.h2("（三）效益评价。", "政府投资项目以社会效益为主{% if benefit %}，{{ benefit }}{% endif %}。")
    b.h2("（四）“两算”情况。", "{% if liangsuan %}项目于{{ liangsuan.completed }}竣工。{{ liangsuan.steps }}。"
         "{% else %}项目尚未竣工，“两算”期限尚未起算。{% endif %}")
    b.h2("（五）红黄绿灯预警情况。", "截至{{ as_of }}，项目各预警事项情况如下表。")
    b.ctl("{%p else %}")
    b.h2("（二）效能评价。", "对照项目策划书，重点评价产能利用率（服务能力）{% if effectiveness %}：{{ effectiveness }}{% endif %}。"
         "{% if capacity %}项目设计能力为{{ capacity.design }}，{{ capacity.year }}年实际达到{{ capacity.actual }}。{% endif %}")
    b.h2("（三）效益评价。", "重点评价碳排放达标率和亩均效益{% if benefit %}：{{ benefit }}{% endif %}。")
    b.h2("（四）红黄绿灯预警情况。", "截至{{ as_of }}，项目各预警事项情况如下表。")
    b.ctl("{%p endif %}")
    b.loop_table(["预警事项", "灯色", "情况"], ["{{ r.name }}", "{{ r.colour }}", "{{ r.reason }}"], "lights",
                 widths_mm=(24, 20, 112), centre=(0, 1))
    b.h1("五、主要经验及做法、存在的问题")
    b.h2("（一）主要经验及做法。")
    numbered_list(b, "findings")
    b.h2("（二）存在的问题。")
    numbered_list(b, "problems")
    b.h1("六、有关建议")
    numbered_list(b, "recommendations")
    b.h1("七、其他需要说明的问题")
    b.p("{% if other %}{{ other }}{% else %}无。{% endif %}")
    b.signature()


KIND = register(DocumentKind(
    key="project_report", title="项目绩效评价报告", template_builder=build_template,
    aliases=("项目报告", "项目绩效评价"),
    inputs="evaluations.yaml（评价输入）；projects（已竣工项目）；district.yaml",
    context_model=ProjectReportContext, per_project=job_for, estimate=lambda ds: ds.evaluation_count,
))
