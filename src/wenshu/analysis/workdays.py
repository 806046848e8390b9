"""Working-day (工作日) calendar and month arithmetic for the reform's deadlines.

A working day is a Monday–Friday that is not a statutory holiday, or a Saturday/Sunday designated
as 调休上班. The data comes from two sources:

* chinesecalendar (import ``chinese_calendar``), which ships the 国务院办公厅 schedules for a fixed
  range of years (2004–2026 in 1.11.0) and raises an error outside it;
* the district file ``holidays.yaml`` (``wenshu.models.holidays.HolidayFile``), which adds years.

Nothing is ever guessed: a date in a year that neither source covers raises ``CalendarError``
(code ``calendar.no-data``) naming the year and what to do.

Counting convention (《民法典》第二百零一条: 开始的当日不计入): ``add_workdays(start, n)`` is the
n-th working day *after* ``start``; ``count_workdays(start, end)`` counts working days in
``(start, end]``. Both are answered from a per-year cache of sorted working-day ordinals, so batch
code can call them many thousands of times.
"""

from __future__ import annotations

import calendar as _pycalendar
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import metadata

from wenshu.errors import CalendarError, Problem
from wenshu.models.holidays import HolidayYear

try:  # chinesecalendar is a hard dependency, but keep the import failure readable.
    import chinese_calendar as _cc
    from chinese_calendar.constants import holidays as _CC_HOLIDAYS
except ImportError:  # pragma: no cover - exercised only on a broken install
    _cc = None
    _CC_HOLIDAYS = {}

NO_DATA_CODE = "calendar.no-data"
INCOMPLETE_CODE = "calendar.incomplete-year"

# The seven festivals every 国务院办公厅 schedule gives days off for (《全国年节及纪念日放假办法》):
# a year entered in holidays.yaml without the festival's own day off is almost surely incomplete
# (e.g. a cross-year stub, or a schedule typed in halfway); the calendar warns about it.
FESTIVALS = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")


def festival_days(year: int) -> dict[str, date]:
    """The day of each of the seven festivals in ``year`` (the day itself is always a day off).

    春节、端午、中秋 are lunar dates (正月初一、五月初五、八月十五, via lunardate); 清明 is the
    solar term (via chinesecalendar's 寿星公式); the others are fixed.
    """
    from lunardate import LunarDate

    def lunar(m: int, d: int) -> date:
        return LunarDate(year, m, d).to_solar_date()

    qingming = next((d for d, name in _cc.get_solar_terms(date(year, 4, 1), date(year, 4, 30)) if name == "清明"),
                    date(year, 4, 5)) if _cc is not None else date(year, 4, 5)
    return {"元旦": date(year, 1, 1), "春节": lunar(1, 1), "清明节": qingming, "劳动节": date(year, 5, 1),
            "端午节": lunar(5, 5), "中秋节": lunar(8, 15), "国庆节": date(year, 10, 1)}


@dataclass(frozen=True)
class YearProblem:
    """A warning about one year of holidays.yaml, with the location inside the file."""

    year: int
    loc: tuple
    problem: Problem


def holiday_year_problems(holiday_file, *, source_file: str | None = None) -> list[YearProblem]:
    """``calendar.incomplete-year`` for every year of a holidays file that chinesecalendar does not
    cover and that lacks days off, or lacks the day off of one of the seven festivals.

    (A year chinesecalendar covers is only overlaid by the file, so it is complete anyway.)
    """
    out: list[YearProblem] = []
    if holiday_file is None:
        return out
    package = _package_years()
    for year, sched in sorted(holiday_file.years.items()):
        if year in package or not 1900 <= year <= 2099:
            continue
        off = sched.holiday_dates()
        if not off:
            message = (f"{year}年的节假日安排没有列出任何放假日期；wenshu 会把{year}年的周一至周五一律当作工作日，"
                       f"元旦、春节、国庆等法定假日都会算作工作日。")
            # Keys of the raw YAML are text (the loader requires quoted years: "2027":).
            loc: tuple = ("years", str(year))
        else:
            missing = [(name, d) for name, d in festival_days(year).items() if d not in off]
            if not missing:
                continue
            listed = "、".join(f"{name}（{d.month}月{d.day}日）" for name, d in missing)
            message = (f"{year}年的节假日安排缺少{listed}的放假日期，可能只录入了部分日期；"
                       f"wenshu 会把未列出的周一至周五一律当作工作日。")
            loc = ("years", str(year), "holidays")
        out.append(YearProblem(year, loc, Problem(
            code=INCOMPLETE_CODE, message=message, file=source_file,
            field_path=".".join(str(x) for x in loc),
            field_title="年度节假日安排 › 放假日期" if len(loc) == 3 else "年度节假日安排",
            expected="国务院办公厅每年安排放假的元旦、春节、清明节、劳动节、端午节、中秋节、国庆节",
            hint="请按国务院办公厅当年的节假日安排通知，完整录入全部放假日期和调休上班日期",
            severity="warning",
        )))
    return out


