"""Dates and times for display: the organisation's zone, the reader's calendar and digits.

Instants are stored in UTC and shown in the organisation's time zone. Persian readers see
the Jalali calendar whatever the organisation's calendar; everyone sees it when the
organisation keeps Jalali time. Weeks start on Saturday for Persian readers.
"""

from __future__ import annotations

from datetime import date, datetime

import jdatetime
import pandas as pd
from babel.dates import get_month_names

from sla_core.i18n.languages import Language
from sla_core.i18n.numbers import local_digits
from sla_core.periods import Calendar, Period, PeriodKind, zone_info

JALALI_MONTHS: dict[Language, tuple[str, ...]] = {
    Language.ENGLISH: (
        "Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar",
        "Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand",
    ),
    Language.PERSIAN: (
        "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
        "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
    ),
    Language.ARABIC: (
        "فروردين", "أرديبهشت", "خرداد", "تير", "مرداد", "شهريور",
        "مهر", "آبان", "آذر", "دي", "بهمن", "إسفند",
    ),
}  # fmt: skip

# Babel's locale for Gregorian month names; Egyptian Arabic names (يناير, فبراير ...).
_BABEL_LOCALE = {Language.ENGLISH: "en", Language.PERSIAN: "fa", Language.ARABIC: "ar_EG"}

_QUARTER = {Language.ENGLISH: "Q{n} {year}", Language.PERSIAN: "فصل {n} {year}",
            Language.ARABIC: "الربع {n} {year}"}  # fmt: skip

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def display_calendar(language: Language, org_calendar: Calendar) -> Calendar:
    """The calendar dates are shown in: Jalali for Persian readers or a Jalali organisation."""
    if language is Language.PERSIAN or org_calendar is Calendar.JALALI:
        return Calendar.JALALI
    return Calendar.GREGORIAN


def default_week_start(language: Language) -> str:
    """The first day of the week a reader expects: Saturday in Persian, Monday otherwise."""
    return "saturday" if language is Language.PERSIAN else "monday"


def month_names(language: Language, calendar: Calendar) -> tuple[str, ...]:
    """The twelve month names of `calendar` in `language`, first month first."""
    if calendar is Calendar.JALALI:
        return JALALI_MONTHS[language]
    names = get_month_names("wide", locale=_BABEL_LOCALE[language])
    return tuple(str(names[m]) for m in range(1, 13))


def calendar_parts(day: date, calendar: Calendar) -> tuple[int, int, int]:
    """(year, month, day) of the Gregorian `day` in `calendar`."""
    if calendar is Calendar.JALALI:
        j = jdatetime.date.fromgregorian(date=day)
        return int(j.year), int(j.month), int(j.day)
    return day.year, day.month, day.day


def from_parts(year: int, month: int, day: int, calendar: Calendar) -> date:
    """The Gregorian date of (year, month, day) in `calendar`; impossible dates raise ValueError."""
    if calendar is Calendar.JALALI:
        return jdatetime.date(year, month, day).togregorian()  # type: ignore[no-any-return]
    return date(year, month, day)


def days_in_month(year: int, month: int, calendar: Calendar) -> int:
    """How many days month `month` of `year` has in `calendar` (Esfand: 29, or 30 in leap years)."""
    next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    return (
        from_parts(next_year, next_month, 1, calendar) - from_parts(year, month, 1, calendar)
    ).days


def format_date(day: date, language: Language, calendar: Calendar, *, long: bool = True) -> str:
    """A date: "3 May 2026", fa "۱۳ اردیبهشت ۱۴۰۵"; short: "2026-05-03", fa "۱۴۰۵/۰۲/۱۳"."""
    year, month, number = calendar_parts(day, calendar)
    if long:
        text = f"{number} {month_names(language, calendar)[month - 1]} {year}"
    elif language is Language.ENGLISH:
        text = f"{year:04d}-{month:02d}-{number:02d}"
    else:
        text = f"{year:04d}/{month:02d}/{number:02d}"
    return local_digits(text, language)


def local_time(instant: datetime | pd.Timestamp, zone: str) -> datetime:
    """The wall-clock time of the aware instant `instant` in `zone`."""
    stamp = pd.Timestamp(instant)
    if stamp.tzinfo is None:
        raise ValueError(f"naive instant {instant!r}: times are stored as aware UTC")
    local: datetime = stamp.tz_convert(zone_info(zone)).to_pydatetime()
    return local


def format_instant(
    instant: datetime | pd.Timestamp | None,
    language: Language,
    *,
    zone: str,
    calendar: Calendar,
    long: bool = False,
) -> str:
    """An instant as a date and a 24-hour time in `zone` and `calendar`; None is "—"."""
    if instant is None or pd.isna(instant):
        return "—"
    local = local_time(instant, zone)
    clock = local_digits(f"{local:%H:%M}", language)
    return f"{format_date(local.date(), language, calendar, long=long)} {clock}"


def period_name(period: Period, language: Language) -> str:
    """A period as a reader names it: "May 2026", "Q2 2026", fa "اردیبهشت ۱۴۰۵"."""
    return label_name(period.label, period.kind, period.calendar, language)


def label_name(label: str, kind: PeriodKind, calendar: Calendar, language: Language) -> str:
    """A month's or quarter's label ("2026-05", "2026-Q2", in `calendar`) as a reader names it."""
    parts = label.replace("Q", "").split("-")
    if len(parts) != 2 or not all(part.isdigit() for part in parts):
        return local_digits(label, language)  # a custom range keeps its own label
    year, month = (int(part) for part in parts)
    if kind is PeriodKind.QUARTER:
        text = _QUARTER[language].format(n=month, year=year)
    else:
        text = f"{month_names(language, calendar)[month - 1]} {year}"
    return local_digits(text, language)


def day_and_month(day: date, language: Language, calendar: Calendar) -> str:
    """A date without its year, for chart axes: "3 May", fa "۱۳ اردیبهشت"."""
    _year, month, number = calendar_parts(day, calendar)
    return local_digits(f"{number} {month_names(language, calendar)[month - 1]}", language)


def format_instants(
    instants: pd.Series, language: Language, *, zone: str, calendar: Calendar
) -> pd.Series:
    """A column of aware instants as short date-and-time text (missing ones empty), for tables.

    The calendar arithmetic runs once per distinct local day, not per row.
    """
    local = instants.dt.tz_convert(zone_info(zone))
    days = local.dt.normalize().dt.tz_localize(None)
    names = {
        day: format_date(day.date(), language, calendar, long=False)
        for day in days.dropna().unique()
    }
    clock = local.dt.strftime("%H:%M").map(
        lambda text: local_digits(text, language), na_action="ignore"
    )
    text = days.map(names).astype("string") + " " + clock.astype("string")
    return text.fillna("").astype("string")
