"""District holiday file (``holidays.yaml``): statutory holidays and 调休 working weekends.

chinesecalendar only knows the years it was released with (2004–2026 for 1.11.0). A district adds a
year, as soon as the 国务院办公厅 publishes its schedule (usually in November), with a file like::

    kind: holidays
    years:
      "2027":                                 # quoted: YAML keys must be text
        source: 国办发明电〔2026〕X号          # optional: where the schedule comes from
        holidays: [2027-01-01, {from: 2027-02-06, to: 2027-02-12}]   # dates or inclusive ranges
        workdays: [2027-02-20]                # 调休上班的周末

Every date listed under a year must lie in that calendar year. A notice for year Y that starts a
holiday on 31 December of Y-1 is entered under Y-1 (see ``WorkdayCalendar`` for how a year already
covered by chinesecalendar is overlaid).

The model only checks the file's own consistency; which years the calendar then covers, and the
precedence over chinesecalendar, are decided in ``wenshu.analysis.workdays``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, WithJsonSchema, field_validator, model_validator
from pydantic_core import PydanticCustomError

from wenshu.models.base import WenshuModel

_WEEKDAY_NAMES = "一二三四五六日"


def _weekday_name(d: date) -> str:
    return "星期" + _WEEKDAY_NAMES[d.weekday()]


def _error(code: str, message: str) -> PydanticCustomError:
    # The message goes through the context so that literal braces or percent signs stay intact.
    return PydanticCustomError(code, "{message}", {"message": message})


class DateRange(WenshuModel):
    """An inclusive run of holiday dates, written ``{from: 2027-02-06, to: 2027-02-12}``.

    A bare date (``2027-01-01``) is accepted too and read as the one-day range, so that a
    validation error in a list of holidays points at the list item itself.
    """

    model_config = ConfigDict(populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _single_day(cls, data: Any) -> Any:
        if isinstance(data, str):
            try:
                data = date.fromisoformat(data.strip())
            except ValueError:
                raise _error(
                    "holidays.bad-date",
                    f"“{data}”不是有效日期：请写成 YYYY-MM-DD，或写成区间 {{from: 起始日期, to: 截止日期}}",
                ) from None
        if isinstance(data, date):
            return {"from": data, "to": data}
        return data

    from_: date = Field(
        alias="from",
        title="起始日期",
        description="放假起始日期（含当日），格式 YYYY-MM-DD",
    )
    to: date = Field(
        title="截止日期",
        description="放假截止日期（含当日），格式 YYYY-MM-DD；不得早于起始日期",
    )

    @model_validator(mode="after")
    def _ordered(self) -> DateRange:
        if self.from_ > self.to:
            raise _error(
                "holidays.range-order",
                f"放假区间的起始日期 {self.from_.isoformat()} 晚于截止日期 {self.to.isoformat()}",
            )
        return self

    def dates(self) -> list[date]:
        """Every date of the range, both ends included."""
        first, last = self.from_.toordinal(), self.to.toordinal()
        return [date.fromordinal(o) for o in range(first, last + 1)]


_DATE_SCHEMA = {"type": "string", "format": "date"}

# A holidays list item: a date or an inclusive range. Validated as DateRange (see _single_day); the
# JSON Schema shows both spellings.
HolidayEntry = Annotated[
    DateRange,
    WithJsonSchema(
        {
            "anyOf": [
                {**_DATE_SCHEMA, "title": "放假日期", "description": "单个放假日期，格式 YYYY-MM-DD"},
                {
                    "type": "object",
                    "title": "放假区间",
                    "description": "连续放假区间（含两端）",
                    "properties": {
                        "from": {**_DATE_SCHEMA, "title": "起始日期", "description": "放假起始日期（含当日），格式 YYYY-MM-DD"},
                        "to": {**_DATE_SCHEMA, "title": "截止日期", "description": "放假截止日期（含当日），格式 YYYY-MM-DD"},
                    },
                    "required": ["from", "to"],
                    "additionalProperties": False,
                },
            ]
        }
    ),
]


class HolidayYear(WenshuModel):
    """One year's schedule: the days off (holidays) and the weekend days worked in lieu (调休上班)."""

    source: str | None = Field(
        default=None,
        title="依据",
        description="该年安排的出处，如 国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕X号）",
    )
    holidays: list[HolidayEntry] = Field(
        default_factory=list,
        title="放假日期",
        description="法定节假日及因调休放假的日期：单个日期或 {from: 起始日期, to: 截止日期} 区间（含两端）；周末可一并写入区间",
    )
    workdays: list[date] = Field(
        default_factory=list,
        title="调休上班日期",
        description="因调休需要上班的周六、周日；只能是周末日期",
    )

    @field_validator("workdays")
    @classmethod
    def _workdays_are_weekends(cls, v: list[date]) -> list[date]:
        bad = [d for d in v if d.weekday() < 5]
        if bad:
            listed = "、".join(f"{d.isoformat()}（{_weekday_name(d)}）" for d in bad)
            raise _error(
                "holidays.workday-not-weekend",
                f"调休上班日期只能是周六或周日，以下日期本来就是工作日：{listed}",
            )
        return v

    @model_validator(mode="after")
    def _no_overlap(self) -> HolidayYear:
        both = sorted(self.holiday_dates() & set(self.workdays))
        if both:
            listed = "、".join(d.isoformat() for d in both)
            raise _error(
                "holidays.holiday-and-workday",
                f"同一日期不能既放假又调休上班：{listed}",
            )
        return self

    def holiday_dates(self) -> set[date]:
        """All days off listed for the year, ranges expanded."""
        out: set[date] = set()
        for entry in self.holidays:
            out.update(entry.dates())
        return out

    def workday_dates(self) -> set[date]:
        """All 调休 working weekend days listed for the year."""
        return set(self.workdays)


class HolidayFile(WenshuModel):
    """The district holiday file ``holidays.yaml``: schedules for years chinesecalendar lacks."""

    kind: Literal["holidays"] = Field(title="文件类型", description="固定为 holidays")
    years: dict[int, HolidayYear] = Field(
        title="年度节假日安排",
        description="按年份列出的放假和调休上班安排，键为四位年份，如 2027",
    )

    @field_validator("years")
    @classmethod
    def _dates_in_their_year(cls, v: dict[int, HolidayYear]) -> dict[int, HolidayYear]:
        issues: list[str] = []
        for year, sched in v.items():
            if not 1900 <= year <= 2200:
                issues.append(f"年份 {year} 不是有效的四位年份")
                continue
            for i, entry in enumerate(sched.holidays):
                if entry.from_.year != year or entry.to.year != year:
                    shown = (
                        entry.from_.isoformat()
                        if entry.from_ == entry.to
                        else f"{entry.from_.isoformat()} 至 {entry.to.isoformat()}"
                    )
                    issues.append(
                        f"{year}年的放假日期第{i + 1}项 {shown} 不在{year}年内"
                        f"（years.{year}.holidays[{i}]；跨年的假期请按日期所在年份分别填写）"
                    )
            for i, d in enumerate(sched.workdays):
                if d.year != year:
                    issues.append(
                        f"{year}年的调休上班日期第{i + 1}项 {d.isoformat()} 不在{year}年内"
                        f"（years.{year}.workdays[{i}]）"
                    )
        if issues:
            raise _error("holidays.date-year", "；".join(issues))
        return v
