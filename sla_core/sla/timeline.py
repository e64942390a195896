"""Working-time arithmetic, vectorised: elapsed working time and deadlines in working time.

A Timeline is a sorted list of disjoint working intervals [start, end) in epoch
microseconds (float64, exact below 2**53), with the working time before each interval.
`worked(t)` is the working time from the timeline's origin up to each instant; its
inverse `instant(w)` gives the moment the working time reaches `w`. Elapsed working time
between a and b is worked(b) - worked(a), a deadline is instant(worked(a) + window):
both are a binary search per lead, whatever the number of leads.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from sla_core.periods import zone_info
from sla_core.sla.worktime import AwayPeriod, BusinessHours

HOUR = 3_600_000_000.0  # microseconds
DAY = 24 * HOUR


@dataclass(frozen=True)
class Timeline:
    """Working intervals and the working time accumulated before each one."""

    starts: np.ndarray
    ends: np.ndarray
    before: np.ndarray

    @classmethod
    def of(cls, starts: np.ndarray, ends: np.ndarray) -> Timeline:
        keep = ends > starts
        starts, ends = starts[keep], ends[keep]
        order = np.argsort(starts, kind="stable")
        starts, ends = starts[order], ends[order]
        lengths = ends - starts
        before = np.concatenate(([0.0], np.cumsum(lengths)[:-1])) if len(lengths) else lengths
        return cls(starts, ends, before)

    @property
    def last(self) -> float:
        """The end of the last working interval (working time is known up to here)."""
        return float(self.ends[-1]) if len(self.ends) else float("-inf")

    def worked(self, t: np.ndarray) -> np.ndarray:
        """Working time from the origin up to each instant (NaN stays NaN)."""
        if len(self.starts) == 1:  # around the clock: plain arithmetic
            return np.asarray(np.clip(t - self.starts[0], 0.0, self.ends[0] - self.starts[0]))
        if not len(self.starts):
            return np.where(np.isnan(t), np.nan, 0.0)
        i = np.searchsorted(self.starts, t, side="right") - 1
        j = np.clip(i, 0, None)
        inside = np.clip(t - self.starts[j], 0.0, self.ends[j] - self.starts[j])
        return np.where(i < 0, np.where(np.isnan(t), np.nan, 0.0), self.before[j] + inside)

    def instant(self, w: np.ndarray) -> np.ndarray:
        """The instant the working time reaches `w` (NaN past the timeline's end)."""
        if len(self.starts) == 1:
            span = self.ends[0] - self.starts[0]
            return np.asarray(np.where(w <= span, self.starts[0] + w, np.nan))
        reach = self.before + (self.ends - self.starts)
        j = np.searchsorted(reach, w, side="left")
        beyond = j >= len(reach)
        k = np.clip(j, 0, max(len(reach) - 1, 0))
        if not len(reach):
            return np.full_like(w, np.nan)
        return np.where(beyond | np.isnan(w), np.nan, self.starts[k] + (w - self.before[k]))


def _local_micros(days: pd.DatetimeIndex, zone: str) -> np.ndarray:
    local = days.tz_localize(zone_info(zone), nonexistent="shift_forward", ambiguous=True)
    return np.asarray(local.tz_convert("UTC").as_unit("us").asi8, dtype=np.float64)


def _day_of(instant: float, zone: str) -> date:
    day: date = pd.Timestamp(instant, unit="us", tz="UTC").tz_convert(zone_info(zone)).date()
    return day


def _away_intervals(away: Sequence[AwayPeriod], zone: str) -> tuple[np.ndarray, np.ndarray]:
    if not away:
        return np.empty(0), np.empty(0)
    first = pd.DatetimeIndex([datetime.combine(a.start, datetime.min.time()) for a in away])
    after = pd.DatetimeIndex(
        [datetime.combine(a.end + timedelta(days=1), datetime.min.time()) for a in away]
    )
    return _local_micros(first, zone), _local_micros(after, zone)


def _subtract(
    starts: np.ndarray, ends: np.ndarray, cut_starts: np.ndarray, cut_ends: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The intervals with each cut removed (a cut inside an interval splits it)."""
    for a, b in zip(cut_starts, cut_ends, strict=True):
        before = starts < a
        after = ends > b
        starts = np.concatenate((starts[before], np.maximum(starts[after], b)))
        ends = np.concatenate((np.minimum(ends[before], a), ends[after]))
    return starts, ends


def build_timeline(
    *,
    hours: BusinessHours | None,
    holidays: Sequence[date],
    away: Sequence[AwayPeriod],
    zone: str,
    low: float,
    high: float,
) -> Timeline:
    """The working time between the instants `low` and `high` (epoch micros).

    No business hours: every hour counts. Holidays (local days) and away periods (local
    days, both ends included) never count.
    """
    first, last = _day_of(low, zone) - timedelta(days=1), _day_of(high, zone) + timedelta(days=1)
    if hours is None:
        starts, ends = np.array([low - DAY]), np.array([high + DAY])
        closed = pd.DatetimeIndex(sorted(set(holidays)))
        if len(closed):
            starts, ends = _subtract(
                starts,
                ends,
                _local_micros(closed, zone),
                _local_micros(closed + pd.Timedelta(days=1), zone),
            )
    else:
        days = pd.date_range(first, last, freq="D")
        open_days = days[days.weekday.isin(hours.weekdays) & ~days.isin(pd.DatetimeIndex(holidays))]
        opens = open_days + pd.Timedelta(hours=hours.start.hour, minutes=hours.start.minute)
        shuts = open_days + pd.Timedelta(hours=hours.end.hour, minutes=hours.end.minute)
        starts, ends = _local_micros(opens, zone), _local_micros(shuts, zone)
    cut_starts, cut_ends = _away_intervals(away, zone)
    starts, ends = _subtract(starts, ends, cut_starts, cut_ends)
    return Timeline.of(starts, ends)


def micros(column: pd.Series) -> np.ndarray:
    """Aware timestamps as float64 epoch microseconds (NaN where missing)."""
    index = pd.DatetimeIndex(column)
    values = index.as_unit("us").asi8.astype(np.float64)
    values[index.isna()] = np.nan
    return np.asarray(values)


class Instants:
    """One frame's timestamp columns as epoch microseconds, each converted once."""

    def __init__(self, leads: pd.DataFrame) -> None:
        self._leads = leads
        self._seen: dict[str, np.ndarray] = {}

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._seen:
            self._seen[name] = column_micros(self._leads, name)
        return self._seen[name]


def column_micros(leads: pd.DataFrame, name: str) -> np.ndarray:
    """A snapshot column as epoch microseconds; a frame without that column has no instants.

    A whole frozen column of the shared snapshot (read-only, `snapshot.freeze`) is
    converted once while it lives (`_KEPT`): pages convert the same columns many times
    per run, ~5 ms each at a million leads. The result is then read-only too."""
    if name not in leads:
        return np.full(len(leads), np.nan)
    column = leads[name]
    values = getattr(column.array, "_ndarray", None)
    if not isinstance(values, np.ndarray) or len(values) < KEPT_FROM or values.flags.writeable:
        return micros(column)
    root = values
    while isinstance(root.base, np.ndarray):
        root = root.base
    if root.size != len(values):  # a part of a column: not kept
        return micros(column)
    key = (id(root), values.__array_interface__["data"][0], len(values), str(values.dtype))
    with _KEPT_LOCK:
        found = _KEPT.get(key)
    if found is not None and found[0]() is root:
        return found[1]
    converted = micros(column)
    converted.flags.writeable = False

    def gone(ref: weakref.ref[np.ndarray], key: tuple[int, int, int, str] = key) -> None:
        with _KEPT_LOCK:
            if key in _KEPT and _KEPT[key][0] is ref:
                del _KEPT[key]

    with _KEPT_LOCK:
        _KEPT[key] = (weakref.ref(root, gone), converted)
    return converted


# Whole frozen snapshot columns converted by `column_micros`, while the column lives.
KEPT_FROM = 50_000
_KEPT: dict[tuple[int, int, int, str], tuple[weakref.ref[np.ndarray], np.ndarray]] = {}
_KEPT_LOCK = threading.Lock()
