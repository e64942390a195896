"""Cell values as real types, vectorised: numbers, company-size ranges, dates to UTC."""

from __future__ import annotations

from collections.abc import Callable

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
    text = latin_digits(values).str.strip()
    first = text.str.extract(r"^(\d[\d,.\s]*?)\s*(?:(?:-|–|to)\s*\d[\d,.\s]*|\+)?$", expand=False)
    return _numbers(first).round().astype("Int64")


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
    """Text as UTC instants: ISO 8601 (any zone), day/month-first, Excel serials; else NaT."""
    text = latin_digits(values).str.strip()
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
    out = out.astype("datetime64[us, UTC]")
    todo = out.isna() & text.notna()
    if not todo.any():
        return out
    rest = text[todo]
    serial = pd.to_numeric(rest, errors="coerce")
    is_serial = serial.between(_SERIAL_MIN, _SERIAL_MAX)
    if is_serial.any():
        days = pd.to_timedelta(serial[is_serial], unit="D")
        out[is_serial[is_serial].index] = (_EXCEL_EPOCH + days).astype("datetime64[us, UTC]")
        rest = rest[~is_serial]
    if rest.empty:
        return out
    if date_order is None:
        dmy = _try_formats(rest, _DAY_FIRST, timezone)
        mdy = _try_formats(rest, _MONTH_FIRST, timezone)
        if (dmy.notna() & mdy.notna() & (dmy != mdy)).any() and not (
            dmy.notna().sum() != mdy.notna().sum()
        ):
            sample = rest[(dmy != mdy) & dmy.notna()].iloc[0]
            where = f" in column {column!r}" if column else ""
            raise AmbiguousDates(
                f"dates{where} such as {sample!r} can be read day-first or month-first: "
                "choose the date order (dmy or mdy)"
            )
        # Whichever order reads more of the column is the file's order.
        ordered = dmy if dmy.notna().sum() >= mdy.notna().sum() else mdy
    else:
        ordered = _try_formats(rest, _DAY_FIRST if date_order == "dmy" else _MONTH_FIRST, timezone)
    missing = ordered.isna()
    if missing.any():
        ordered[missing] = _try_formats(rest[missing], _UNORDERED, timezone)
    out[rest.index] = ordered
    return out
