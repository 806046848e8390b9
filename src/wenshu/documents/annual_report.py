"""年度投资项目综合绩效评价报告 (district level; source notice 二、（四）3, outline domain.md §2.9(c)).

Made only when the data folder has an annual report input (``kind: annual_report``) and projects;
every figure is as of the report's own 统计截止日, and the supervision it cites is the latest month
judged by then.
"""

from __future__ import annotations

from pydantic import Field

from wenshu.analysis.indicators import SPECS
from wenshu.analysis.lights import Colour
from wenshu.documents.base import Ctx, DocJob, DocumentKind, Frame, TaskTable, attachment_notes, register, task_table
from wenshu.documents.common import (
    BasisCtx,
    Item,
    MethodCtx,
    ScoreCtx,
    basis_ctx,
    cutoff,
    lead_department,
    method_ctx,
    numbered,
    score_ctx,
    value_text,
)
from wenshu.models.district import DeptRole, InvestmentType

COMMITTEE_DEFAULT = "投资管理委员会"
from wenshu.official import fmt
from wenshu.official.titles import title_lines, title_words
from wenshu.data.settings import load_wording


class LibRow(Ctx):
    name: str = Field(title="库", description="目录库、储备库、实施库")
    projects: int = Field(title="项目数（个）", description="项目个数")
    total: str = Field(title="总投资（万元）", description="数字，单位在表头")
    total_text: str = Field(title="总投资", description="带单位，用于正文")
    multiple: str = Field(title="为上年度投资规模的倍数", description="如 1.80倍")
    target: str = Field(title="目标倍数", description="如 4倍；无目标为空")
    met: str = Field(title="是否达到", description="已达到、未达到；无目标为空")


class RateFacts(Ctx):
    judged: int = Field(title="参与计算的事项数", description="分母")
    on_time: int = Field(title="按时完成数", description="分子")
    rate: str = Field(title="比率", description="如 90.6%；分母为0时为空")


class CohortFacts(Ctx):
    year: int = Field(title="竣工年度", description="统计截止日的上一年")
    count: int = Field(title="竣工的政府投资项目数", description="该年度竣工的政府投资项目数")
    settlement: str = Field(title="结算率", description="如 100.0%")
    final: str = Field(title="决算率", description="如 100.0%")


class IndRow(Ctx):
    name: str = Field(title="指标", description="指标名称（单位）")
    all: str = Field(title="全区", description="全部项目")
    gov: str = Field(title="政府投资", description="政府投资项目")
    social: str = Field(title="社会投资", description="社会投资项目")


class RankRow(Ctx):
    rank: int = Field(title="排名", description="按综合得分，同分同名次")
    name: str = Field(title="名称", description="行业或部门")
    projects: int = Field(title="项目数（个）", description="项目个数")
    score: str = Field(title="得分", description="综合得分")
    grade: str = Field(title="等级", description="优、良、中、差")


class RedRow(Ctx):
    seq: int = Field(title="序号", description="从1开始")
    name: str = Field(title="项目名称", description="项目全称")
    code: str = Field(title="项目代码", description="尚未赋码为“—”")
    department: str = Field(title="行业主管部门", description="部门简称")
    reasons: str = Field(title="红灯原因", description="各红灯事项及原因，分号分隔")


class LightCounts(Ctx):
    red: int = Field(title="红灯项目数", description="综合灯色为红灯的项目数")
    yellow: int = Field(title="黄灯项目数", description="综合灯色为黄灯的项目数")
    green: int = Field(title="绿灯项目数", description="综合灯色为绿灯的项目数")
    na: int = Field(title="不适用项目数", description="无适用预警事项的项目数")


class ResultUse(Ctx):
    month: str = Field(title="引用的督办月份", description="统计截止日前最近一次督办考评的月份；无则为空")
    commended: str = Field(title="通报表彰单位", description="顿号分隔；无则为空")
    criticised: str = Field(title="通报批评单位", description="顿号分隔；无则为空")


