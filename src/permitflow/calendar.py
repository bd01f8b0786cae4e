"""Mainland China working days (工作日), with the official make-up working days (调休上班).

The manual fixes its deadlines in working days: a renewal or an employer change is submitted
"at least 20 working days in advance (the prescribed review period)" — 至少提前 20 个工作日
（规定审核周期）提交 (M§3 注意事项 3, M§4 注意事项 4). A working day here is what the State
Council's yearly holiday notice (国务院办公厅关于某年部分节假日安排的通知) makes one: Monday to
Friday unless a public holiday or a substituted day off, plus the weekend days declared working
days in exchange (e.g. Sunday 2025-09-28). The data comes from ``holidays.China`` (catalogue
§9.1, source L1), which carries the notices 2001-2026 in release 0.109.

Years without a notice in the installed data (before 2001, and from 2027 in 0.109) are
*estimates*: statutory holidays and the library's own "observed" guess, no make-up days. Any
answer that depends on such a day emits
[`CalendarEstimateWarning`][permitflow.errors.CalendarEstimateWarning]
(catalogue CAL-002) — never a silent guess. The ``*_flagged`` variants return the same answer
with an ``estimated`` flag instead of warning, for callers that carry the flag themselves
([`permitflow.deadlines.Deadline`][permitflow.deadlines.Deadline]).

A notice for year Y+1 can move days in the last week of December of year Y (2001-12-29/30,
2005-12-31, 2006-12-30/31, 2011-12-31 were made working days by the following year's notice), so
25-31 December of Y also counts as estimated until Y+1 has an official arrangement.

Performance: each calendar precomputes, lazily and per range of years, the sorted ordinals of
its working days and a running count indexed by day ordinal, so that every query is a few list
look-ups (no day-by-day walk, no call into ``holidays`` after warm-up).
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone
from functools import cache
from typing import TYPE_CHECKING, Any

from attrs import field, frozen

from permitflow.errors import CalendarEstimateWarning, CalendarOutOfRange

if TYPE_CHECKING:
    from holidays import HolidayBase

__all__ = [
    "BEIJING",
    "DEFAULT_CALENDAR",
    "FIRST_SUPPORTED_YEAR",
    "LAST_SUPPORTED_YEAR",
    "WorkingDayCalendar",
    "add_working_days",
    "add_working_days_flagged",
    "estimated_years",
    "has_official_arrangement",
    "is_working_day",
    "is_working_day_flagged",
    "local_date",
    "working_days_between",
    "working_days_between_flagged",
]


BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")
"""China has kept UTC+8 all year since 1991; a fixed offset avoids a tz database dependency."""


def local_date(moment: datetime) -> date:
    """The Beijing calendar day of an aware moment; deadlines are counted in Beijing days."""
    # Nearly every moment is written in Beijing time: its own date, without a conversion.
    if moment.tzinfo is BEIJING or moment.utcoffset() == _BEIJING_OFFSET:
        return moment.date()
    return moment.astimezone(BEIJING).date()


_BEIJING_OFFSET = timedelta(hours=8)


FIRST_SUPPORTED_YEAR: int = 1950
"""First year ``holidays.China`` models (1950, the first year of the PRC calendar)."""
LAST_SUPPORTED_YEAR: int = 2100
"""Last year ``holidays.China`` models (2100)."""

# The following year's notice has reached back at most to 29 December so far; a week is a margin.
_NEXT_NOTICE_REACH_DAYS = 7
# Years built around a query on first use, so that a burst of nearby queries builds only once.
_BUILD_MARGIN_YEARS = 3


@cache
def _china_days() -> type[HolidayBase]:
    """``holidays.China`` without holiday names: which days are off and which are worked only.

    Imported on first use: importing ``holidays`` loads every country it knows, which takes
    longer than the rest of ``import permitflow``, and most processes (a portal answering one
    request, a loader) never count a working day. The years it models are the supported ones
    above (a test holds them equal).

    Naming the days opens a gettext catalogue (``locale.normalize``, files on disk) each time a
    ``holidays`` calendar is built; the names are never read here, so the identity stands in
    for the translation. Building the calendar then calls nothing outside ``holidays``' own
    data, so it also works where gettext, locale and file access are forbidden (Temporal's
    workflow sandbox).
    """
    from holidays.countries.china import China

    class _ChinaDays(China):
        def _init_translation(self) -> None:
            self.tr = _untranslated

    return _ChinaDays


def _untranslated(message: str) -> str:
    return message


def _china(years: range) -> HolidayBase:
    # holidays' country classes have untyped constructors (country_holidays is the typed door,
    # but it imports holidays anew on each call).
    days: HolidayBase = _china_days()(years=years)
    return days


@cache
def _holidays_version() -> str:
    from holidays.version import __version__

    return str(__version__)


@cache
def _official_years_in_holidays() -> frozenset[int]:
    """Years for which ``holidays.China`` carries a State Council notice.

    Every notice since 2001 substitutes at least one day (a special holiday given as
    ``(to_month, to_day, from_month, from_day[, from_year])``), while estimated years have none.
    Should a future ``holidays`` release store its notices differently, the years holding a
    make-up working day stand in for them.
    """
    probe = _china(range(FIRST_SUPPORTED_YEAR, FIRST_SUPPORTED_YEAR + 1))
    specials: dict[int, Any] = getattr(probe, "special_public_holidays", None) or {}
    years: set[int] = set()
    for year, entries in specials.items():
        rows = entries if entries and isinstance(entries[0], tuple) else (entries,)
        if any(len(row) >= 4 for row in rows):
            years.add(int(year))
    if not years:
        everything = _china(range(FIRST_SUPPORTED_YEAR, LAST_SUPPORTED_YEAR + 1))
        years = {day.year for day in everything.weekend_workdays}
    return frozenset(years)



def _first_ordinal(year: int) -> int:
    return date(year, 1, 1).toordinal()


class _Tables:
    """Precomputed answers for the days of ``first_year`` … ``last_year``.

    ``before[i]`` is the number of working days with ordinal < ``base + i`` and ``uncovered[i]``
    the number of estimated days with ordinal < ``base + i`` (both of length ``size + 1``);
    ``workdays`` holds the ordinals of the working days in order.
    """

    __slots__ = (
        "base",
        "before",
        "count",
        "first_year",
        "last_year",
        "size",
        "uncovered",
        "workdays",
    )

    def __init__(
        self,
        first_year: int,
        last_year: int,
        workdays: list[int],
        before: list[int],
        uncovered: list[int],
    ) -> None:
        self.first_year = first_year
        self.last_year = last_year
        self.base = _first_ordinal(first_year) if first_year <= last_year else 0
        self.size = len(before) - 1
        self.workdays = workdays
        self.before = before
        self.uncovered = uncovered
        self.count = len(workdays)


_EMPTY_TABLES = _Tables(1, 0, [], [0], [0])


class _Cache:
    """Mutable build state hidden inside the immutable calendar; safe to share across threads."""

    __slots__ = ("lock", "tables", "year_flags")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.tables = _EMPTY_TABLES
        # year -> one byte per day of the year, 1 for a working day
        self.year_flags: dict[int, bytes] = {}

    def __reduce__(self) -> tuple[type[_Cache], tuple[()]]:
        # A lock cannot be pickled; a copy in another process rebuilds its own tables.
        return (_Cache, ())


def _dates(values: Iterable[date]) -> frozenset[date]:
    # A datetime never equals a date, so it would silently fail to match any day.
    return frozenset(v.date() if isinstance(v, datetime) else v for v in values)


def _years(values: Iterable[int]) -> frozenset[int]:
    return frozenset(values)


def _check_day(day: date) -> None:
    if not FIRST_SUPPORTED_YEAR <= day.year <= LAST_SUPPORTED_YEAR:
        raise CalendarOutOfRange(day=day, first=FIRST_SUPPORTED_YEAR, last=LAST_SUPPORTED_YEAR)


def _out_of_range(day: date, n: int) -> CalendarOutOfRange:
    return CalendarOutOfRange(
        "count", day=day, first=FIRST_SUPPORTED_YEAR, last=LAST_SUPPORTED_YEAR, count=n
    )


def warn_estimated(years: tuple[int, ...], stacklevel: int) -> None:
    """Emit [`CalendarEstimateWarning`][permitflow.errors.CalendarEstimateWarning] for ``years``;
    ``stacklevel`` as in the caller."""
    listed = ", ".join(str(y) for y in years)
    warnings.warn(
        f"No official holiday arrangement for {listed} in holidays {_holidays_version()}: "
        "the answer counts statutory holidays only, without make-up working days, and is an "
        "estimate; recheck it once the State Council notice is published and a newer holidays "
        f"release is installed / {listed}年的国务院放假安排尚未收录，结果按法定节假日推定"
        "（未含调休上班日），请在通知发布并升级 holidays 后复核",
        CalendarEstimateWarning,
        stacklevel=stacklevel + 1,
    )


@frozen
class WorkingDayCalendar:
    """The mainland working-day calendar, optionally corrected by overrides.

    ``extra_holidays`` and ``extra_workdays`` take precedence over the ``holidays`` data; they
    bridge the weeks between a State Council notice (published around November for the next
    year) and a ``holidays`` release that contains it. List in ``extra_official_years`` the years
    whose complete arrangement the overrides supply, so that answers in them stop being flagged
    as estimates.

    Instances are immutable and hashable; the precomputed tables are built lazily on first use
    and shared by all threads.
    """

    extra_holidays: frozenset[date] = field(default=frozenset(), converter=_dates)
    """Days off to add to the official calendar."""
    extra_workdays: frozenset[date] = field(default=frozenset(), converter=_dates)
    """Make-up working days (调休上班) to add to it."""
    extra_official_years: frozenset[int] = field(default=frozenset(), converter=_years)
    """Years whose arrangements the extra days complete, counted as official (not estimated)."""
    _cache: _Cache = field(init=False, factory=_Cache, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        both = self.extra_holidays & self.extra_workdays
        if both:
            listed = ", ".join(sorted(d.isoformat() for d in both))
            raise ValueError(
                f"{listed} given both as extra holiday and as extra working day; keep one / "
                f"{listed} 同时被列为休息日和工作日，请只保留一种"
            )
        for day in self.extra_holidays | self.extra_workdays:
            _check_day(day)
        for year in self.extra_official_years:
            _check_day(date(year, 1, 1))

    # --- public API ----------------------------------------------------------------------------

    def has_official_arrangement(self, year: int) -> bool:
        """Whether ``year`` has an official State Council arrangement in the data (or overrides)."""
        return year in self.extra_official_years or year in _official_years_in_holidays()

    def estimated_years(self, start: date, end: date) -> tuple[int, ...]:
        """Years without an official arrangement on which answers about ``start`` … ``end`` rest.

        Both ends are included, in either order. A range reaching into 25-31 December of year Y
        also lists Y+1 when Y+1 has no arrangement, because that notice may move those days.
        """
        lo, hi = (start, end) if start <= end else (end, start)
        years = [y for y in range(lo.year, hi.year + 1) if not self.has_official_arrangement(y)]
        last_week = date(hi.year, 12, 31).toordinal() - _NEXT_NOTICE_REACH_DAYS + 1
        nxt = hi.year + 1
        if hi.toordinal() >= last_week and not self.has_official_arrangement(nxt):
            years.append(nxt)
        return tuple(years)

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working day; warns when it lies in an estimated period."""
        working, estimated = self._is_working(day.toordinal())
        if estimated:
            warn_estimated(self.estimated_years(day, day), stacklevel=2)
        return working

    def is_working_day_flagged(self, day: date) -> tuple[bool, bool]:
        """``(is_working_day(day), estimated)`` without a warning."""
        return self._is_working(day.toordinal())

    def add_working_days(self, day: date, n: int) -> date:
        """The ``n``-th working day after ``day`` (``n > 0``) or before it (``n < 0``).

        ``day`` itself is never counted, whether or not it is a working day: ``n = -20`` from an
        expiry date gives the latest submission date of M§3 注意事项 3 (catalogue CAL-001), and
        ``n = 1`` gives the next working day. ``n == 0`` raises `ValueError` — "the 0th
        working day" has no meaning, and a zero count is a rule-data mistake worth surfacing.
        Warns ([`CalendarEstimateWarning`][permitflow.errors.CalendarEstimateWarning]) when a
        counted day lies in
        an estimated period.
        """
        ordinal, estimated = self._shift(day, n)
        result = date.fromordinal(ordinal)
        if estimated:
            warn_estimated(self._touched_years(day, result, n), stacklevel=2)
        return result

    def add_working_days_flagged(self, day: date, n: int) -> tuple[date, bool]:
        """``(add_working_days(day, n), estimated)`` without a warning."""
        ordinal, estimated = self._shift(day, n)
        return date.fromordinal(ordinal), estimated

    def working_days_between(self, start: date, end: date) -> int:
        """The number of working days ``d`` with ``start <= d < end``.

        For ``end < start`` the answer is the negated count over ``end <= d < start``, so that
        ``between(a, b) + between(b, c) == between(a, c)`` for any dates; equal dates give 0.
        For an expiry ``e`` on a working day, a submission on ``s`` is on time exactly when
        ``working_days_between(s, e) >= 20`` (``permitflow.deadlines.is_submission_on_time``
        also asks the review to end by ``e`` when ``e`` is not one). Warns when a counted day
        is estimated.
        """
        count, estimated = self._between(start, end)
        if estimated:
            lo, hi = (start, end) if start <= end else (end, start)
            last = date.fromordinal(hi.toordinal() - 1)
            warn_estimated(self.estimated_years(lo, last), stacklevel=2)
        return count

    def working_days_between_flagged(self, start: date, end: date) -> tuple[int, bool]:
        """``(working_days_between(start, end), estimated)`` without a warning."""
        return self._between(start, end)

    # --- hot paths -----------------------------------------------------------------------------

    def _is_working(self, ordinal: int) -> tuple[bool, bool]:
        t = self._cache.tables
        i = ordinal - t.base
        if not 0 <= i < t.size:
            t = self._ensure(date.fromordinal(ordinal), date.fromordinal(ordinal))
            i = ordinal - t.base
        before = t.before
        uncovered = t.uncovered
        return before[i + 1] != before[i], uncovered[i + 1] != uncovered[i]

    def _shift(self, day: date, n: int) -> tuple[int, bool]:
        ordinal = day.toordinal()
        t = self._cache.tables
        i = ordinal - t.base
        if 0 <= i < t.size:
            if n > 0:
                k = t.before[i + 1] + n - 1
                if k < t.count:
                    result = t.workdays[k]
                    # counted days: (day, result]
                    return result, t.uncovered[result - t.base + 1] != t.uncovered[i + 1]
            elif n < 0:
                k = t.before[i] + n
                if k >= 0:
                    result = t.workdays[k]
                    # counted days: [result, day)
                    return result, t.uncovered[i] != t.uncovered[result - t.base]
        return self._shift_slow(day, n)

    def _between(self, start: date, end: date) -> tuple[int, bool]:
        s = start.toordinal()
        e = end.toordinal()
        sign = 1
        if e < s:
            s, e, sign = e, s, -1
        t = self._cache.tables
        if not (t.base <= s and e - t.base <= t.size):
            t = self._ensure(date.fromordinal(s), date.fromordinal(max(s, e - 1)))
        i = s - t.base
        j = e - t.base
        return sign * (t.before[j] - t.before[i]), t.uncovered[j] != t.uncovered[i]

    # --- building ------------------------------------------------------------------------------

    def _shift_slow(self, day: date, n: int) -> tuple[int, bool]:
        if n == 0:
            raise ValueError(
                "n must not be 0: pass a positive count to move forward or a negative one to "
                "move backward / 工作日数不能为0：向后推算用正数，向前推算用负数"
            )
        _check_day(day)
        # Roughly 250 working days a year; grow the built range until the answer falls inside.
        reach = abs(n) // 240 + 1
        while True:
            if n > 0:
                t = self._ensure(day, date(min(LAST_SUPPORTED_YEAR, day.year + reach), 12, 31))
                k = t.before[day.toordinal() - t.base + 1] + n - 1
                if k < t.count:
                    result = t.workdays[k]
                    i = day.toordinal() - t.base
                    return result, t.uncovered[result - t.base + 1] != t.uncovered[i + 1]
                if t.last_year >= LAST_SUPPORTED_YEAR:
                    raise _out_of_range(day, n)
            else:
                t = self._ensure(date(max(FIRST_SUPPORTED_YEAR, day.year - reach), 1, 1), day)
                i = day.toordinal() - t.base
                k = t.before[i] + n
                if k >= 0:
                    result = t.workdays[k]
                    return result, t.uncovered[i] != t.uncovered[result - t.base]
                if t.first_year <= FIRST_SUPPORTED_YEAR:
                    raise _out_of_range(day, n)
            reach *= 2

    def _touched_years(self, day: date, result: date, n: int) -> tuple[int, ...]:
        if n > 0:
            return self.estimated_years(date.fromordinal(day.toordinal() + 1), result)
        return self.estimated_years(result, date.fromordinal(day.toordinal() - 1))

    def _ensure(self, lo: date, hi: date) -> _Tables:
        """Tables covering at least the years of ``lo`` … ``hi`` (built if needed)."""
        _check_day(lo)
        _check_day(hi)
        cache = self._cache
        with cache.lock:
            t = cache.tables
            if t.first_year <= lo.year and hi.year <= t.last_year:
                return t
            first = max(FIRST_SUPPORTED_YEAR, lo.year - _BUILD_MARGIN_YEARS)
            last = min(LAST_SUPPORTED_YEAR, hi.year + _BUILD_MARGIN_YEARS)
            if t.first_year <= t.last_year:
                first = min(first, t.first_year)
                last = max(last, t.last_year)
            missing = [y for y in range(first, last + 1) if y not in cache.year_flags]
            if missing:
                cache.year_flags.update(self._classify_years(missing))
            t = self._tabulate(first, last, cache.year_flags)
            cache.tables = t
            return t

    def _classify_years(self, years: list[int]) -> dict[int, bytes]:
        # Build the holidays data once for the whole span, adjacent years included: substituted
        # days can cross 1 January (e.g. 2001-12-29 worked for the 2002 New Year holiday).
        span = range(
            max(FIRST_SUPPORTED_YEAR, min(years) - 1), min(LAST_SUPPORTED_YEAR, max(years) + 1) + 1
        )
        source = _china(span)
        out: dict[int, bytes] = {}
        for year in years:
            flags = bytearray()
            for ordinal in range(_first_ordinal(year), _first_ordinal(year + 1)):
                day = date.fromordinal(ordinal)
                if day in self.extra_workdays:
                    working = True
                elif day in self.extra_holidays:
                    working = False
                else:
                    working = source.is_working_day(day)
                flags.append(working)
            out[year] = bytes(flags)
        return out

    def _tabulate(self, first: int, last: int, year_flags: dict[int, bytes]) -> _Tables:
        workdays: list[int] = []
        before = [0]
        uncovered = [0]
        working_count = 0
        uncovered_count = 0
        for year in range(first, last + 1):
            base = _first_ordinal(year)
            covered = self.has_official_arrangement(year)
            late_december = base + len(year_flags[year]) - _NEXT_NOTICE_REACH_DAYS
            next_covered = self.has_official_arrangement(year + 1)
            for offset, working in enumerate(year_flags[year]):
                ordinal = base + offset
                if working:
                    workdays.append(ordinal)
                    working_count += 1
                if not covered or (ordinal >= late_december and not next_covered):
                    uncovered_count += 1
                before.append(working_count)
                uncovered.append(uncovered_count)
        return _Tables(first, last, workdays, before, uncovered)


