"""Cell values as real types, vectorised: numbers, company-size ranges, dates to UTC."""

from __future__ import annotations

import re
from collections.abc import Callable

import jdatetime
import pandas as pd
from pandas.api.extensions import take

# Persian and Arabic-Indic digits, and the Arabic decimal and thousands separators.
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩٫٬", "01234567890123456789.,")
_ZONE = r"(?:Z|[+-]\d\d:?\d\d)$"
_EXCEL_EPOCH = pd.Timestamp("1899-12-30", tz="UTC")
# Serial days an Excel date cell can plausibly hold (1954 .. 2119).
_SERIAL_MIN, _SERIAL_MAX = 20_000, 80_000

_DAY_FIRST = (
    "%d/%m/%Y",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d.%m.%Y",
    "%d.%m.%Y %H:%M",
    "%d-%m-%Y",
    "%d-%m-%Y %H:%M",
    "%d/%m/%y",
    "%d/%m/%Y %I:%M %p",
)
_MONTH_FIRST = (
    "%m/%d/%Y",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %I:%M:%S %p",
    "%m-%d-%Y",
    "%m/%d/%y",
    "%m/%d/%y %I:%M %p",
)
_UNORDERED = ("%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%d-%b-%Y", "%Y/%m/%d")


def per_unique(values: pd.Series, convert: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """`convert` applied once per distinct value: CRM columns repeat a few values a million times."""
    codes, uniques = pd.factorize(values)
    if len(uniques) * 3 > len(values):
        return convert(values)
    converted = convert(pd.Series(uniques, dtype=values.dtype))
    taken = take(converted.array, codes, allow_fill=True)
    return pd.Series(taken, index=values.index, name=values.name)


# Jalali dates as Persian CRM exports write them: 1403/01/15, 1403-1-5 10:30 (years 1300-1499).
_JALALI = re.compile(r"^(1[34]\d\d)[/.-](\d{1,2})[/.-](\d{1,2})((?:[ T]\d{1,2}:\d\d(?::\d\d)?)?)$")


def _jalali_as_iso(text: str) -> str:
    match = _JALALI.match(text)
    if not match:
        return text
    year, month, day = (int(match.group(i)) for i in (1, 2, 3))
    try:
        gregorian = jdatetime.date(year, month, day).togregorian()
    except ValueError:
        return ""  # no such Jalali day: unreadable, like any other bad date
    clock = match.group(4).strip().lstrip("T")
    return str(gregorian.isoformat()) + (f" {clock}" if clock else "")


def jalali_to_gregorian(text: pd.Series) -> pd.Series:
    """Jalali dates (years 1300-1499) rewritten as ISO Gregorian ones; other values unchanged.

    No lead was created in the years 1300-1499 AD, so such a year is a Persian solar one.
    """
    maybe = text.str.startswith(("13", "14")).fillna(False).astype(bool)  # cheap, vectorised
    if not maybe.any():
        return text
    jalali = maybe & text.str.match(_JALALI).fillna(False).astype(bool)
    if not jalali.any():
        return text
    out = text.copy()
    out[jalali] = per_unique(text[jalali], lambda v: v.map(_jalali_as_iso))
    return out


class AmbiguousDates(ValueError):
    """Dates such as 03/04/2024 read both day-first and month-first: the user must choose."""


def latin_digits(values: pd.Series) -> pd.Series:
    """Persian/Arabic digits and separators replaced by Latin ones."""
    if not values.str.contains(r"[۰-۹٠-٩٫٬]", regex=True).any():
        return values
    return values.map(lambda v: v.translate(_DIGITS) if isinstance(v, str) else v)


def parse_numbers(values: pd.Series) -> pd.Series:
    """Text as float64 (NaN when unreadable): thousands separators, decimal comma, 1.234,5."""
    return per_unique(values, _numbers).astype("float64")


def _numbers(values: pd.Series) -> pd.Series:
    plain = pd.to_numeric(values, errors="coerce").astype("float64")
    todo = plain.isna() & values.notna()
    if not todo.any():
        return plain
    text = latin_digits(values[todo]).str.replace(
        r"[\s\u00a0'$€£﷼]|(?:USD|EUR|IRR|SAR)", "", regex=True
    )
    european = text.str.fullmatch(r"-?\d{1,3}(?:\.\d{3})+(?:,\d+)?|-?\d+,\d{1,2}").fillna(False)
    us = text.str.fullmatch(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?").fillna(False)
    fixed = text.where(~us, text.str.replace(",", "", regex=False))
    fixed = fixed.where(
        ~european, text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    )
    plain[todo] = pd.to_numeric(fixed, errors="coerce").astype("float64")
    return plain


def parse_company_size(values: pd.Series) -> pd.Series:
    """Head counts as Int64: '51-200' and '10,000+' count as their lower bound."""
    return per_unique(values, _company_size).astype("Int64")


def _company_size(values: pd.Series) -> pd.Series:
    text = latin_digits(values).str.strip().str.casefold()
    alone = text.str.fullmatch(_SELF_EMPLOYED).fillna(False)
    # "10k+", "1k-5k": thousands written with k
    text = text.str.replace(r"(\d+(?:\.\d+)?)\s*k\b", _thousands, regex=True)
    first = text.str.extract(r"^(\d[\d,.\s]*?)\s*(?:(?:-|–|to)\s*\d[\d,.\s]*|\+)?$", expand=False)
    sizes = _numbers(first).round().astype("Int64")
    return sizes.mask(alone, 1)


_SELF_EMPLOYED = r"self[\s-]?employed|freelancer?|sole (?:trader|proprietor)|just me|myself( only)?"


def _thousands(match: re.Match[str]) -> str:
    return str(round(float(match.group(1)) * 1000))


def _localise(naive: pd.Series, timezone: str) -> pd.Series:
    if timezone == "UTC":
        return naive.dt.tz_localize("UTC")
    local = naive.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="shift_forward")
    return local.dt.tz_convert("UTC")


def _try_formats(text: pd.Series, formats: tuple[str, ...], timezone: str) -> pd.Series:
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us, UTC]")
    for fmt in formats:
        todo = out.isna()
        if not todo.any():
            break
        parsed = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        out[todo] = _localise(parsed.astype("datetime64[us]"), timezone)
    return out


