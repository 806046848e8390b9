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
from wenshu.official.titles import title_lines, title_words
from wenshu.data.settings import load_wording

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
            title=title_lines(title, words=title_words(district)),
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
            annex_title=title_lines(annex, words=title_words(district)),
        )
        srcs = sorted({ds.project_file(p.id) for p in ps}) + ds.files_of("industry_reports")
        yield DocJob(kind="industry_report", key=ind.name, title=title, context=ctx, department=ind.department,
                     sources=srcs, date=r.report_date)


def _library_order(item) -> int:
    return {"实施库": 0, "储备库": 1, "目录库": 2}.get(item[0], 3)


# ─── the template ──────────────────────────────────────────────────────────────────────────────


def build_template(b) -> None:
    """行业绩效评价报告 (domain.md §2.9(b)): 政府投资 industries analyse 供给能力利用率, 社会投资 ones
    产能利用率 (notice 二、（四）2)."""
    from wenshu.official.template_build import annex_page, method_paragraph, numbered_list, report_title, score_table
    report_title(b)
    b.p("根据{{ basis.title }}（{{ basis.number }}）要求，{{ department }}对照上级部门评价标准，"
        "组织开展了{{ year }}年度{{ industry }}行业投资项目绩效评价。现将有关情况报告如下。")
    b.h1("一、行业投资基本情况")
    b.ctl("{%p if background %}")
    b.p("{{ background }}")
    b.ctl("{%p endif %}")
    b.p("截至{{ as_of }}，全区{{ industry }}行业共有{{ count }}个项目纳入投资项目绩效综合评价平台（以下简称“绩效平台”）管理，"
        "总投资{{ total }}，其中{{ libraries }}。{% if investment_completion %}行业项目投资完成率为{{ investment_completion }}。{% endif %}")
    b.h1("二、评价工作开展情况")
    b.h2("（一）评价范围。", "评价范围为绩效平台中{{ industry }}行业全部{{ count }}个项目，围绕效率、效能、效益三个维度开展评价，"
         "数据来源于绩效平台，统计截止日为{{ as_of }}。")
    method_paragraph(b)
    b.h1("三、评价结果")
    b.p("{% if score.scored %}经评价，{{ industry }}行业综合得分{{ score.total }}分，等级为“{{ score.grade }}”，"
        "其中{{ score.parts }}。{% else %}截至统计截止日，本行业尚无可评分的指标，暂不评定等级。{% endif %}"
        "{% if scored_count %}行业内已竣工并评分的项目{{ scored_count }}个，其中{{ grades }}。"
        "{% else %}行业内暂无已竣工并评分的项目。{% endif %}行业项目预警情况为：{{ lights }}。")
    b.ctl("{%p if score.scored %}")
    score_table(b)
    b.ctl("{%p endif %}")
    b.h1("四、指标分析")
    b.h2("（一）效率。", "{% if efficiency %}{{ efficiency }}。{% else %}本行业效率指标均不适用。{% endif %}")
    b.ctl("{%p if is_government %}")
    b.h2("（二）效能（总量分析）。", "围绕供给能力利用率开展行业总量分析"
         "{% if effectiveness %}：{{ effectiveness }}。{% else %}，本行业暂无已竣工项目的运营数据。{% endif %}")
    b.h2("（三）效益。", "本行业为政府投资行业，以社会效益为主。")
    b.ctl("{%p else %}")
    b.h2("（二）效能（总量分析）。", "围绕产能利用率（服务能力）开展行业总量分析"
         "{% if effectiveness %}：{{ effectiveness }}。{% else %}，本行业暂无已竣工项目的运营数据。{% endif %}")
    b.h2("（三）效益。", "{% if benefit %}{{ benefit }}。{% else %}本行业暂无已竣工项目的效益数据。{% endif %}")
    b.ctl("{%p endif %}")
    b.ctl("{%p if structure %}")
    b.h2("（四）结构分析。")
    b.para_list("structure")
    b.ctl("{%p endif %}")
    b.h1("五、存在的主要问题")
    numbered_list(b, "problems")
    b.h1("六、意见建议及下一步工作")
    numbered_list(b, "recommendations")
    b.ctl("{%p if rectifications %}")
    b.p("针对上述问题，制定整改清单如下表。")
    b.loop_table(["序号", "问题", "整改措施", "责任单位", "完成时间"],
                 ["{{ r.seq }}", "{{ r.problem }}", "{{ r.measure }}", "{{ r.unit }}", "{{ r.due }}"], "rectifications",
                 widths_mm=(14, 38, 52, 24, 28), centre=(0, 3))
    b.ctl("{%p endif %}")
    b.attachment_notes("doc.attachments")
    b.signature()
    annex_page(b, "附件", "{{ annex_title }}")
    b.loop_table(["序号", "项目名称", "项目代码", "所在库", "总投资（万元）", "预警", "得分", "等级"],
                 ["{{ r.seq }}", "{{ r.name }}", "{{ r.code }}", "{{ r.library }}", "{{ r.total }}", "{{ r.light }}",
                  "{{ r.score }}", "{{ r.grade }}"],
                 "projects", widths_mm=(10, 42, 34, 15, 21, 14, 10, 10), centre=(0, 3, 5, 6, 7), small=True)


KIND = register(DocumentKind(
    key="industry_report", title="行业绩效评价报告", template_builder=build_template,
    aliases=("行业报告", "行业绩效评价"),
    inputs="reports/industry-*.yaml（kind: industry_reports，每个行业一条）；projects；district.yaml（行业）",
    context_model=IndustryReportContext, build=build, cutoffs=cutoffs,
    estimate=lambda ds: len(ds.industry_reports),
))