DEFAULT_CALENDAR = WorkingDayCalendar()
"""The calendar of the installed ``holidays`` data, without overrides."""


def is_working_day(day: date) -> bool:
    """Whether ``day`` is a mainland working day (see
    [`is_working_day`][permitflow.calendar.WorkingDayCalendar.is_working_day])."""
    working, estimated = DEFAULT_CALENDAR._is_working(day.toordinal())
    if estimated:
        warn_estimated(DEFAULT_CALENDAR.estimated_years(day, day), stacklevel=2)
    return working


def is_working_day_flagged(day: date) -> tuple[bool, bool]:
    """``(is_working_day(day), estimated)`` without a warning."""
    return DEFAULT_CALENDAR._is_working(day.toordinal())


def add_working_days(day: date, n: int) -> date:
    """The ``n``-th working day after (``n > 0``) or before (``n < 0``) ``day``, not counting it.

    See [`add_working_days`][permitflow.calendar.WorkingDayCalendar.add_working_days]; ``n == 0``
    raises `ValueError`.
    """
    ordinal, estimated = DEFAULT_CALENDAR._shift(day, n)
    result = date.fromordinal(ordinal)
    if estimated:
        warn_estimated(DEFAULT_CALENDAR._touched_years(day, result, n), stacklevel=2)
    return result


