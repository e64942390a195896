"""Table cells as a Persian or Arabic reader writes them: numbers in their digits and
separators, instants and dates in their calendar and the organisation's zone, "—" for
nothing; and the column configs that still fit once a column is text. English readers get
their frames unchanged (numbers and datetimes sort). ui.tables shows every table through here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from datetime import date, datetime
from typing import Any

import pandas as pd
import streamlit as st

from sla_core.i18n import dates
from sla_core.i18n.languages import Language
from sla_core.i18n.message import Message
from ui.i18n import _, calendar, digits, language, local_times, num, when
from ui.i18n import day as day_text

# Empty cells read as a dash in every language (the grid would write "None").
NOTHING = "—"
# Column types whose number or date formats only suit real numbers and datetimes.
_TYPED = {"number", "progress", "datetime", "date", "time"}
_PRINTF = re.compile(r"%(,?)(?:\.(\d+))?[dif]")


def plain() -> bool:
    """Whether this reader gets the frame as it is (English: numbers stay numbers)."""
    return language() is Language.ENGLISH


def _type_setting(config: object, key: str) -> str | None:
    """One setting of a column config's type ("format", "type"), when it is text."""
    if isinstance(config, Mapping):
        type_config = config.get("type_config") or {}
        found = type_config.get(key) if isinstance(type_config, Mapping) else None
        return found if isinstance(found, str) else None
    return None


def format_of(config: object) -> str | None:
    return _type_setting(config, "format")


def _decimals(values: pd.Series) -> int:
    """The fewest decimals (up to 2) that show every value of a numeric column as it is."""
    finite = [float(v) for v in values.dropna() if math.isfinite(float(v))]
    for decimals in (0, 1, 2):
        if all(abs(v - round(v, decimals)) < 1e-9 for v in finite):
            return decimals
    return 2


def _number(value: object, fmt: str | None, decimals: int, grouped: bool) -> str:
    """A cell's number in the reader's digits, after the column's printf format if any."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return NOTHING
    number = float(value) if not isinstance(value, int) else value  # type: ignore[arg-type]
    match = _PRINTF.search(fmt) if fmt else None
    if match:
        decimals = int(match.group(2) or 0)
        grouped = grouped or bool(match.group(1))
    shown = num(number, decimals) if grouped else digits(f"{number:.{decimals}f}")
    if match and fmt:
        return (
            digits(fmt[: match.start()]).replace("%%", "%")
            + shown
            + digits(fmt[match.end() :]).replace("%%", "%")
        )
    return shown


def _cell(value: object) -> object:
    """One cell of a mixed column in the reader's words and digits (text stays as typed)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return NOTHING
    if isinstance(value, Message):
        return _(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and math.isnan(value):
        return NOTHING
    if isinstance(value, int | float):
        return num(value, _decimals(pd.Series([value])))
    if isinstance(value, pd.Timestamp | datetime):
        instant = pd.Timestamp(value)
        return when(instant if instant.tzinfo else instant.tz_localize("UTC"))
    if isinstance(value, date):
        return day_text(value, long=False)
    return value


def _ids(name: object, ids: Collection[object]) -> bool:
    """Whether a column holds ids or line numbers: digits without thousands separators."""
    return name in ids or (isinstance(name, str) and name.endswith("_id"))


def localised(
    frame: pd.DataFrame,
    formats: Mapping[Any, str | None] | None = None,
    ids: Collection[object] = ("id", "line"),
) -> pd.DataFrame:
    """`frame`'s cells as this reader writes them: for fa and ar, numbers in their digits and
    separators (a column's printf format such as "%d" or "#%d" kept), instants and dates in
    their calendar and the organisation's zone, messages translated, "—" for nothing. English
    readers get `frame` unchanged (numbers sort as numbers)."""
    if plain():
        return frame
    formats = formats or {}
    out = {}
    for column in frame.columns:
        values = frame[column]
        dtype = values.dtype
        fmt = formats.get(column)
        if pd.api.types.is_bool_dtype(dtype):
            continue
        if pd.api.types.is_numeric_dtype(dtype):
            decimals = _decimals(values)
            grouped = not _ids(column, ids)
            out[column] = pd.Series(
                [_number(v, fmt, decimals, grouped) for v in values.tolist()],
                index=values.index,
                dtype="string",
            )
        elif isinstance(dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(dtype):
            aware = (
                values if isinstance(dtype, pd.DatetimeTZDtype) else values.dt.tz_localize("UTC")
            )
            text = local_times(pd.DataFrame({"at": aware}), ["at"])["at"].astype("string")
            out[column] = text.mask(values.isna(), NOTHING)
        elif pd.api.types.is_timedelta64_dtype(dtype):
            hours = values.dt.total_seconds() / 3600
            out[column] = pd.Series(
                [_number(v, None, 1, True) for v in hours.tolist()], index=values.index
            )
        else:
            out[column] = values.map(_cell).astype("object")
    if not out:
        return frame
    changed = frame.copy()
    for column, values in out.items():
        changed[column] = values
    return changed


def configs(column_config: Mapping[str, Any] | None, shown: pd.DataFrame) -> dict[str, Any] | None:
    """The column configs for `shown`: for fa/ar a column turned into text loses its number
    or date format (a text column takes none), keeping its label, width, help and pinning."""
    if column_config is None or plain():
        return dict(column_config) if column_config is not None else None
    out: dict[str, Any] = {}
    for name, config in column_config.items():
        kind = _kind(config)
        retyped = name in shown and not _typed(shown[name])
        if kind in _TYPED and retyped and isinstance(config, Mapping):
            kept = {k: config[k] for k in ("label", "width", "help", "pinned") if k in config}
            out[name] = st.column_config.TextColumn(**kept)
        else:
            out[name] = config
    return out


def _typed(values: pd.Series) -> bool:
    """Whether a column holds numbers or datetimes (what number and date formats need)."""
    dtype = values.dtype
    return bool(
        pd.api.types.is_numeric_dtype(dtype)
        or pd.api.types.is_datetime64_any_dtype(dtype)
        or pd.api.types.is_timedelta64_dtype(dtype)
    ) and not pd.api.types.is_bool_dtype(dtype)


def _kind(config: object) -> str | None:
    return _type_setting(config, "type")


def utc_text(instants: pd.Series) -> pd.Series:
    """Aware instants as short date-and-time text in UTC, in this reader's calendar and
    digits; "—" where there is none."""
    instants = pd.to_datetime(instants, utc=True)  # naive ones are UTC already
    text = dates.format_instants(instants, language(), zone="UTC", calendar=calendar())
    return text.mask(instants.isna(), NOTHING)