def _package_years() -> range:
    if not _CC_HOLIDAYS:
        return range(0)
    return range(min(_CC_HOLIDAYS).year, max(_CC_HOLIDAYS).year + 1)


def _package_version() -> str:
    try:
        return metadata.version("chinesecalendar")
    except metadata.PackageNotFoundError:  # pragma: no cover
        return "?"


def no_data_error(year: int, *, found: str | None = None, covered: set[int] | None = None,
                  source_file: str | None = None) -> CalendarError:
    """The ``CalendarError`` raised for a year with no holiday data."""
    expected = None
    if covered:
        expected = "已有数据的年份：" + _format_years(covered)
    hint = f"当前使用的节假日文件：{source_file}" if source_file else None
    return CalendarError(
        Problem(
            code=NO_DATA_CODE,
            message=(
                f"{year}年的法定节假日和调休安排尚无数据：请在数据目录的 holidays.yaml 中补充"
                f"{year}年（国务院办公厅通知），或升级 chinesecalendar。"
            ),
            expected=expected,
            found=found,
            hint=hint,
        )
    )


def _format_years(years: set[int]) -> str:
    """Compact Chinese listing of years: ``2004–2026年、2028年``."""
    parts: list[str] = []
    ys = sorted(years)
    i = 0
    while i < len(ys):
        j = i
        while j + 1 < len(ys) and ys[j + 1] == ys[j] + 1:
            j += 1
        parts.append(f"{ys[i]}年" if i == j else f"{ys[i]}–{ys[j]}年")
        i = j + 1
    return "、".join(parts)


