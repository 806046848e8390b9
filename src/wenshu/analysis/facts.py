"""Facts: what the analysis says, as a wording key and typed values — never as a sentence.

The analysis decides *what* is the case ("the start is 169 days overdue"); the wording file
(``wenshu/documents/wording_default.yaml``, overridable by the district's ``wording.yaml``) decides
*how* a document says it. A ``Fact`` carries the key of its phrase and the values the phrase may
use. Values are typed so that the formatter knows how to write them: ``date`` (a Chinese date),
``int`` (a count), ``Amount`` (万元), ``Percent`` (a rate in %), ``Points`` (percentage points),
``Score`` (a score, "85.8分"), ``Number`` (a plain decimal), ``YearMonth`` (a month), ``str`` (a name, already in the data's words) and lists of those.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple


class Amount(Decimal):
    """Money in 万元."""

    __slots__ = ()


class Percent(Decimal):
    """A rate in % (0–100), shown to 0.1."""

    __slots__ = ()


class Points(Decimal):
    """A difference of two rates, in percentage points, shown to 0.1."""

    __slots__ = ()


class Score(Decimal):
    """A score out of 100, shown to 0.1 with 分."""

    __slots__ = ()


class Number(Decimal):
    """A plain decimal quantity (a score, a multiple), shown without trailing zeros."""

    __slots__ = ()


class YearMonth(NamedTuple):
    """A calendar month (a supervision month, a reported month), shown as "2025年10月"."""

    year: int
    month: int


@dataclass(frozen=True, slots=True)
class Fact:
    """One phrase of a document: a wording key and the values it may use."""

    key: str
    values: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def __reduce__(self):  # a tuple pickles at C speed (slots dataclasses go through Python)
        return (Fact, (self.key, self.values))


def fact(key: str, **values: Any) -> Fact:
    return Fact(key, values)


# ─── facts about deadlines and overdue items ──────────────────────────────────────────────────


def deadline_name(d: Any) -> Fact:
    """What a deadline is called (``deadline.<key>``; an appraisal's kind as ``subject``)."""
    return Fact(f"deadline.{d.key}", {"subject": d.subject})


def deadline_status(d: Any, as_of: Any) -> Fact:
    """Where a deadline stands on ``as_of``: done on time, done late, not yet due, or overdue."""
    from wenshu.analysis.deadlines import Status

    if d.status is Status.ON_TIME:
        return Fact("deadline.status.on_time", {"due": d.due, "done": d.done})
    if d.status is Status.LATE:
        return Fact("deadline.status.late", {"due": d.due, "done": d.done, "days": d.days_late})
    if d.status is Status.OVERDUE:
        return Fact("deadline.status.overdue", {"due": d.due, "as_of": as_of, "days": d.days_late})
    return Fact("deadline.status.pending", {"due": d.due})


def overdue_fact(o: Any, as_of: Any) -> Fact:
    """One overdue item as documents list it: a project by name and 项目代码, or a department."""
    d = o.deadline
    if o.project_name is not None:
        who = (Fact("overdue.who.project", {"name": o.project_name, "code": o.project_code}) if o.project_code
               else Fact("overdue.who.project_no_code", {"name": o.project_name}))
    else:
        who = o.department
    values = {"who": who, "step": deadline_name(d), "due": d.due, "days": d.days_late, "department": o.department}
    if o.open:
        return Fact("overdue.open", dict(values, as_of=as_of))
    return Fact("overdue.late", dict(values, done=d.done))
