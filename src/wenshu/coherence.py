"""Coherence warnings: data that is valid field by field but would make a document say something untrue.

* a report dated before the 统计截止日 it states (it would cite figures from after its own date);
* a 通报 dated before the supervision month it reports has ended;
* a department's highlight that the month's own figures contradict (e.g. praising warnings handled in a
  month without warnings), which would be printed in a 通报表彰 as fact;
* a 论证 record by a department that district.yaml does not name as responsible for that kind.

Each is a located warning (``validate``, ``batch``): the documents are still produced.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from wenshu.errors import Problem, ProblemCollector


def _warn(ref: Any, code: str, message: str, field_path: str, field_title: str, hint: str | None = None) -> Problem:
    line, column = ref.position()
    return Problem(code=code, message=message, file=ref.file.display, line=line, column=column,
                   field_path=field_path, field_title=field_title, hint=hint, severity="warning")


# A highlight that names one of these matters needs the month's record to bear it out.
HIGHLIGHT_CLAIMS = (
    ("预警", lambda r: r.warnings_received > 0 and r.warnings_handled == r.warnings_received,
     "当月没有收到预警或仍有预警未处置"),
    ("两算", lambda r: r.settlement_report_on is not None, "当月没有两算进展报送日期"),
    ("全部", lambda r: r.items_on_time == r.items_due, "当月并非全部事项按时办结"),
)


def check(ds: Any, col: ProblemCollector, ref_cls: Any) -> None:
    """Add the coherence warnings of a loaded dataset to ``col`` (``ref_cls`` locates a file and key)."""
    for h in ds.held_records("evaluations"):
        sf, i, e = ds.files[h.file_index], h.index, h.record
        if e.data_as_of is not None and e.data_as_of > e.evaluated_on:
            col.add(_warn(ref_cls(sf, sf.loc("evaluations", i, "data_as_of")), "coherence.after-date",
                          f"统计截止日（{e.data_as_of.isoformat()}）晚于评价日期（{e.evaluated_on.isoformat()}）："
                          "报告不能引用成文日期之后的数据；报告按评价日期统计。",
                          f"evaluations[{i}].data_as_of", "统计截止日"))
    for sf in ds.files:
        m = sf.model
        if m is None:
            continue
        if sf.kind == "industry_reports":
            for i, r in enumerate(m.reports):
                _report_dates(col, ref_cls(sf, sf.loc("reports", i, "data_as_of")), r.data_as_of, r.report_date,
                              f"reports[{i}].data_as_of")
        elif sf.kind == "annual_report":
            _report_dates(col, ref_cls(sf, ("data_as_of",)), m.data_as_of, m.report_date, "data_as_of")
        elif sf.kind == "supervision":
            _supervision(col, sf, m, ref_cls)
    district = ds.district
    if district is not None and any(d.appraisals for d in district.departments):
        for h in ds.held_records("appraisals"):
            sf, i, a = ds.files[h.file_index], h.index, h.record
            dept = district.department(a.department)
            if dept is not None and a.kind not in dept.appraisals:
                who = "、".join(d.short for d in district.appraisers(a.kind)) or "（无）"
                col.add(_warn(ref_cls(sf, sf.loc("appraisals", i, "department")), "coherence.appraiser",
                              f"district.yaml 没有把“{a.kind.value}”论证列为{a.department}的职责（负责该论证的部门：{who}）。",
                              f"appraisals[{i}].department", "论证部门",
                              hint="核对论证部门，或在 district.yaml 该部门的 appraisals 中加上这一类论证"))


def _report_dates(col: ProblemCollector, ref: Any, data_as_of: date | None, report_date: date, path: str) -> None:
    if data_as_of is not None and data_as_of > report_date:
        col.add(_warn(ref, "coherence.after-date",
                      f"统计截止日（{data_as_of.isoformat()}）晚于报告日期（{report_date.isoformat()}）："
                      "报告不能引用成文日期之后的数据；报告按报告日期统计。", path, "统计截止日"))


def _supervision(col: ProblemCollector, sf: Any, m: Any, ref_cls: Any) -> None:
    month_over = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
    if m.bulletin is not None and m.bulletin.issued_on < month_over:
        col.add(_warn(ref_cls(sf, ("bulletin", "issued_on")), "coherence.bulletin-early",
                      f"通报成文日期（{m.bulletin.issued_on.isoformat()}）早于{m.year}年{m.month}月结束："
                      "月度督办通报应在该月结束后印发。", "bulletin.issued_on", "成文日期"))
    for i, r in enumerate(m.records):
        for j, text in enumerate(r.highlights):
            for word, holds, why in HIGHLIGHT_CLAIMS:
                if word in text and not holds(r):
                    col.add(_warn(ref_cls(sf, ("records", i, "highlights", j)), "coherence.highlight",
                                  f"工作亮点提到“{word}”，但{why}；通报表彰会把这句话当作事实印发。",
                                  f"records[{i}].highlights[{j}]", "工作亮点",
                                  hint="修改或删除这条亮点，使其与当月督办记录一致"))