def add_working_days_flagged(day: date, n: int) -> tuple[date, bool]:
    """``(add_working_days(day, n), estimated)`` without a warning."""
    return DEFAULT_CALENDAR.add_working_days_flagged(day, n)


def working_days_between(start: date, end: date) -> int:
    """Working days ``d`` with ``start <= d < end`` (negated when ``end < start``).

    See [`working_days_between`][permitflow.calendar.WorkingDayCalendar.working_days_between].
    """
    count, estimated = DEFAULT_CALENDAR._between(start, end)
    if estimated:
        lo, hi = (start, end) if start <= end else (end, start)
        warn_estimated(
            DEFAULT_CALENDAR.estimated_years(lo, date.fromordinal(hi.toordinal() - 1)),
            stacklevel=2,
        )
    return count


def working_days_between_flagged(start: date, end: date) -> tuple[int, bool]:
    """``(working_days_between(start, end), estimated)`` without a warning."""
    return DEFAULT_CALENDAR._between(start, end)


def has_official_arrangement(year: int) -> bool:
    """Whether the installed ``holidays`` data has the State Council arrangement for ``year``."""
    return DEFAULT_CALENDAR.has_official_arrangement(year)


def estimated_years(start: date, end: date) -> tuple[int, ...]:
    """Years without an official arrangement that answers about ``start`` … ``end`` rest on."""
    return DEFAULT_CALENDAR.estimated_years(start, end)