class SuggestionGroup(Ctx):
    label: str = Field(title="序号", description="（一）（二）……")
    area: str = Field(title="方面", description="如 投资规模方面")
    entries: list[Item] = Field(title="建议", description="已编号的条目")


class Paragraphs(Ctx):
    trend: list[str] = Field(title="总体趋势", description="定性分析段落")
    input_output: list[str] = Field(title="投入产出比", description="定性分析段落")
    development: list[str] = Field(title="发展态势", description="定性分析段落")


class AnnualReportContext(Ctx):
    doc: Frame = Field(title="公文要素", description="标题、署名、日期、附件说明")
    basis: BasisCtx = Field(title="依据文件", description="本区改革工作方案的名称和发文字号")
    district: str = Field(title="区名", description="如 某区")
    lead: str = Field(title="牵头部门", description="牵头部门的简称")
    committee: str = Field(title="投资管理委员会", description="角色为“投资管理委员会”的部门简称；未设时为“投资管理委员会”")
    year: int = Field(title="评价年度", description="年度")
    as_of: str = Field(title="统计截止日", description="如 2025年6月26日")
    project_count: int = Field(title="项目数", description="统计截止日纳入绩效平台管理的项目数")
    total: str = Field(title="总投资", description="如 812,000.00万元")
    previous_year: int = Field(title="上年度", description="评价年度的上一年")
    previous_year_investment: str = Field(title="上年度投资规模", description="如 452,300.00万元")
    libraries: list[LibRow] = Field(title="三库规模表", description="目录库、储备库、实施库")
    catalogue: LibRow = Field(title="目录库", description="三库规模表第一行")
    reserve: LibRow = Field(title="储备库", description="三库规模表第二行")
    implementation: LibRow = Field(title="实施库", description="三库规模表第三行")
    appraisal: RateFacts = Field(title="论证按时情况", description="论证入库事项数、按时数和论证按时率")
    liangsuan: RateFacts = Field(title="两算按时情况", description="政府投资项目“两算”事项数、按时数和两算按时率")
    cohort: CohortFacts = Field(title="上年竣工项目两算", description="上年竣工政府投资项目的结算率、决算率")
    evaluations: int = Field(title="项目绩效评价份数", description="统计截止日前完成的项目绩效评价份数")
    industry_reports: int = Field(title="行业绩效评价份数", description="统计截止日前完成的行业绩效评价份数")
    method: MethodCtx = Field(title="评价方法", description="评分方法、维度分值和等级划分")
    score: ScoreCtx = Field(title="综合评价结果", description="全区得分与等级")
    indicators: list[IndRow] = Field(title="指标表", description="全区、政府投资、社会投资")
    industries: list[RankRow] = Field(title="行业排名", description="各行业得分排名")
    departments: list[RankRow] = Field(title="部门排名", description="各行业主管部门得分排名")
    lights: LightCounts = Field(title="预警情况", description="红黄绿灯项目数")
    reds: list[RedRow] = Field(title="红灯项目清单", description="全部红灯项目及原因（附件）")
    reds_title: str = Field(title="红灯项目清单标题", description="附件标题")
    reds_label: str = Field(title="红灯项目清单附件序号", description="如 附件1")
    qualitative: Paragraphs = Field(title="定性分析", description="总体趋势、投入产出比、发展态势")
    problems: list[Item] = Field(title="存在问题", description="已编号")
    use: ResultUse = Field(title="结果运用", description="引用的督办考评结果")
    suggestions: list[SuggestionGroup] = Field(title="建议", description="按方面分组的建议")
    next_tasks: TaskTable | None = Field(default=None, title="下一年度任务清单", description="附件")
    next_tasks_label: str = Field(default="", title="任务清单附件序号", description="如 附件2")


def _rate(ind) -> RateFacts:
    return RateFacts(judged=int(ind.denominator), on_time=int(ind.numerator),
                     rate=value_text(ind.value, ind.unit) if ind.value is not None else "")


