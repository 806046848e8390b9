"""行业绩效评价报告: one per industry that has a report input and projects (source notice 二、（四）2;
outline domain.md §2.9(b)). Figures are as of the report's own 统计截止日."""

from __future__ import annotations

from collections import Counter

from pydantic import Field

from wenshu.analysis.facts import overdue_fact
from wenshu.documents.base import Ctx, DocJob, DocumentKind, Frame, attachment_notes, register
from wenshu.documents.common import (
    BENEFIT_SOCIAL,
    EFFECTIVENESS_GOV,
    EFFECTIVENESS_SOCIAL,
    EFFICIENCY,
    BasisCtx,
    Item,
    MethodCtx,
    ScoreCtx,
    basis_ctx,
    cutoff,
    indicator_list,
    method_ctx,
    numbered,
    score_ctx,
    value_text,
)
from wenshu.models.district import InvestmentType
from wenshu.official import fmt
from wenshu.wording import load_wording

LIGHT_ORDER = ("红灯", "黄灯", "绿灯", "不适用")
GRADE_ORDER = ("优", "良", "中", "差")


class ProjectRow(Ctx):
    seq: int = Field(title="序号", description="从1开始")
    name: str = Field(title="项目名称", description="项目全称")
    code: str = Field(title="项目代码", description="尚未赋码为“—”")
    library: str = Field(title="所在库", description="目录库、储备库或实施库")
    total: str = Field(title="总投资（万元）", description="数字，单位在表头")
    light: str = Field(title="预警", description="红灯、黄灯、绿灯或不适用")
    score: str = Field(title="得分", description="已竣工项目的绩效得分；未评分为“—”")
    grade: str = Field(title="等级", description="优、良、中、差或“—”")


class RectRow(Ctx):
    seq: int = Field(title="序号", description="从1开始")
    problem: str = Field(title="问题", description="存在的问题")
    measure: str = Field(title="整改措施", description="整改措施")
    unit: str = Field(title="责任单位", description="责任单位")
    due: str = Field(title="完成时间", description="如 2025年9月30日前")


class IndustryReportContext(Ctx):
    doc: Frame = Field(title="公文要素", description="标题、署名、日期、附件说明")
    basis: BasisCtx = Field(title="依据文件", description="本区改革工作方案的名称和发文字号")
    industry: str = Field(title="行业", description="行业名称")
    department: str = Field(title="行业主管部门", description="部门简称")
    is_government: bool = Field(title="是否政府投资行业", description="决定总量分析和结构分析的口径")
    year: int = Field(title="评价年度", description="被评价年度")
    as_of: str = Field(title="统计截止日", description="如 2025年5月22日")
    background: str = Field(title="行业发展背景", description="本部门填写的背景；未填为空")
    count: int = Field(title="项目数", description="纳入绩效平台管理的本行业项目数")
    total: str = Field(title="总投资", description="如 25,300.00万元")
    libraries: str = Field(title="三库分布", description="如 实施库3个、储备库1个")
    investment_completion: str = Field(title="投资完成率", description="如 86.8%；不适用为空")
    method: MethodCtx = Field(title="评价方法", description="评分方法、维度分值和等级划分")
    score: ScoreCtx = Field(title="评价结果", description="行业得分与等级")
    scored_count: int = Field(title="已评分项目数", description="已竣工并评分的项目数")
    grades: str = Field(title="等级分布", description="如 “良”3个、“中”1个")
    lights: str = Field(title="预警分布", description="如 红灯2个、黄灯3个、绿灯5个")
    efficiency: str = Field(title="效率指标", description="适用的效率指标及其值；均不适用为空")
    effectiveness: str = Field(title="效能指标", description="供给能力利用率或产能利用率；不适用为空")
    benefit: str = Field(title="效益指标", description="社会投资行业的效益指标；无数据为空")
    structure: list[str] = Field(title="结构分析", description="本部门填写的结构分析段落")
    problems: list[Item] = Field(title="存在的主要问题", description="本部门填写的问题和逾期事项，已编号")
    recommendations: list[Item] = Field(title="意见建议", description="已编号的条目")
    rectifications: list[RectRow] = Field(title="整改清单", description="问题、措施、责任单位、完成时间")
    projects: list[ProjectRow] = Field(title="项目汇总表", description="行业项目绩效评价结果汇总（附件）")
    annex_title: str = Field(title="附件名称", description="行业项目绩效评价结果汇总表的标题")


def report_inputs(ds) -> dict:
    return {r.industry: r for r in ds.industry_reports}