class WorkdayCalendar:
    """China's working-day calendar: chinesecalendar plus the district's ``holidays.yaml``.

    Precedence, per year:

    * a year covered by chinesecalendar and **not** listed in the district file follows
      chinesecalendar;
    * a year **not** covered by chinesecalendar but listed in the district file follows the district
      file entirely: listed holidays are days off, listed workdays are working weekends, every other
      Monday–Friday is a working day and every other weekend day is a day off;
    * a year covered by both is **overlaid**: the district file wins for every date it lists (a
      listed holiday is a day off even if chinesecalendar says working day; a listed 调休 workday is
      a working day), and every date it does not list follows chinesecalendar. So a district file
      can add a day off (or a cross-year holiday from the next year's notice) without copying the
      year. It cannot turn a chinesecalendar weekday holiday back into a working day (a workday
      entry must be a weekend day); upgrade chinesecalendar for that.
    * any other year raises ``CalendarError`` (``calendar.no-data``).

    ``problems`` holds warnings found when the calendar was built (``holiday_year_problems``: a
    district year without days off, or without one of the seven festivals).
    """

    def __init__(self, district_years: dict[int, HolidayYear] | None = None, *,
                 source_file: str | None = None):
        self._district: dict[int, HolidayYear] = dict(district_years or {})
        self.source_file = source_file
        self._package = _package_years()
        self._ordinals: dict[int, list[int]] = {}
        self._sets: dict[int, frozenset[int]] = {}
        self.problems: list[Problem] = [
            y.problem for y in holiday_year_problems(_Years(self._district), source_file=source_file)
        ]

    @classmethod
    def from_holiday_file(cls, holiday_file, *, source_file: str | None = None) -> WorkdayCalendar:
        """Build from a validated ``HolidayFile`` (``None`` means no district file)."""
        return cls(holiday_file.years if holiday_file is not None else None, source_file=source_file)

    # -- coverage -----------------------------------------------------------------------------

    def covered_years(self) -> set[int]:
        """Every year for which working days are known (chinesecalendar ∪ district file)."""
        return set(self._package) | set(self._district)

    def year_source(self, year: int) -> str:
        """Chinese description of where a year's schedule comes from (for document footnotes)."""
        pkg = f"chinesecalendar {_package_version()}"
        sched = self._district.get(year)
        where = self.source_file or "holidays.yaml"
        if sched is not None:
            note = f"（{sched.source}）" if sched.source else ""
            if year in self._package:
                return f"{pkg}，并按 {where}{note} 调整"
            return f"{where}{note}"
        if year in self._package:
            return pkg
        raise no_data_error(year, covered=self.covered_years(), source_file=self.source_file)

    # -- per-year cache -----------------------------------------------------------------------

    def _year(self, year: int, query: str | None = None) -> list[int]:
        """Sorted ordinals of the working days of ``year`` (built once, then cached).

        ``query`` describes the caller's question for the ``CalendarError`` (shown as 实际).
        """
        days = self._ordinals.get(year)
        if days is not None:
            return days
        sched = self._district.get(year)
        in_package = year in self._package
        if sched is None and not in_package:
            raise no_data_error(year, found=query, covered=self.covered_years(),
                                source_file=self.source_file)
        off = sched.holiday_dates() if sched else set()
        on = sched.workday_dates() if sched else set()
        first, last = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
        days = []
        for o in range(first, last + 1):
            d = date.fromordinal(o)
            if d in off:
                continue
            if d in on:
                days.append(o)
            elif in_package:
                if _cc.is_workday(d):
                    days.append(o)
            elif d.weekday() < 5:
                days.append(o)
        self._ordinals[year] = days
        self._sets[year] = frozenset(days)
        return days

    def working_days(self, year: int) -> list[date]:
        """All working days of ``year`` in order."""
        return [date.fromordinal(o) for o in self._year(year)]

    # -- queries ------------------------------------------------------------------------------

    def is_workday(self, d: date) -> bool:
        """True if ``d`` is a working day (weekday not on holiday, or a 调休 working weekend)."""
        d = _as_date(d)
        self._year(d.year, d.isoformat())
        return d.toordinal() in self._sets[d.year]

    def add_workdays(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start``; ``start`` itself is never counted.

        ``n = 0`` returns ``start`` unchanged. The result is always a working day for ``n >= 1``.
        Only the years after ``start`` that the walk reaches need data.
        """
        start = _as_date(start)
        if n < 0:
            raise ValueError(f"工作日数不能为负数：{n}")
        if n == 0:
            return start
        s = start.toordinal()
        year = date.fromordinal(s + 1).year
        n_wanted = n
        while True:
            days = self._year(year, f"计算 {start.isoformat()} 之后第{n_wanted}个工作日")
            i = bisect_right(days, s)  # first working day strictly after start
            available = len(days) - i
            if n <= available:
                return date.fromordinal(days[i + n - 1])
            n -= available
            year += 1

    def count_workdays(self, start: date, end: date) -> int:
        """Number of working days in ``(start, end]``; 0 when ``end <= start``."""
        start, end = _as_date(start), _as_date(end)
        if end <= start:
            return 0
        s, e = start.toordinal(), end.toordinal()
        total = 0
        for year in range(date.fromordinal(s + 1).year, end.year + 1):
            days = self._year(year, f"统计 {start.isoformat()} 至 {end.isoformat()} 的工作日")
            total += bisect_right(days, e) - bisect_right(days, s)
        return total


@dataclass(frozen=True)
class _Years:
    """The shape of a HolidayFile (``years``) for a calendar built from a plain dict."""

    years: dict


def _as_date(d: date) -> date:
    # datetime is a subclass of date; compare by calendar day only.
    if hasattr(d, "date") and callable(getattr(d, "date")):
        return d.date()
    return d


@lru_cache(maxsize=1)
def default_calendar() -> WorkdayCalendar:
    """Shared calendar with chinesecalendar data only (no district file)."""
    return WorkdayCalendar()


# -- month arithmetic -------------------------------------------------------------------------


def month_end(year: int, month: int) -> date:
    """Last day of ``year``-``month`` (``month_end(2024, 2)`` = 2024-02-29)."""
    if not 1 <= month <= 12:
        raise ValueError(f"月份必须在1到12之间：{month}")
    return date(year, month, _pycalendar.monthrange(year, month)[1])


def add_months(d: date, n: int) -> date:
    """``d`` moved by ``n`` calendar months, clamped to the month end.

    The day of the month is kept when the target month has it, else the target month's last day
    (《民法典》第二百零二条: 没有对应日的，月末日为期间的最后一日). 2024-01-31 + 1 = 2024-02-29;
    2023-01-31 + 1 = 2023-02-28; 2024-10-31 + 4 = 2025-02-28. ``n`` may be negative.
    """
    d = _as_date(d)
    y, m0 = divmod(d.year * 12 + (d.month - 1) + n, 12)
    last = _pycalendar.monthrange(y, m0 + 1)[1]
    return date(y, m0 + 1, min(d.day, last))
