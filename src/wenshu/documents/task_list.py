"""任务清单: the whole district list and one per department, as an attachment page."""

from __future__ import annotations

from pydantic import Field

from wenshu.documents.base import Ctx, DocJob, DocumentKind, TaskTable, register, task_table
from wenshu.models.district import DeptRole
from wenshu.official.titles import title_lines, title_words
from wenshu.data.settings import load_wording


class TaskListContext(Ctx):
    label: str = Field(title="附件标签", description="“附件”；单独印发时为空")
    department: str = Field(default="", title="部门", description="部门清单的部门简称；全区清单为空")
    table: TaskTable = Field(title="任务清单表", description="序号、重点工作、责任单位、完成时间")


# The item key of the whole district's list ("2024-全区"), as `wenshu render --item` takes it.
WHOLE_DISTRICT = "全区"
INDUSTRY_COLLECTIVES = {"各行业主管部门", "区各行业主管部门"}


def concerns(units: list[str], dept_short: str, dept_name: str, is_industry: bool) -> bool:
    if dept_short in units or dept_name in units:
        return True
    # "（区）各行业主管部门" names every industry department at once.
    return is_industry and any(u in INDUSTRY_COLLECTIVES for u in units)


def build(ds, analysis=None) -> list[DocJob]:
    jobs = []
    w = load_wording(ds.root)
    for key, tl in sorted(ds.task_lists.items()):
        jobs.append(DocJob(
            kind="task_list", key=f"{tl.year}-{WHOLE_DISTRICT}", title=tl.title,
            context=TaskListContext(label="附件", table=task_table(title_lines(tl.title, words=title_words(ds.district)), tl.items, tl.year)),
            sources=[key],
        ))
        if ds.district is None:
            continue
        for d in ds.district.departments:
            industry = DeptRole.INDUSTRY in d.roles
            items = [t for t in tl.items if concerns(t.units, d.short, d.name, industry)]
            if not items:
                continue
            title = tl.title if tl.title.startswith(d.short) else w.phrase(
                "title.department_task_list", department=d.short, title=tl.title)
            jobs.append(DocJob(
                kind="task_list", key=f"{tl.year}-{d.short}", title=title,
                context=TaskListContext(label="附件", department=d.short, table=task_table(title_lines(title, words=title_words(ds.district)), items, tl.year)),
                department=d.short, sources=[key],
            ))
    return jobs


# ─── the template ──────────────────────────────────────────────────────────────────────────────


def build_template(b) -> None:
    """任务清单 as an attachment page: 附件 label, centred title, the table."""
    from wenshu.official.layout import StyleName
    b.ctl("{%p if label %}")
    # The first page: no page break before the label (the style has one for attachments after a body).
    label = b.p("{{ label }}", StyleName.ATTACHMENT_LABEL)
    label.paragraph_format.page_break_before = False
    b.ctl("{%p endif %}")
    b.blank()
    b.p("{{ table.title }}", StyleName.ATTACHMENT_TITLE)
    b.blank()
    b.task_table("table")


KIND = register(DocumentKind(
    key="task_list", title="任务清单", template_builder=build_template,
    inputs="tasks/*.yaml（kind: tasks）；district.yaml（部门清单）",
    context_model=TaskListContext, build=build, needs_analysis=False,
))