def _ranked(groups) -> list[RankRow]:
    rows = [g for g in groups if g.all.project_ids]
    rows.sort(key=lambda g: (-(g.all.score.total_display or 0) if g.all.score else 0, g.name))
    out: list[RankRow] = []
    for i, g in enumerate(rows, start=1):
        sc = g.all.score
        shown = sc.total_display if sc else None
        rank = out[-1].rank if out and shown is not None and str(shown) == out[-1].score else i
        out.append(RankRow(rank=rank, name=g.name, projects=len(g.all.project_ids),
                           score=str(shown) if shown is not None else fmt.MISSING,
                           grade=(sc.grade or fmt.MISSING) if sc else fmt.MISSING))
    return out


def cutoffs(ds, as_of):
    r = ds.annual_report
    return [(cutoff(r.data_as_of, r.report_date, as_of), None)] if r is not None else []


def build(ds, analysis) -> list[DocJob]:
    r = ds.annual_report
    if r is None or not ds.project_count:
        return []  # no annual report input, or nothing to evaluate: no report
    district = ds.district
    w = load_wording(ds.root)
    day = cutoff(r.data_as_of, r.report_date, analysis.as_of)
    a = analysis.at(day)
    year = r.year
    d = a.district_total
    lt = a.libraries
    lib_rows = [LibRow(name=x.name, projects=x.projects, total=fmt.money(x.total, unit=""), total_text=fmt.money(x.total),
                       multiple=fmt.multiple(x.multiple), target=fmt.multiple(x.target, 0) if x.target else "",
                       met=("已达到" if x.met else "未达到") if x.met is not None else "")
                for x in lt.lines]
    by_key = {x.key: row for x, row in zip(lt.lines, lib_rows)}
    ind_rows = []
    for key, spec in SPECS.items():
        vals = [d.splits[sp].indicators[key] for sp in ("全部", InvestmentType.GOVERNMENT.value, InvestmentType.SOCIAL.value)]
        name = spec.name if spec.unit == "%" else fmt.with_unit(spec.name, spec.unit)
        ind_rows.append(IndRow(name=name, all=_cell(vals[0]), gov=_cell(vals[1]), social=_cell(vals[2])))
    reds = [p for p in a.projects if p.overall is Colour.RED]
    red_rows = [RedRow(seq=i, name=p.name, code=p.code or fmt.MISSING, department=p.department,
                       reasons=w.say_all(x.reason for x in p.lights.flagged() if x.colour is Colour.RED))
                for i, p in enumerate(reds, start=1)]
    # The supervision the report cites: the latest month judged on or before its 统计截止日.
    months = [m for m in a.supervision if m.judged_on <= day and (m.year, m.month) < (day.year, day.month)]
    last = months[-1] if months else None
    use = ResultUse(month=fmt.cn_month(last.year, last.month) if last else "",
                    commended=fmt.join_cn(x.department for x in last.commended) if last else "",
                    criticised=fmt.join_cn(x.department for x in last.criticised) if last else "")
    groups = []
    for key, items in (("scale", r.suggestions_scale), ("structure", r.suggestions_structure),
                       ("management", r.suggestions_management), ("growth", r.suggestions_growth)):
        if items:
            groups.append(SuggestionGroup(label=fmt.heading_ordinal(2, len(groups) + 1),
                                          area=w.phrase(f"annual.suggestions.{key}"), entries=numbered(items)))
    counts = {c: 0 for c in ("红灯", "黄灯", "绿灯", "不适用")}
    for k, v in d.all.lights.items():
        counts[k] = v
    reds_title = w.phrase("title.annual_reds", as_of=fmt.cn_date(day))
    tasks_title = w.phrase("title.annual_tasks", district=district.name, year=year + 1)
    annexes = ([reds_title] if red_rows else []) + ([tasks_title] if r.next_year_tasks else [])
    labels = fmt.attachment_labels(len(annexes))
    lead = lead_department(district)
    committee = district.first_with_role(DeptRole.COMMITTEE)
    title = w.phrase("title.annual_report", district=district.name, year=year)
    frame = Frame(
        title=title_lines(title, words=title_words(district)),
        signature=lead.name,
        date=fmt.cn_date(r.report_date),
        attachments=attachment_notes(annexes),
    )
    evaluations = sum(1 for ev in ds.iter_evaluations() if ev.evaluated_on <= day)
    industry_reports = sum(1 for x in ds.industry_reports if x.report_date <= day)
    ctx = AnnualReportContext(
        doc=frame, basis=basis_ctx(district), district=district.name, lead=lead.short, year=year,
        committee=committee.short if committee else COMMITTEE_DEFAULT,
        as_of=fmt.cn_date(day), project_count=len(a.projects), total=fmt.money(d.all.total_investment),
        previous_year=district.year - 1, previous_year_investment=fmt.money(lt.previous_year_investment),
        libraries=lib_rows, catalogue=by_key["catalogue"], reserve=by_key["reserve"],
        implementation=by_key["implementation"],
        appraisal=_rate(d.all.indicators["appraisal_on_time"]),
        liangsuan=_rate(d.all.indicators["liangsuan_on_time"]),
        cohort=CohortFacts(year=a.cohort_year, count=int(d.all.indicators["settlement_rate"].denominator),
                           settlement=_cell(d.all.indicators["settlement_rate"]),
                           final=_cell(d.all.indicators["final_accounts_rate"])),
        evaluations=evaluations, industry_reports=industry_reports,
        method=method_ctx(a.rules),
        score=score_ctx(d.all.score),
        indicators=ind_rows,
        industries=_ranked(a.industries),
        departments=_ranked(a.departments),
        lights=LightCounts(red=counts["红灯"], yellow=counts["黄灯"], green=counts["绿灯"], na=counts["不适用"]),
        reds=red_rows, reds_title=title_lines(reds_title, words=title_words(district)), reds_label=labels[0] if red_rows else "",
        qualitative=Paragraphs(trend=[fmt.ensure_end_punct(t) for t in r.overall_trend],
                               input_output=[fmt.ensure_end_punct(t) for t in r.input_output],
                               development=[fmt.ensure_end_punct(t) for t in r.development]),
        problems=numbered(r.problems),
        use=use,
        suggestions=groups,
        next_tasks=task_table(title_lines(tasks_title, words=title_words(district)), r.next_year_tasks, year + 1) if r.next_year_tasks else None,
        next_tasks_label=labels[-1] if r.next_year_tasks else "",
    )
    srcs = ds.files_of("projects") + ds.files_of("annual_report") + ds.files_of("supervision")
    return [DocJob(kind="annual_report", key=str(year), title=title, context=ctx, sources=srcs, date=r.report_date)]


