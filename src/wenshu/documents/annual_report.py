"""年度投资项目综合绩效评价报告 (district level; source notice 二、（四）3, outline domain.md §2.9(c))."""

from __future__ import annotations

from pydantic import Field

from wenshu.analysis.indicators import SPECS
from wenshu.analysis.lights import Colour
from wenshu.analysis.scoring import method_text
from wenshu.documents.base import Ctx, DocJob, DocumentKind, Frame, TaskTable, register, task_table
from wenshu.documents.common import SOURCE_NOTICE, ScoreCtx, indicator_text, numbered, score_ctx, value_text
from wenshu.official import fmt


class LibRow(Ctx):
    name: str = Field(title="库", description="目录库、储备库、实施库")
    projects: int = Field(title="项目数", description="项目个数")
    total: str = Field(title="总投资", description="亿元")
    multiple: str = Field(title="倍数", description="为上年度投资规模的倍数")
    target: str = Field(title="目标", description="如 4倍；无目标为“—”")
    met: str = Field(title="是否达标", description="达到、未达到或“—”")


class IndRow(Ctx):
    name: str = Field(title="指标", description="指标名称")
    all: str = Field(title="全区", description="全部项目")
    gov: str = Field(title="政府投资", description="政府投资项目")
    social: str = Field(title="社会投资", description="社会投资项目")


class RankRow(Ctx):
    rank: int = Field(title="排名", description="按综合得分")
    name: str = Field(title="名称", description="行业或部门")
    projects: int = Field(title="项目数", description="项目个数")
    score: str = Field(title="得分", description="综合得分")
    grade: str = Field(title="等级", description="优、良、中、差")


class ReformItem(Ctx):
    title: str = Field(title="事项", description="如 项目生成规范化。")
    text: str = Field(title="情况", description="带数字的推进情况")


class AnnualReportContext(Ctx):
    doc: Frame = Field(title="公文要素", description="标题、署名、日期")
    year: int = Field(title="评价年度", description="年度")
    opening: str = Field(title="开头", description="评价依据")
    overall: str = Field(title="总体情况", description="项目数量、总投资、三库规模")
    libraries: list[LibRow] = Field(title="三库规模表", description="目录库、储备库、实施库")
    reform: list[ReformItem] = Field(title="改革推进情况", description="项目生成、论证、两算、评价")
    score: ScoreCtx = Field(title="综合评价结果", description="全区得分与等级")
    indicators: list[IndRow] = Field(title="指标表", description="全区、政府投资、社会投资")
    industries: list[RankRow] = Field(title="行业排名", description="各行业得分排名")
    departments: list[RankRow] = Field(title="部门排名", description="各行业主管部门得分排名")
    lights: str = Field(title="预警情况", description="红黄绿灯统计")
    red_projects: list[str] = Field(title="红灯项目", description="红灯项目及原因")
    trend: list[str] = Field(title="总体趋势", description="定性分析")
    input_output: list[str] = Field(title="投入产出比", description="定性分析")
    development: list[str] = Field(title="发展态势", description="定性分析")
    problems: list[str] = Field(title="存在问题", description="已编号")
    use_of_results: str = Field(title="结果运用", description="拟表彰、拟批评单位")
    suggestions: list[str] = Field(title="建议", description="投资规模、结构和质量、管理、新增长点")
    next_tasks: TaskTable | None = Field(default=None, title="下一年度任务清单", description="附件")
    method: str = Field(title="评价方法", description="评分方法")


def _score_text(s) -> tuple[str, str]:
    if s is None or s.total_display is None:
        return fmt.MISSING, fmt.MISSING
    return str(s.total_display), s.grade or fmt.MISSING


def _ranked(groups) -> list[RankRow]:
    rows = [(g, _score_text(g.all.score)) for g in groups if g.all.project_ids]
    rows.sort(key=lambda x: (-(x[0].all.score.total_display or 0) if x[0].all.score else 0, x[0].name))
    out = []
    for i, (g, (sc, gr)) in enumerate(rows, start=1):
        out.append(RankRow(rank=i, name=g.name, projects=len(g.all.project_ids), score=sc, grade=gr))
    return out