def cutoffs(ds, as_of):
    return [(cutoff(r.data_as_of, r.report_date, as_of), frozenset({r.industry})) for r in ds.industry_reports]


def build(ds, analysis):
    """Yield one job per industry with a report input and projects on its 统计截止日."""
    district = ds.district
    w = load_wording(ds.root)
    inputs = report_inputs(ds)
    for ind in district.industries:
        r = inputs.get(ind.name)
        if r is None:
            continue  # the department has not written this industry's report
        day = cutoff(r.data_as_of, r.report_date, analysis.as_of)
        a = analysis.at(day)
        ga = a.industry(ind.name)
        if ga is None or not ga.all.project_ids:
            continue
        gov = ind.investment_type is InvestmentType.GOVERNMENT
        split = ga.all
        ps = [a.project(pid) for pid in split.project_ids]
        libs = Counter(p.library for p in ps)
        scored = [p for p in ps if p.score is not None and p.score.total_display is not None]
        grades = Counter(p.score.grade for p in scored)
        members = set(split.project_ids)
        overdue = [o for o in a.overdue if o.open and o.project_id in members]
        problems = list(r.problems) + [w.say(overdue_fact(o, day)) for o in overdue]
        dept = district.department(ind.department)
        annex = w.phrase("title.industry_annex", year=r.year, industry=ind.name)
        title = w.phrase("title.industry_report", district=district.name, year=r.year, industry=ind.name)
        frame = Frame(
            title=fmt.title_lines(title, words=fmt.title_words(district)),
            signature=dept.name if dept else ind.department,
            date=fmt.cn_date(r.report_date),
            attachments=attachment_notes([annex]),
        )
        inv = split.indicators.get("investment_completion")
        rows = [ProjectRow(seq=i, name=p.name, code=p.code or fmt.MISSING, library=p.library,
                           total=fmt.money(p.total_investment, unit=""),
                           light=p.overall.value if p.overall else "不适用",
                           score=str(p.score.total_display) if p.score and p.score.total_display is not None else fmt.MISSING,
                           grade=(p.score.grade or fmt.MISSING) if p.score else fmt.MISSING)
                for i, p in enumerate(ps, start=1)]
        ctx = IndustryReportContext(
            doc=frame, basis=basis_ctx(district), industry=ind.name, department=ind.department, is_government=gov,
            year=r.year, as_of=fmt.cn_date(day), background=fmt.ensure_end_punct(r.background) if r.background else "",
            count=len(ps), total=fmt.money(split.total_investment),
            libraries=fmt.join_cn(lib + fmt.count(n) for lib, n in sorted(libs.items(), key=_library_order)),
            investment_completion=value_text(inv.value, inv.unit) if inv is not None and inv.value is not None else "",
            method=method_ctx(a.rules),
            score=score_ctx(split.score),
            scored_count=len(scored),
            grades=fmt.join_cn(fmt.quoted(g) + fmt.count(grades[g]) for g in GRADE_ORDER if grades.get(g)),
            lights=fmt.join_cn(k + fmt.count(split.lights[k]) for k in LIGHT_ORDER if split.lights.get(k)),
            efficiency=indicator_list(split.indicators, EFFICIENCY),
            effectiveness=indicator_list(split.indicators, EFFECTIVENESS_GOV if gov else EFFECTIVENESS_SOCIAL),
            benefit="" if gov else indicator_list(split.indicators, BENEFIT_SOCIAL),
            structure=[fmt.ensure_end_punct(t) for t in r.structure_analysis],
            problems=numbered(problems),
            recommendations=numbered(r.recommendations),
            rectifications=[RectRow(seq=i, problem=x.problem, measure=x.measure, unit=x.unit,
                                    due=fmt.date_before(x.due))
                            for i, x in enumerate(r.rectifications, start=1)],
            projects=rows,
            annex_title=fmt.title_lines(annex, words=fmt.title_words(district)),
        )
        srcs = sorted({ds.project_file(p.id) for p in ps}) + ds.files_of("industry_reports")
        yield DocJob(kind="industry_report", key=ind.name, title=title, context=ctx, department=ind.department,
                     sources=srcs, date=r.report_date)


def _library_order(item) -> int:
    return {"实施库": 0, "储备库": 1, "目录库": 2}.get(item[0], 3)


KIND = register(DocumentKind(
    key="industry_report", title="行业绩效评价报告", template="industry_report.docx",
    inputs="reports/industry-*.yaml（kind: industry_reports，每个行业一条）；projects；district.yaml（行业）",
    context_model=IndustryReportContext, build=build, cutoffs=cutoffs,
    estimate=lambda ds: len(ds.industry_reports),
))
