"""Dates in charts, in the reader's calendar, month names and digits.

Vega-Lite knows only the Gregorian calendar and English month names, so dates never reach
it as dates: a temporal field a chart encodes gets a text twin in the data ("۱۵ دی"), and
the axis and tooltip read the twin, in the dates' order. Fields whose every value is a
period label ("2026-11", "2026-Q4", a week's "2026-11-30") are named as the reader names
periods ("آبان ۱۴۰۵") in place, keeping the labels' order.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pandas as pd

from sla_core.i18n import dates
from sla_core.i18n.languages import Language
from sla_core.periods import Calendar, PeriodKind, zone_info

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^\d{4}-Q[1-4]$")
_DAY = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


def _units(node: Any, inherited: str | None = None) -> Iterator[tuple[dict[str, Any], str]]:
    """Every view with an encoding, and the name of the dataset it reads."""
    if isinstance(node, dict):
        data = node.get("data")
        own = data.get("name") if isinstance(data, dict) else None
        name = own or inherited
        if isinstance(node.get("encoding"), dict) and isinstance(name, str):
            yield node, name
        for key, value in node.items():
            if key not in {"data", "datasets", "encoding"}:
                yield from _units(value, name)
    elif isinstance(node, list):
        for item in node:
            yield from _units(item, inherited)


def _channels(encoding: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, value in encoding.items():
        for entry in value if isinstance(value, list) else [value]:
            if isinstance(entry, dict) and isinstance(entry.get("field"), str):
                yield name, entry


class _Dates:
    """How the dates and period labels of one chart read for one reader."""

    def __init__(self, language: Language, calendar: Calendar, zone: str) -> None:
        self.language = language
        self.periods = calendar  # the organisation's: the one its period labels count in
        self.calendar = dates.display_calendar(language, calendar)
        self.zone = zone

    def day_of(self, value: Any) -> date | None:
        if value is None or (isinstance(value, float) and value != value):
            return None
        stamp = (
            pd.Timestamp(value, unit="ms", tz="UTC")
            if isinstance(value, int | float)
            else pd.Timestamp(value)
        )
        if stamp.tzinfo is not None:
            stamp = stamp.tz_convert(zone_info(self.zone))
        return date(stamp.year, stamp.month, stamp.day)

    def day(self, value: Any, *, year: bool) -> str | None:
        day = self.day_of(value)
        if day is None:
            return None
        if year:
            return dates.format_date(day, self.language, self.calendar, long=True)
        return dates.day_and_month(day, self.language, self.calendar)

    def period(self, label: str) -> str:
        if _DAY.match(label):
            return dates.day_and_month(date.fromisoformat(label), self.language, self.calendar)
        kind = PeriodKind.QUARTER if _QUARTER.match(label) else PeriodKind.MONTH
        return dates.label_name(label, kind, self.periods, self.language)


def _is_period_field(rows: list[Any], field: str) -> bool:
    values = [row.get(field) for row in rows if isinstance(row, dict)]
    present = [v for v in values if v is not None]
    return bool(present) and all(
        isinstance(v, str) and (_MONTH.match(v) or _QUARTER.match(v) or _DAY.match(v))
        for v in present
    )


def _temporal(entry: dict[str, Any]) -> bool:
    return entry.get("type") == "temporal" or "timeUnit" in entry


def _twin(rows: list[dict[str, Any]], field: str, kind: str) -> str:
    name = f"{field}_{kind}"
    while any(name in row for row in rows[:1]):
        name += "_"
    return name


def _label_days(
    rows: list[dict[str, Any]], field: str, *, year: bool, how: _Dates, twins: dict[Any, str]
) -> tuple[str, list[str]]:
    """Adds the text twin of the temporal `field` to `rows`; its name and labels in order."""
    twin = _twin(rows, field, "year" if year else "day")
    ordered: list[tuple[date, str]] = []
    for row in rows:
        value = row.get(field)
        text = how.day(value, year=year)
        row[twin] = text
        day = how.day_of(value)
        if day is not None and text is not None:
            ordered.append((day, text))
    twins[(field, year)] = twin
    return twin, list(dict.fromkeys(text for _day, text in sorted(ordered)))


def _retime(entry: dict[str, Any], twin: str, order: list[str], channel: str) -> dict[str, Any]:
    """A temporal channel reading its text twin: ordinal on an axis, nominal in a tooltip."""
    out = {k: v for k, v in entry.items() if k not in {"timeUnit", "format", "formatType", "bin"}}
    out["field"] = twin
    if channel == "tooltip":
        out["type"] = "nominal"
        out.setdefault("title", entry["field"])
        return out
    out["type"] = "ordinal"
    out["sort"] = order
    if isinstance(out.get("axis"), dict):
        out["axis"] = {k: v for k, v in out["axis"].items() if k not in {"format", "formatType"}}
    return out


def _rename_sort(entry: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """A channel of a period field: sorted by the labels' own order, whatever the names."""
    sort = entry.get("sort", "ascending")
    labels = sorted(names)
    if sort == "ascending":
        return {**entry, "sort": [names[label] for label in labels]}
    if sort == "descending":
        return {**entry, "sort": [names[label] for label in reversed(labels)]}
    if isinstance(sort, list):
        return {**entry, "sort": [names.get(str(v), v) for v in sort]}
    return entry


def localise_dates(
    spec: dict[str, Any], *, language: Language, calendar: Calendar, zone: str
) -> dict[str, Any]:
    """`spec` (a copy) with its dates and period labels as the reader of `language` reads
    them; `calendar` is the organisation's (its period labels count in it), `zone` its
    time zone (the local day of an instant)."""
    how = _Dates(language, calendar, zone)
    datasets = spec.get("datasets")
    if not isinstance(datasets, dict):
        return spec
    out = copy.deepcopy(spec)
    datasets = out["datasets"]
    twins: dict[str, dict[Any, str]] = {}
    orders: dict[str, dict[Any, list[str]]] = {}
    periods: dict[str, dict[str, dict[str, str]]] = {}
    for unit, name in list(_units(out)):
        rows = datasets.get(name)
        if not isinstance(rows, list):
            continue
        encoding = unit["encoding"]
        for channel, entry in list(_channels(encoding)):
            field = entry["field"]
            if _temporal(entry):
                year = channel == "tooltip"
                known = twins.setdefault(name, {})
                if (field, year) not in known:
                    twin, order = _label_days(rows, field, year=year, how=how, twins=known)
                    orders.setdefault(name, {})[(field, year)] = order
                new = _retime(entry, known[(field, year)], orders[name][(field, year)], channel)
            elif entry.get("type") in {"ordinal", "nominal"} and (
                field in periods.get(name, {}) or _is_period_field(rows, field)
            ):
                names = periods.setdefault(name, {}).get(field)
                if names is None:
                    labels = {str(row[field]) for row in rows if row.get(field) is not None}
                    names = {label: how.period(label) for label in labels}
                    periods[name][field] = names
                new = entry if channel == "tooltip" else _rename_sort(entry, names)
            else:
                continue
            _replace(encoding, channel, entry, new)
    for name, fields in periods.items():
        for row in datasets[name]:
            for field, names in fields.items():
                if row.get(field) is not None:
                    row[field] = names[str(row[field])]
    return out


def _replace(encoding: dict[str, Any], channel: str, old: dict[str, Any], new: Any) -> None:
    value = encoding[channel]
    if isinstance(value, list):
        encoding[channel] = [new if item is old else item for item in value]
    else:
        encoding[channel] = new