def build(ds, analysis) -> list[DocJob]:
    a = analysis
    district = ds.district
    r = ds.annual_report
    year = r.year if r else a.cohort_year
    d = a.district_total
    lt = a.libraries
    lib_rows = [LibRow(name=l.name, projects=l.projects, total=fmt.money_yi(l.total),
                       multiple=fmt.multiple(l.multiple), target=f"{l.target.normalize()}倍" if l.target else fmt.MISSING,
                       met=("达到" if l.met else "未达到") if l.met is not None else fmt.MISSING) for l in lt.lines]
    libs_text = "；".join(f"{l.name}{l.projects}个项目、总投资{fmt.money_yi(l.total)}，为上年度投资规模的{fmt.multiple(l.multiple)}"
                         + (f"（目标{l.target.normalize()}倍，{'已达到' if l.met else '未达到'}）" if l.target else "")
                         for l in lt.lines)
    ind_rows = []
    for key, spec in SPECS.items():
        vals = [d.splits[s].indicators[key] for s in ("全部", "政府投资", "社会投资")]
        ind_rows.append(IndRow(name=spec.name, all=value_text(vals[0].value, spec.unit),
                               gov=value_text(vals[1].value, spec.unit), social=value_text(vals[2].value, spec.unit)))
    reds = a.by_colour(Colour.RED)
    red_lines = [f"{p.name}（{p.department}）：" + "；".join(l.reason for l in p.lights.flagged() if l.colour is Colour.RED)
                 for p in reds[:12]]
    last = a.supervision[-1] if a.supervision else None
    if last is not None:
        use = (f"根据{last.label}督办考评结果，拟对{fmt.join_cn([x.department for x in last.commended]) or '（无）'}予以通报表彰，"
               f"对{fmt.join_cn([x.department for x in last.criticised]) or '（无）'}予以通报批评。")
    else:
        use = "本年度暂无督办考评记录。"
    use += "评价结果作为实行差异化支持政策、经济调控、项目谋划、论证入库、要素配置的重要依据。"
    reform = [
        ReformItem(title="项目生成规范化。", text=f"{libs_text}。"),
        ReformItem(title="项目论证标准化。", text=f"{indicator_text(d.all.indicators.get('appraisal_on_time'))}（15个工作日内完成论证入库）。"),
        ReformItem(title="项目“两算”高效化。", text=f"{indicator_text(d.all.indicators.get('liangsuan_on_time'))}；{a.cohort_year}年竣工项目"
                   f"{indicator_text(d.all.indicators.get('settlement_rate'))}、{indicator_text(d.all.indicators.get('final_accounts_rate'))}。"),
        ReformItem(title="绩效评价客观化。", text=f"已完成{ds.evaluation_count}个竣工项目绩效评价、{len(ds.industry_reports)}个行业绩效评价。"),
    ]
    suggestions = []
    if r:
        for label, items in (("投资规模", r.suggestions_scale), ("投资结构和质量", r.suggestions_structure),
                             ("投资管理", r.suggestions_management), ("培育投资新的增长点", r.suggestions_growth)):
            for t in items:
                suggestions.append(f"{label}方面：{t}")
    lights = "，".join(f"{k}{v}个" for k, v in d.all.lights.items() if v)
    gov_dept = district.department("区发改局")
    frame = Frame(
        title=fmt.title_lines(f"{district.name}{year}年度投资项目综合绩效评价报告", words=fmt.title_words(district)),
        signature=gov_dept.name if gov_dept else "区发改局",
        date=fmt.cn_date(r.report_date if r else a.as_of),
    )
    ctx = AnnualReportContext(
        doc=frame, year=year,
        opening=(f"根据{SOURCE_NOTICE}（港政办〔2024〕3号）要求，区发改局根据项目绩效评价、行业绩效评价结果，"
                 f"围绕全区投资项目效率、效能、效益开展定量分析，围绕总体趋势、投入产出比、发展态势开展定性分析，"
                 f"形成{year}年度投资项目综合绩效评价报告。数据统计截至{fmt.cn_date(a.as_of)}。"),
        overall=(f"全区纳入绩效平台管理的投资项目共{len(a.projects)}个，总投资{fmt.money_yi(d.all.total_investment)}。"
                 f"上年度全区投资规模{fmt.money_yi(lt.previous_year_investment)}。{libs_text}。"),
        libraries=lib_rows,
        reform=reform,
        score=score_ctx(d.all.score),
        indicators=ind_rows,
        industries=_ranked(a.industries),
        departments=_ranked(a.departments),
        lights=f"截至{fmt.cn_date(a.as_of)}，全区项目预警情况：{lights}。",
        red_projects=numbered(red_lines) or ["无红灯项目。"],
        trend=list(r.overall_trend) if r else [],
        input_output=list(r.input_output) if r else [],
        development=list(r.development) if r else [],
        problems=numbered(list(r.problems)) if r and r.problems else ["无。"],
        use_of_results=use,
        suggestions=numbered(suggestions) or ["无。"],
        next_tasks=task_table(fmt.title_lines(f"{district.name}{year + 1}年投资项目绩效综合评价工作任务清单", words=fmt.title_words(district)), r.next_year_tasks, year + 1)
        if r and r.next_year_tasks else None,
        method=method_text(a.rules),
    )
    srcs = ds.files_of("projects") + ds.files_of("annual_report") + ds.files_of("supervision")
    return [DocJob(kind="annual_report", key=str(year), title=f"{district.name}{year}年度投资项目综合绩效评价报告",
                   context=ctx, sources=srcs, date=r.report_date if r else a.as_of)]


KIND = register(DocumentKind(
    key="annual_report", title="年度投资项目综合绩效评价报告", template="annual_report.docx",
    inputs="全部项目数据；reports/annual-*.yaml（kind: annual_report）；supervision；district.yaml",
    context_model=AnnualReportContext, build=build,
))