def parse_dates(
    values: pd.Series, *, date_order: str | None = None, timezone: str = "UTC", column: str = ""
) -> pd.Series:
    """Text as UTC instants: ISO 8601 (any zone), day/month-first, Jalali, Excel serials; else NaT."""
    return read_dates(values, date_order=date_order, timezone=timezone, column=column)[0]


def read_dates(
    values: pd.Series, *, date_order: str | None = None, timezone: str = "UTC", column: str = ""
) -> tuple[pd.Series, pd.Series]:
    """(UTC instants, rows left unread because their day/month order is not settled).

    A date such as 03/04/2024 is read in the order the rest of the column proves (a 25/06
    proves day-first); when nothing in the column is certain the user must choose
    (AmbiguousDates); when the column has certain dates but none proves the order, or proves
    both, only the uncertain rows are left unread.
    """
    text = jalali_to_gregorian(latin_digits(values).str.strip())
    out = _iso(text, timezone)
    unsure = pd.Series(False, index=text.index)
    todo = out.isna() & text.notna()
    if not todo.any():
        return out, unsure
    rest = text[todo]
    serial = pd.to_numeric(rest, errors="coerce")
    is_serial = serial.between(_SERIAL_MIN, _SERIAL_MAX)
    if is_serial.any():
        days = pd.to_timedelta(serial[is_serial], unit="D")
        out[is_serial[is_serial].index] = (_EXCEL_EPOCH + days).astype("datetime64[us, UTC]")
        rest = rest[~is_serial]
    if rest.empty:
        return out, unsure
    if date_order is None:
        ordered, unsure_rest = _settle_order(rest, out.notna().any(), timezone, column)
        unsure[unsure_rest[unsure_rest].index] = True
    else:
        ordered = _try_formats(rest, _DAY_FIRST if date_order == "dmy" else _MONTH_FIRST, timezone)
    missing = ordered.isna() & ~unsure[rest.index]
    if missing.any():
        ordered[missing] = _try_formats(rest[missing], _UNORDERED, timezone)
    out[rest.index] = ordered
    return out, unsure


def _iso(text: pd.Series, timezone: str) -> pd.Series:
    has_zone = (
        text.str.contains(_ZONE, regex=True).fillna(False)
        if timezone != "UTC"
        else pd.Series(False, index=text.index)
    )
    if timezone == "UTC" or not has_zone.any():
        out = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=timezone == "UTC")
        if timezone != "UTC":
            out = _localise(out.astype("datetime64[us]"), timezone)
    else:
        out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us, UTC]")
        out[has_zone] = pd.to_datetime(text[has_zone], format="ISO8601", errors="coerce", utc=True)
        naive = pd.to_datetime(text[~has_zone], format="ISO8601", errors="coerce")
        out[~has_zone] = _localise(naive.astype("datetime64[us]"), timezone)
    return out.astype("datetime64[us, UTC]")


def _settle_order(
    rest: pd.Series, certain_elsewhere: bool, timezone: str, column: str
) -> tuple[pd.Series, pd.Series]:
    """Day- or month-first for the slash dates: (instants, rows the column cannot settle)."""
    dmy = _try_formats(rest, _DAY_FIRST, timezone)
    mdy = _try_formats(rest, _MONTH_FIRST, timezone)
    only_dmy, only_mdy = dmy.notna() & mdy.isna(), mdy.notna() & dmy.isna()
    unsure = dmy.notna() & mdy.notna() & (dmy != mdy)
    if only_dmy.any() != only_mdy.any():  # the column proves one order
        return (dmy if only_dmy.any() else mdy), pd.Series(False, index=rest.index)
    certain = certain_elsewhere or bool((only_dmy | only_mdy | (dmy.notna() & ~unsure)).any())
    if unsure.any() and not certain:
        sample = rest[unsure].iloc[0]
        where = f" in column {column!r}" if column else ""
        raise AmbiguousDates(
            f"dates{where} such as {sample!r} can be read day-first or month-first: "
            "choose the date order (dmy or mdy)"
        )
    return dmy.fillna(mdy).where(~unsure), unsure
