"""Reporting periods: months and quarters cut in the organisation's zone and calendar.

A period is a half-open interval [start, end) of aware UTC instants. Months and quarters
start at local midnight in the organisation's time zone, on the first day of a Gregorian
or a Jalali (Persian solar) month. Labels: "2026-05" and "2026-Q2" (Gregorian), "1405-02"
and "1405-Q1" (Jalali, the year and month numbers of that calendar).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jdatetime
import pandas as pd


class Calendar(StrEnum):
    GREGORIAN = "gregorian"
    JALALI = "jalali"


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    CUSTOM = "custom"  # any run of whole days (`days_between`)


class PeriodError(ValueError):
    """A period label that names no month or quarter, said in words."""


@dataclass(frozen=True)
class Period:
    """A half-open interval [start, end) of aware UTC instants, with its label."""

    start: pd.Timestamp
    end: pd.Timestamp
    label: str = ""
    kind: PeriodKind = PeriodKind.MONTH
    calendar: Calendar = Calendar.GREGORIAN
    zone: str = "UTC"

    def contains(self, column: pd.Series) -> pd.Series:
        """Which instants of `column` fall inside the period (missing ones do not)."""
        return ((column >= self.start) & (column < self.end)).fillna(False).astype(bool)


# The dates a period may span: wide enough for any business record, narrow enough for
# pandas' nanosecond timestamps (1677 to 2262) in every time zone.
EARLIEST = date(1900, 1, 1)
LATEST = date(2200, 1, 1)

_LABEL = re.compile(r"^\s*(\d{4})-(?:(\d{1,2})|[Qq]([1-4]))\s*$")


def zone_info(zone: str) -> ZoneInfo:
    """The time zone named `zone` (IANA name such as "Asia/Tehran"); unknown names refused."""
    try:
        return ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise PeriodError(f"unknown time zone {zone!r}; use a name such as Asia/Tehran") from exc


def _local_midnight(day: date, zone: str) -> pd.Timestamp:
    return pd.Timestamp(datetime(day.year, day.month, day.day), tz=zone_info(zone)).tz_convert(
        "UTC"
    )


def _month_start(year: int, month: int, calendar: Calendar) -> date:
    """The Gregorian date on which month `month` of `year` begins in `calendar`."""
    while month > 12:
        year, month = year + 1, month - 12
    while month < 1:
        year, month = year - 1, month + 12
    if calendar is Calendar.JALALI:
        return jdatetime.date(year, month, 1).togregorian()  # type: ignore[no-any-return]
    return date(year, month, 1)


def _local_year_month(
    ref: datetime | pd.Timestamp, zone: str, calendar: Calendar
) -> tuple[int, int]:
    stamp = pd.Timestamp(ref)
    if stamp.tzinfo is None:
        raise ValueError(f"naive instant {ref!r}: periods need timezone-aware times")
    local = stamp.tz_convert(zone_info(zone)).date()
    if calendar is Calendar.JALALI:
        j = jdatetime.date.fromgregorian(date=local)
        return int(j.year), int(j.month)
    return local.year, local.month


def make_period(
    year: int, first_month: int, kind: PeriodKind, *, zone: str, calendar: Calendar
) -> Period:
    """The month, or the quarter beginning with `first_month`, of `year` in `calendar`."""
    span = 1 if kind is PeriodKind.MONTH else 3
    label = (
        f"{year:04d}-{first_month:02d}"
        if kind is PeriodKind.MONTH
        else f"{year:04d}-Q{(first_month - 1) // 3 + 1}"
    )
    try:
        start = _month_start(year, first_month, calendar)
        end = _month_start(year, first_month + span, calendar)
    except ValueError:
        start = end = date.min
    if not (EARLIEST <= start and end <= LATEST):
        raise PeriodError(
            f"{label} is outside the dates LeadPact counts: "
            f"1 January {EARLIEST.year} to 31 December {LATEST.year - 1}"
        )
    return Period(
        _local_midnight(start, zone), _local_midnight(end, zone), label, kind, calendar, zone
    )


def month_containing(
    ref: datetime | pd.Timestamp, *, zone: str = "UTC", calendar: Calendar = Calendar.GREGORIAN
) -> Period:
    """The month (local to `zone`, in `calendar`) that contains the instant `ref`."""
    year, month = _local_year_month(ref, zone, calendar)
    return make_period(year, month, PeriodKind.MONTH, zone=zone, calendar=calendar)


def quarter_containing(
    ref: datetime | pd.Timestamp, *, zone: str = "UTC", calendar: Calendar = Calendar.GREGORIAN
) -> Period:
    """The quarter (months 1-3, 4-6, 7-9, 10-12 of `calendar`) that contains `ref`."""
    year, month = _local_year_month(ref, zone, calendar)
    return make_period(
        year, (month - 1) // 3 * 3 + 1, PeriodKind.QUARTER, zone=zone, calendar=calendar
    )


def parse_period(
    text: str, *, zone: str = "UTC", calendar: Calendar = Calendar.GREGORIAN
) -> Period:
    """The period a label names: "2026-05" a month, "2026-Q2" a quarter (in `calendar`)."""
    match = _LABEL.match(text or "")
    if not match:
        raise PeriodError(
            f"{text!r} is not a period: write a month as 2026-05 or a quarter as 2026-Q2"
        )
    year = int(match.group(1))
    if match.group(3):
        quarter = int(match.group(3))
        return make_period(
            year, (quarter - 1) * 3 + 1, PeriodKind.QUARTER, zone=zone, calendar=calendar
        )
    month = int(match.group(2))
    if not 1 <= month <= 12:
        raise PeriodError(f"{text!r} is not a period: there is no month {month}")
    return make_period(year, month, PeriodKind.MONTH, zone=zone, calendar=calendar)


def days_between(
    first: date, last: date, *, zone: str = "UTC", calendar: Calendar = Calendar.GREGORIAN
) -> Period:
    """The whole local days from `first` to `last`, both included (a custom period)."""
    if last < first:
        raise PeriodError(f"the period ends ({last}) before it begins ({first})")
    end = date.fromordinal(last.toordinal() + 1)
    label = f"{first.isoformat()}..{last.isoformat()}"
    return Period(
        _local_midnight(first, zone),
        _local_midnight(end, zone),
        label,
        PeriodKind.CUSTOM,
        calendar,
        zone,
    )


def shift(period: Period, steps: int) -> Period:
    """The period `steps` months or quarters after `period` (before it when negative)."""
    if period.kind is PeriodKind.CUSTOM:
        raise PeriodError("a custom period cannot be shifted: pick its days again")
    year, month = _local_year_month(period.start, period.zone, period.calendar)
    span = 1 if period.kind is PeriodKind.MONTH else 3
    total = year * 12 + (month - 1) + steps * span
    return make_period(
        total // 12, total % 12 + 1, period.kind, zone=period.zone, calendar=period.calendar
    )


def recent(period: Period, count: int) -> list[Period]:
    """The `count` periods ending with `period`, oldest first."""
    return [shift(period, -back) for back in range(count - 1, -1, -1)]


def labels_of(
    instants: pd.Series,
    kind: PeriodKind = PeriodKind.MONTH,
    *,
    zone: str = "UTC",
    calendar: Calendar = Calendar.GREGORIAN,
) -> pd.Series:
    """The label of the month or quarter each instant falls in (missing stays missing).

    Vectorised: the calendar arithmetic runs once per distinct local day, not per row.
    """
    local = instants.dt.tz_convert(zone_info(zone)).dt.tz_localize(None).dt.normalize()
    days = pd.Series(local.dropna().unique())
    if calendar is Calendar.JALALI:
        parts = [jdatetime.date.fromgregorian(date=d.date()) for d in days]
        years = pd.Series([p.year for p in parts], dtype="int64")
        months = pd.Series([p.month for p in parts], dtype="int64")
    else:
        years = days.dt.year.astype("int64")
        months = days.dt.month.astype("int64")
    if kind is PeriodKind.MONTH:
        names = years.map("{:04d}".format) + "-" + months.map("{:02d}".format)
    else:
        names = years.map("{:04d}".format) + "-Q" + ((months - 1) // 3 + 1).astype(str)
    lookup = pd.Series(names.to_numpy(), index=pd.DatetimeIndex(days))
    return local.map(lookup).astype("string")
