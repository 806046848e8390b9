"""行业绩效评价报告: one per industry (source notice 二、（四）2; outline domain.md §2.9(b))."""

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
    indicator_text,
    numbered,
    score_ctx,
)
from wenshu.official import fmt


class ProjectRow(Ctx):
    seq: int = Field(title="序号", description="从1开始")
    name: str = Field(title="项目名称", description="项目全称")
    library: str = Field(title="所在库", description="目录库、储备库或实施库")
    total: str = Field(title="总投资", description="万元")
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
    doc: Frame = Field(title="公文要素", description="标题、署名、日期")
    industry: str = Field(title="行业", description="行业名称")
    department: str = Field(title="行业主管部门", description="部门简称")
    is_government: bool = Field(title="是否政府投资行业", description="决定总量分析和结构分析的口径")
    year: int = Field(title="评价年度", description="被评价年度")
    opening: str = Field(title="开头", description="评价依据")
    background: str = Field(title="行业发展背景", description="行业背景")
    basics: str = Field(title="行业投资基本情况", description="项目数量、总投资、三库分布、年度计划与完成")
    scope: str = Field(title="评价工作开展情况", description="范围、指标、方法、数据来源")
    method: str = Field(title="评价方法", description="评分方法")
    score: ScoreCtx = Field(title="评价结果", description="行业得分与等级")
    distribution: str = Field(title="项目得分与预警分布", description="项目得分分布和红黄绿灯统计")
    efficiency: str = Field(title="效率分析", description="效率指标")
    effectiveness: str = Field(title="效能分析（总量分析）", description="供给能力利用率或产能利用率")
    benefit: str = Field(title="效益分析", description="效益指标")
    structure: list[str] = Field(title="结构分析", description="资产存量、供给能力发挥、未来需求（政府）或投资总量、在建产能、发展趋势、未来需求（社会）")
    problems: list[str] = Field(title="存在的主要问题", description="已编号的条目")
    recommendations: list[str] = Field(title="意见建议", description="已编号的条目")
    rectifications: list[RectRow] = Field(title="整改清单", description="问题、措施、责任单位、完成时间")
    projects: list[ProjectRow] = Field(title="项目汇总表", description="行业项目绩效评价结果汇总（附件）")
    attachment_title: str = Field(title="附件名称", description="行业项目绩效评价结果汇总表")


def build(ds, analysis):
    """Yield one job per industry with projects (lazily: each holds a row per project of its industry)."""
    district = ds.district
    inputs = {r.industry: r for r in ds.industry_reports}
    for ind in district.industries:
        ga = analysis.industry(ind.name)
        if ga is None or not ga.all.project_ids:
            continue
        r = inputs.get(ind.name)
        year = r.year if r else analysis.cohort_year
        gov = ind.investment_type.value == "政府投资"
        split = ga.all
        ps = [analysis.project(pid) for pid in split.project_ids]
        dept = district.department(ind.department)
        libs = {}
        for p in ps:
            libs[p.library] = libs.get(p.library, 0) + 1
        scored = [p for p in ps if p.score is not None and p.score.total_display is not None]
        grades = {}
        for p in scored:
            grades[p.score.grade] = grades.get(p.score.grade, 0) + 1
        lights = "，".join(f"{k}{v}个" for k, v in split.lights.items() if v)
        inv = split.indicators.get("investment_completion")
        basics = (
            f"全区{ind.name}行业共有{len(ps)}个项目纳入绩效平台管理，总投资{fmt.money_auto(split.total_investment)}，其中"
            + "、".join(f"{k}{v}个" for k, v in sorted(libs.items())) + "。"
            + (f"截至{fmt.cn_date(analysis.as_of)}，{indicator_text(inv)}。" if inv is not None else "")
        )
        distribution = (
            (f"已竣工并评分的项目{len(scored)}个，其中" + "、".join(f"“{g}”{n}个" for g, n in sorted(grades.items())) + "。" if scored else "本行业暂无已竣工评分项目。")
            + f"红黄绿灯预警情况：{lights}。"
        )
        problems = list(r.problems) if r else []
        members = set(split.project_ids)
        overdue = [o for o in analysis.overdue if o.open and o.project_id in members]
        problems += [o.sentence() for o in overdue[:5]]
        frame = Frame(
            title=fmt.title_lines(f"{district.name}{year}年度{ind.name}行业投资项目绩效评价报告", words=fmt.title_words(district)),
            signature=dept.name if dept else ind.department,
            date=fmt.cn_date(r.report_date if r else analysis.as_of),
        )
        rows = [ProjectRow(seq=i, name=p.name, library=p.library, total=fmt.money(p.total_investment),
                           light=p.overall.value if p.overall else "不适用",
                           score=str(p.score.total_display) if p.score and p.score.total_display is not None else fmt.MISSING,
                           grade=(p.score.grade or fmt.MISSING) if p.score else fmt.MISSING)
                for i, p in enumerate(ps, start=1)]
        ctx = IndustryReportContext(
            doc=frame, industry=ind.name, department=ind.department, is_government=gov, year=year,
            opening=(f"根据{SOURCE_NOTICE}（港政办〔2024〕3号）要求，{ind.department}对照上级部门评价标准，"
                     f"组织开展了{year}年度{ind.name}行业投资项目绩效评价。现将有关情况报告如下。"),
            background=r.background if r and r.background else f"{ind.name}行业项目由{ind.department}负责行业管理。",
            basics=basics,
            scope=(f"评价范围为绩效平台中{ind.name}行业全部{len(ps)}个项目，围绕效率、效能、效益三个维度开展评价，"
                   f"数据来源于投资项目绩效综合评价平台，统计截止日为{fmt.cn_date(analysis.as_of)}。"),
            method=method_text(analysis.rules),
            score=score_ctx(split.score),
            distribution=distribution,
            efficiency=dimension_sentence(split.indicators, EFFICIENCY),
            effectiveness=dimension_sentence(split.indicators, EFFECTIVENESS_GOV if gov else EFFECTIVENESS_SOCIAL),
            benefit=dimension_sentence(split.indicators, BENEFIT_SOCIAL) if not gov else "本行业为政府投资行业，以社会效益为主。",
            structure=list(r.structure_analysis) if r else [],
            problems=numbered(problems) or ["无。"],
            recommendations=numbered(list(r.recommendations)) if r and r.recommendations else ["无。"],
            rectifications=[RectRow(seq=i, problem=x.problem, measure=x.measure, unit=x.unit, due=fmt.cn_date(x.due) + "前")
                            for i, x in enumerate(r.rectifications, start=1)] if r else [],
            projects=rows,
            attachment_title=f"{year}年度{ind.name}行业项目绩效评价结果汇总表",
        )
        srcs = sorted({ds.project_file(p.id) for p in ps}) + ds.files_of("industry_reports")
        yield (DocJob(kind="industry_report", key=ind.name, title=f"{year}年度{ind.name}行业投资项目绩效评价报告",
                           context=ctx, department=ind.department, sources=srcs,
                           date=r.report_date if r else analysis.as_of))


KIND = register(DocumentKind(
    key="industry_report", title="行业绩效评价报告", template="industry_report.docx",
    inputs="projects；reports/industry-*.yaml（kind: industry_reports，可选）；district.yaml（行业）",
    context_model=IndustryReportContext, build=build,
    estimate=lambda ds: sum(1 for i in ds.district.industries) if ds.district else 0,
))