def _cell(ind) -> str:
    if ind.value is None:
        return fmt.MISSING
    if ind.unit == "%":
        return fmt.percent(ind.value)
    return fmt.money(ind.value, unit="")


# ─── the template ──────────────────────────────────────────────────────────────────────────────


def build_template(b) -> None:
    """年度投资项目综合绩效评价报告 (domain.md §2.9(c))."""
    from wenshu.official.template_build import annex_page, method_paragraph, numbered_list, report_title, score_table
    report_title(b)
    b.p("根据{{ basis.title }}（{{ basis.number }}）要求，{{ lead }}根据项目绩效评价、行业绩效评价结果，"
        "围绕全区投资项目效率、效能、效益开展定量分析，围绕总体趋势、投入产出比、发展态势开展定性分析，"
        "形成{{ year }}年度投资项目综合绩效评价报告。报告数据统计截至{{ as_of }}。")
    b.h1("一、总体情况")
    b.p("截至{{ as_of }}，全区纳入绩效平台管理的投资项目共{{ project_count }}个，总投资{{ total }}。"
        "{{ previous_year }}年全区投资规模为{{ previous_year_investment }}，“三库”规模如下表。")
    b.loop_table(["库", "项目数（个）", "总投资（万元）", "为上年度投资规模的倍数", "目标倍数", "是否达到"],
                 ["{{ r.name }}", "{{ r.projects }}", "{{ r.total }}", "{{ r.multiple }}",
                  "{% if r.target %}{{ r.target }}{% else %}—{% endif %}", "{% if r.met %}{{ r.met }}{% else %}—{% endif %}"],
                 "libraries", widths_mm=(20, 22, 32, 36, 22, 24), centre=(0, 1, 2, 3, 4, 5))
    b.h1("二、改革推进情况")
    b.h2("（一）项目生成规范化。",
         "目录库项目{{ catalogue.projects }}个、总投资{{ catalogue.total_text }}，为上年度投资规模的{{ catalogue.multiple }}"
         "{% if catalogue.target %}（目标{{ catalogue.target }}，{{ catalogue.met }}）{% endif %}；"
         "储备库项目{{ reserve.projects }}个、总投资{{ reserve.total_text }}，为上年度投资规模的{{ reserve.multiple }}"
         "{% if reserve.target %}（目标{{ reserve.target }}，{{ reserve.met }}）{% endif %}；"
         "实施库项目{{ implementation.projects }}个、总投资{{ implementation.total_text }}。")
    b.h2("（二）项目论证标准化。",
         "{% if appraisal.judged %}已到期或已完成的论证入库事项{{ appraisal.judged }}项，其中在15个工作日内完成"
         "{{ appraisal.on_time }}项，论证按时率{{ appraisal.rate }}。"
         "{% else %}截至{{ as_of }}，尚无已到期或已完成的论证入库事项。{% endif %}")
    b.h2("（三）项目“两算”高效化。",
         "{% if liangsuan.judged %}已竣工的政府投资项目中，“两算”已完成或已到期的{{ liangsuan.judged }}个，"
         "其中在竣工后11个月内完成决算备案的{{ liangsuan.on_time }}个，两算按时率{{ liangsuan.rate }}。"
         "{% else %}截至{{ as_of }}，尚无“两算”已到期的政府投资项目。{% endif %}"
         "{% if cohort.count %}{{ cohort.year }}年竣工的政府投资项目{{ cohort.count }}个，结算率{{ cohort.settlement }}，"
         "决算率{{ cohort.final }}。{% endif %}")
    b.h2("（四）绩效评价客观化。",
         "截至{{ as_of }}，完成竣工项目绩效评价{{ evaluations }}个、行业绩效评价{{ industry_reports }}个。")
    b.h1("三、综合评价结果")
    method_paragraph(b, label="（一）评价方法和标准。")
    b.ctl("{%p if score.scored %}")
    b.h2("（二）评价结果。", "经评价，全区投资项目综合得分{{ score.total }}分，等级为“{{ score.grade }}”，"
         "其中{{ score.parts }}。各项指标得分如下表。")
    score_table(b)
    b.ctl("{%p else %}")
    b.h2("（二）评价结果。", "截至统计截止日，尚无可评分的指标，暂不评定等级。")
    b.ctl("{%p endif %}")
    b.ctl("{%p if industries %}")
    b.h2("（三）行业排名。", "各行业综合得分排名如下表。")
    b.loop_table(["排名", "行业", "项目数（个）", "得分", "等级"],
                 ["{{ r.rank }}", "{{ r.name }}", "{{ r.projects }}", "{{ r.score }}", "{{ r.grade }}"], "industries",
                 widths_mm=(18, 62, 24, 26, 26), centre=(0, 2, 3, 4))
    b.h2("（四）部门排名。", "各行业主管部门综合得分排名如下表。")
    b.loop_table(["排名", "部门", "项目数（个）", "得分", "等级"],
                 ["{{ r.rank }}", "{{ r.name }}", "{{ r.projects }}", "{{ r.score }}", "{{ r.grade }}"], "departments",
                 widths_mm=(18, 62, 24, 26, 26), centre=(0, 2, 3, 4))
    b.ctl("{%p endif %}")
    b.h1("四、效率、效能、效益分析")
    b.h2("（一）定量分析。", "全区投资项目主要指标如下表。")
    b.loop_table(["指标", "全区", "政府投资", "社会投资"],
                 ["{{ r.name }}", "{{ r.all }}", "{{ r.gov }}", "{{ r.social }}"], "indicators",
                 widths_mm=(60, 32, 32, 32), centre=(1, 2, 3))
    b.ctl("{%p if qualitative.trend or qualitative.input_output or qualitative.development %}")
    b.h2("（二）定性分析。")
    for key in ("trend", "input_output", "development"):
        b.para_list(f"qualitative.{key}")
    b.ctl("{%p endif %}")
    b.h1("五、红黄绿灯预警及整改情况")
    b.p("截至{{ as_of }}，全区项目中红灯{{ lights.red }}个、黄灯{{ lights.yellow }}个、绿灯{{ lights.green }}个"
        "{% if lights.na %}，另有{{ lights.na }}个项目尚无适用的预警事项{% endif %}。"
        "{% if reds %}红灯项目及其原因见{{ reds_label }}，由{{ committee }}协调调整和推进；"
        "黄灯项目由行业主管部门督促明确整改时限、限期整改。{% else %}全区无红灯项目。{% endif %}")
    b.h1("六、存在问题")
    numbered_list(b, "problems")
    b.h1("七、结果运用")
    b.p("{% if use.month %}根据{{ use.month }}督办考评结果，{% if use.commended %}对{{ use.commended }}予以通报表彰"
        "{% if use.criticised %}，{% endif %}{% endif %}{% if use.criticised %}对{{ use.criticised }}予以通报批评{% endif %}"
        "{% if not use.commended and not use.criticised %}各部门均未达到通报表彰或通报批评的条件{% endif %}。{% endif %}"
        "绩效评价结果作为实行差异化支持政策、经济调控、项目谋划、论证入库、要素配置的重要依据。")
    b.h1("八、有关建议和下一年度工作安排")
    b.ctl("{%p for g in suggestions %}")
    b.h2("{{ g.label }}{{ g.area }}。")
    b.ctl("{%p for i in g.entries %}")
    b.p("{{ i.label }}{{ i.text }}")
    b.ctl("{%p endfor %}")
    b.ctl("{%p endfor %}")
    b.ctl("{%p if next_tasks %}")
    b.p("{{ year + 1 }}年度重点工作任务见{{ next_tasks_label }}。")
    b.ctl("{%p endif %}")
    b.attachment_notes("doc.attachments")
    b.signature()
    b.ctl("{%p if reds %}")
    annex_page(b, "{{ reds_label }}", "{{ reds_title }}")
    b.loop_table(["序号", "项目名称", "项目代码", "行业主管部门", "红灯原因"],
                 ["{{ r.seq }}", "{{ r.name }}", "{{ r.code }}", "{{ r.department }}", "{{ r.reasons }}"], "reds",
                 widths_mm=(10, 36, 30, 20, 60), centre=(0,), small=True)
    b.ctl("{%p endif %}")
    b.ctl("{%p if next_tasks %}")
    annex_page(b, "{{ next_tasks_label }}", "{{ next_tasks.title }}")
    b.task_table("next_tasks")
    b.ctl("{%p endif %}")


KIND = register(DocumentKind(
    key="annual_report", title="年度投资项目综合绩效评价报告", template_builder=build_template,
    aliases=("年度报告", "年度综合绩效评价报告"), period="year",
    inputs="reports/annual-*.yaml（kind: annual_report）；全部项目数据；supervision；district.yaml",
    context_model=AnnualReportContext, build=build, cutoffs=cutoffs,
))
