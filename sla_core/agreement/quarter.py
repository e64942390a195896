"""The last quarter's figures (`figures.last_quarter`) kept per lead, brought up to date from
the leads a write changed (issue 17, "current within a blink").

`Quarter` holds, for each lead with a share in the quarter (it became an MQL, was handed
off or opened an opportunity in it), what it counts for: the cohorts it falls in, its
disposition verdict, its marketer and owner. A write changes the shares of the leads it
wrote only: `carried` judges those again, and the leads whose disposition clock was
still running (on track or at risk) at the instant the shares were judged. Every other
verdict is settled: a clock met or breached stays so as time passes (its deadline does
not depend on the instant it is read at; only a write, which re-judges the lead, moves
it), so the figures equal a full `last_quarter` at the new instant
(tests/test_agreement_quarter.py). The breaches reassignments left are few and read per
revision: they are added when the figures are read (`history`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from sla_core.periods import Period
from sla_core.sla.clocks import STATUS_ORDER, ClockStatus, lead_clocks
from sla_core.sla.cohorts import between
from sla_core.sla.levels import kept_in
from sla_core.sla.timeline import column_micros
from sla_core.sla.worktime import WorkSetup
from sla_core.stages import Stage
from sla_core.terms import AgreementContent

# The bits of `Quarter.flags`: the cohorts a lead falls in and its disposition verdict.
MQL, ASSIGNED, OPPORTUNITY, QUALIFIED, DUE, IN_TIME, WON, PENDING = (1 << i for i in range(8))
_CODE = {s: np.int8(STATUS_ORDER.index(s)) for s in ClockStatus}


@dataclass(frozen=True)
class Quarter:
    """The shares of `period` of the leads of a frame of `size` rows, judged at `ref`:
    `at` the positions (ascending) of the leads with a share, and per such lead its
    `flags`, marketer and owner (NaN: none)."""

    period: Period
    ref: datetime
    size: int
    at: np.ndarray
    flags: np.ndarray
    marketer: np.ndarray
    owner: np.ndarray


@dataclass(frozen=True)
class Counts:
    """What `figures.last_quarter` reads of the quarter, counted from a `Quarter`."""

    mqls: int
    marketers: int
    opportunities: int
    assigned: int
    qualified: int
    per_rep: np.ndarray  # leads handed off per owner (owners with one or more)
    received: int
    converted: int
    due: int
    in_time: int


def _ids(rows: pd.DataFrame, column: str) -> np.ndarray:
    return np.asarray(pd.to_numeric(rows[column], errors="coerce").to_numpy(dtype="float64"))


def _shares(
    rows: pd.DataFrame,
    period: Period,
    content: AgreementContent,
    ref: datetime,
    setup: WorkSetup,
) -> tuple[np.ndarray, np.ndarray]:
    """The flags of `rows` (0: no share) and which of them have one."""
    mql = between(column_micros(rows, "mql_at"), period)
    assigned = between(column_micros(rows, "assigned_at"), period)
    opened = between(column_micros(rows, "opportunity_at"), period)
    flags = np.zeros(len(rows), dtype=np.uint8)
    flags[mql] |= MQL
    flags[opened] |= OPPORTUNITY
    flags[assigned] |= ASSIGNED
    qualified = rows["sql_at"].notna().to_numpy(dtype=bool)
    won = (rows["stage"] == Stage.WON.value).to_numpy(dtype=bool, na_value=False)
    flags[assigned & qualified] |= QUALIFIED
    flags[assigned & won] |= WON
    judged = np.flatnonzero(assigned)
    if len(judged):  # each lead's clocks depend on that lead only: the handed-off ones
        clocks = lead_clocks(rows.iloc[judged], content, ref, setup)
        codes = np.asarray(clocks["disposition_status"].cat.codes)
        counted = ~clocks["exempt"].to_numpy(dtype=bool)
        met = codes == _CODE[ClockStatus.MET]
        due = counted & (met | (codes == _CODE[ClockStatus.BREACHED]))
        running = (codes == _CODE[ClockStatus.ON_TRACK]) | (codes == _CODE[ClockStatus.AT_RISK])
        flags[judged[due]] |= DUE
        flags[judged[counted & met]] |= IN_TIME
        flags[judged[running]] |= PENDING
    return flags, flags != 0


def counted(
    leads: pd.DataFrame,
    period: Period,
    content: AgreementContent,
    ref: datetime,
    setup: WorkSetup,
) -> Quarter:
    """Every lead's share of `period` at `ref` (the rules of `figures.last_quarter`)."""
    inside = (
        between(column_micros(leads, "mql_at"), period)
        | between(column_micros(leads, "assigned_at"), period)
        | between(column_micros(leads, "opportunity_at"), period)
    )
    at = np.flatnonzero(inside)
    rows = leads.iloc[at]
    flags, _ = _shares(rows, period, content, ref, setup)
    return Quarter(
        period, ref, len(leads), at, flags, _ids(rows, "marketer_id"), _ids(rows, "owner_id")
    )


def carried(
    old: Quarter,
    leads: pd.DataFrame,
    changed: np.ndarray,
    content: AgreementContent,
    ref: datetime,
    setup: WorkSetup,
) -> Quarter:
    """`old` brought to `leads` at `ref` (not before `old.ref`): the leads of `old` kept
    their positions, `changed` are the positions of the leads written or added since
    (`Delta.positions`). Those and the leads whose disposition clock was still running are
    judged again; every other share stays."""
    if ref < old.ref or len(leads) < old.size:
        raise ValueError("a quarter is carried forward in time, to the same leads or more")
    pending = old.at[(old.flags & PENDING) != 0]
    again = np.union1d(np.asarray(changed, dtype=np.int64), pending)
    again = np.union1d(again, np.arange(old.size, len(leads)))  # added rows, even unnamed
    rows = leads.iloc[again]
    flags, share = _shares(rows, old.period, content, ref, setup)
    stay = ~np.isin(old.at, again, assume_unique=True)
    at = np.concatenate([old.at[stay], again[share]])
    order = np.argsort(at, kind="stable")
    return Quarter(
        old.period,
        ref,
        len(leads),
        at[order],
        np.concatenate([old.flags[stay], flags[share]])[order],
        np.concatenate([old.marketer[stay], _ids(rows, "marketer_id")[share]])[order],
        np.concatenate([old.owner[stay], _ids(rows, "owner_id")[share]])[order],
    )


def counts(quarter: Quarter, kept: pd.DataFrame | None = None) -> Counts:
    """The quarter's counts, with the disposition breaches reassignments left with their
    owners (`reassign.kept_breaches`) counted due and not met, as `levels.service_levels`
    counts them."""
    flags = quarter.flags

    def has(bit: int) -> np.ndarray:
        return np.asarray((flags & bit) != 0)

    mql, assigned = has(MQL), has(ASSIGNED)
    marketers = quarter.marketer[mql]
    owners = quarter.owner[assigned]
    _, per_rep = np.unique(owners[~np.isnan(owners)], return_counts=True)
    extra = kept_in(kept, quarter.period)
    return Counts(
        mqls=int(mql.sum()),
        marketers=int(np.unique(marketers[~np.isnan(marketers)]).size),
        opportunities=int(has(OPPORTUNITY).sum()),
        assigned=int(assigned.sum()),
        qualified=int(has(QUALIFIED).sum()),
        per_rep=per_rep,
        received=int(assigned.sum()),
        converted=int(has(WON).sum()),
        due=int(has(DUE).sum()) + int((extra["clock"] == "disposition").sum()),
        in_time=int(has(IN_TIME).sum()),
    )
