"""The counting rules of the service levels, split into what a period decides and what not.

Each count of `levels.service_levels` is "the lead's cohort instant falls in the period"
(assigned_at, mql_at, opportunity_at or closed_at; none for the counts of leads still owed
an action, whatever their period) AND a condition on the lead and its clocks that no period
changes. `conditions` states those rules once; `levels.count_masks` applies them to one
period, `period_counts` to many periods in one pass (a lead's instant is placed among all
the periods' bounds by one binary search), so a trend of weeks or months costs about what
one period does, and both count the same leads.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from sla_core.periods import Period
from sla_core.sla.clocks import STATUS_ORDER, ClockStatus
from sla_core.sla.timeline import column_micros, micros
from sla_core.stages import Stage

MET, BREACHED = ClockStatus.MET, ClockStatus.BREACHED
RUNNING = (ClockStatus.ON_TRACK, ClockStatus.AT_RISK)
# Which instant puts a lead in a period's cohort, per count (None: every period).
COHORT: dict[str, str | None] = {
    "mqls": "mql_at",
    "mqls_received": "assigned_at",
    "exempt": "assigned_at",
    "disposition_due": "assigned_at",
    "dispositioned_in_time": "assigned_at",
    "worked_due": "mql_at",
    "worked_in_time": "mql_at",
    "follow_up_due": "mql_at",
    "follow_up_met": "mql_at",
    "unworked": "mql_at",
    "opportunities": "opportunity_at",
    "won": "closed_at",
    "at_risk": None,
    "overdue": None,
    "converted": "assigned_at",
    "disposition_running": "assigned_at",
    "worked_running": "mql_at",
    "follow_up_running": "mql_at",
}
_INSTANTS = tuple(sorted({c for c in COHORT.values() if c is not None}))


def _status(clocks: pd.DataFrame, column: str, *wanted: ClockStatus) -> np.ndarray:
    codes = np.asarray(clocks[column].cat.codes)
    hit = np.zeros(len(codes), dtype=bool)
    for one in wanted:
        hit |= codes == STATUS_ORDER.index(one)
    return hit


def conditions(
    leads: pd.DataFrame, clocks: pd.DataFrame, kept: pd.DataFrame | None = None
) -> dict[str, np.ndarray]:
    """Per count (`COHORT`'s keys), which leads it counts once their cohort instant is in
    the period: the part of the rules no period changes.

    `kept` (`reassign.kept_breaches`): a lead whose work window was breached before a
    reassignment counts that breach for the owner who missed it, not its current owner
    (it leaves the work-within and follow-up cohorts of its current owner).
    """
    every = np.ones(len(leads), dtype=bool)
    counted = ~clocks["exempt"].to_numpy(dtype=bool)
    worked = counted.copy()  # the work-within and follow-up cohorts: counted, not kept
    worked &= ~kept_away(leads, kept)
    never_worked = clocks["work_done_at"].isna().to_numpy(dtype=bool)
    is_open = clocks["open"].to_numpy(dtype=bool)
    won = (leads["stage"] == Stage.WON.value).to_numpy(dtype=bool, na_value=False)
    return {
        "mqls": ~requalified(leads),
        "mqls_received": every,
        "exempt": ~counted,
        "disposition_due": counted & _status(clocks, "disposition_status", MET, BREACHED),
        "dispositioned_in_time": counted & _status(clocks, "disposition_status", MET),
        "worked_due": worked & _status(clocks, "work_status", MET, BREACHED),
        "worked_in_time": worked & _status(clocks, "work_status", MET),
        "follow_up_due": worked & _status(clocks, "follow_up_status", MET, BREACHED),
        "follow_up_met": worked & _status(clocks, "follow_up_status", MET),
        "unworked": worked & _status(clocks, "work_status", BREACHED) & never_worked,
        "opportunities": every,
        "won": won,
        "at_risk": is_open & _status(clocks, "status", ClockStatus.AT_RISK),
        "overdue": is_open & _status(clocks, "status", BREACHED),
        "converted": won,
        "disposition_running": counted & _status(clocks, "disposition_status", *RUNNING),
        "worked_running": worked & _status(clocks, "work_status", *RUNNING),
        "follow_up_running": worked & _status(clocks, "follow_up_status", *RUNNING),
    }


def kept_away(leads: pd.DataFrame, kept: pd.DataFrame | None) -> np.ndarray:
    """Per lead: whether a reassignment left a breach of its work-within or follow-up duty
    with a previous owner (`reassign.kept_breaches`), so those duties leave the current
    owner's cohorts (a frame without an `id` column: none)."""
    if kept is None or not len(kept) or "id" not in leads:
        return np.zeros(len(leads), dtype=bool)
    gone = kept.loc[kept["clock"] != "disposition", "lead_id"]
    return np.asarray(leads["id"].isin(gone).to_numpy(dtype=bool))


def requalified(leads: pd.DataFrame) -> np.ndarray:
    """Which leads became MQLs by re-qualifying the backlog: every surface counts them beside
    their period's new MQLs (`requalified_in`), never inside that volume."""
    return np.asarray(~np.isnan(column_micros(leads, "requalified_at")))


def requalified_in(leads: pd.DataFrame, period: Period, rows: np.ndarray | None = None) -> int:
    """How many leads (of `rows`, a mask: the scope's) were re-qualified from the backlog in
    `period`: the count every surface shows beside the period's new MQLs."""
    hit = between(column_micros(leads, "requalified_at"), period)
    return int((hit if rows is None else hit & rows).sum())


@lru_cache(maxsize=1024)
def bounds(period: Period) -> tuple[int, int]:
    """A period's start and end as epoch microseconds (start inside, end outside); a trend
    of fourteen periods asks after every write, so each is worked out once."""
    start, end = (micros(pd.Series([t])).item() for t in (period.start, period.end))
    return start, end


def between(values: np.ndarray, period: Period) -> np.ndarray:
    """Which instants (epoch microseconds, NaN: none) fall inside `period`."""
    start, end = bounds(period)
    return np.asarray((values >= start) & (values < end))


@dataclass(frozen=True)
class Placed:
    """For each lead and cohort instant, the position (in `spans`) of the period it falls
    in, -1 when none; built by one binary search per instant column."""

    spans: list[Period]
    where: dict[str, np.ndarray]


def place(leads: pd.DataFrame, spans: list[Period]) -> Placed:
    """Place every lead's cohort instants among `spans` (periods that do not overlap)."""
    order = np.argsort([bounds(p)[0] for p in spans], kind="stable")
    edges = np.array([bounds(spans[i]) for i in order], dtype=np.float64).ravel()
    if len(edges) and (np.diff(edges) < 0).any():
        raise ValueError("the periods of a trend must not overlap")
    where = {}
    if not spans:
        return Placed(spans, {c: np.full(len(leads), -1) for c in _INSTANTS})
    # slot 2i+1 lies between the i-th period's start (inside) and its end (outside); an
    # even slot between two periods, before the first or after the last (NaN too)
    lookup = np.full(len(edges) + 1, -1, dtype=np.int64)
    lookup[1::2] = order
    for column in _INSTANTS:
        where[column] = lookup[np.searchsorted(edges, column_micros(leads, column), side="right")]
    return Placed(spans, where)


def period_counts(placed: Placed, rules: dict[str, np.ndarray]) -> pd.DataFrame:
    """Every count (`conditions`) of every period placed, one row per period (by position):
    the sums `levels.count_masks` gives for each period alone."""
    size = len(placed.spans)
    table = {}
    for name, holds in rules.items():
        column = COHORT[name]
        if column is None:
            table[name] = np.full(size, int(holds.sum()), dtype=np.int64)
            continue
        slots = placed.where[column][holds]
        slots = slots[slots >= 0]
        table[name] = np.bincount(slots, minlength=size).astype(np.int64)
    return pd.DataFrame(table, index=pd.RangeIndex(size))
