"""SLA clocks per lead: disposition, work-within and follow-up, each on track, at risk,
breached or met, counted in working time.

Rules (all windows from the agreement in force):
- Disposition: starts at assignment; the window is `windows.disposition_hours` working
  hours; done when the lead is dispositioned (or qualified to SQL without one).
- Work-within: starts when the lead entered the funnel as an MQL; the window is
  `windows.work_within_days` business days (a day = one business day's working hours;
  24 hours when the team works around the clock); done at the first touch or the
  disposition, whichever came first.
- Follow-up: `windows.follow_up_attempts` touches are owed within the work window, unless
  the lead was dispositioned (qualified, disqualified or returned to nurture) within it.
  Only what happened inside the window counts: a touch logged after it never turns a
  breached duty into a met one.
- History: each lead is judged by the rules its hand-off recorded (`handoff_rules_id`:
  windows, follow-ups, MQL definition), whatever the draft says later.
- A clock not yet done is at risk once `service.at_risk_pct` % of its window is gone and
  breached once its deadline has passed; a clock done by its deadline is met, after it
  breached.
- Exempt: a lead that did not meet the MQL definition in force at hand-off (assignment,
  or entering the funnel when never assigned) does not count against sales.
- A rep away at `ref` has their leads flagged for reassignment; their clocks pause while
  they are away (away days are not working time).

Long because a chunk's clocks, their assembly chunk by chunk and their bringing forward to a
new minute (`retimed`) must agree column by column (tests/test_sla_clocks.py).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from sla_core.sla.deadlines import working_times
from sla_core.sla.exemptions import COUNT_TYPE, Exemptions, exempt_leads, rule_arrays
from sla_core.sla.timeline import Instants, column_micros, micros
from sla_core.sla.worktime import WorkSetup
from sla_core.stages import AWAITING_DISPOSITION, Stage
from sla_core.terms import AgreementContent


class ClockStatus(StrEnum):
    NOT_STARTED = "not_started"
    EXEMPT = "exempt"
    MET = "met"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BREACHED = "breached"


# Worst first: a lead's overall status is the worst of its clocks'.
STATUS_ORDER: tuple[ClockStatus, ...] = (
    ClockStatus.NOT_STARTED,
    ClockStatus.EXEMPT,
    ClockStatus.MET,
    ClockStatus.ON_TRACK,
    ClockStatus.AT_RISK,
    ClockStatus.BREACHED,
)
_CODES = {s: i for i, s in enumerate(STATUS_ORDER)}
QUALIFIED_STAGES = tuple(s.value for s in (Stage.SQL, Stage.OPPORTUNITY, Stage.WON, Stage.LOST))


def _instants(values: np.ndarray) -> pd.Series:
    whole = np.where(np.isnan(values), np.iinfo(np.int64).min, values).astype(np.int64)
    return pd.Series(whole.view("M8[us]")).dt.tz_localize("UTC")


def _status(
    start: np.ndarray,
    done: np.ndarray,
    deadline: np.ndarray,
    share: np.ndarray,
    *,
    ref: float,
    at_risk: float,
    exempt: np.ndarray,
) -> np.ndarray:
    """Status codes (STATUS_ORDER) of one clock for every lead."""
    finished = ~np.isnan(done)
    return np.select(
        [
            np.isnan(start),
            exempt,
            finished & (done <= deadline),
            finished | (ref > deadline),
            share >= at_risk,
        ],
        [_CODES[s] for s in STATUS_ORDER[:2]]
        + [_CODES[ClockStatus.MET], _CODES[ClockStatus.BREACHED], _CODES[ClockStatus.AT_RISK]],
        default=_CODES[ClockStatus.ON_TRACK],
    )


def touches_made(leads: pd.DataFrame) -> np.ndarray:
    """Each lead's touches made, as the clocks hold them (`COUNT_TYPE`)."""
    made = leads["touches"].fillna(0).to_numpy(dtype=np.int64)
    return np.asarray(np.minimum(made, np.iinfo(COUNT_TYPE).max), dtype=COUNT_TYPE)


def follow_up_met_at(leads: pd.DataFrame, at: Instants, required: np.ndarray) -> np.ndarray:
    """When each lead's follow-up duty was met (NaN: not yet): the touch that reached the
    count (`follow_up_done_at`), or the disposition - qualify, disqualify or nurture - or
    the qualification that settled it, whichever came first.

    Leads from a CRM file carry counts, not touch events: their count is met at the last
    touch; a stage that settles the duty with no date settles it from the start.
    """
    made = leads["touches"].fillna(0).to_numpy(dtype=np.int64)
    by_count = np.where(
        made >= required,
        np.where(np.isnan(at["last_touch_at"]), -np.inf, at["last_touch_at"]),
        np.nan,
    )
    by_count = np.where(np.isnan(at["follow_up_done_at"]), by_count, at["follow_up_done_at"])
    by_count = np.where(required <= 0, -np.inf, by_count)
    settled = np.fmin(at["dispositioned_at"], at["sql_at"])
    undated = leads["stage"].isin([*QUALIFIED_STAGES, Stage.DISQUALIFIED.value]).to_numpy(
        dtype=bool
    ) & np.isnan(settled)
    settled = np.where(undated, -np.inf, settled)
    return np.asarray(np.fmin(by_count, settled))


def _follow_up_status(
    work: np.ndarray,
    met_at: np.ndarray,
    times: dict[str, np.ndarray],
    *,
    ref: float,
    at_risk: float,
) -> np.ndarray:
    """Follow-ups owed within the work window: met only by what happened inside it (a touch
    or a disposition after the window never turns a breach into a met duty)."""
    pending = work <= _CODES[ClockStatus.EXEMPT]  # not started or exempt
    return np.select(
        [pending, met_at <= times["work_deadline"], ref > times["work_deadline"],
         times["work_share_now"] >= at_risk],
        [work, _CODES[ClockStatus.MET], _CODES[ClockStatus.BREACHED], _CODES[ClockStatus.AT_RISK]],
        default=_CODES[ClockStatus.ON_TRACK],
    )  # fmt: skip


def _statuses(codes: np.ndarray) -> pd.Categorical:
    return pd.Categorical.from_codes(codes, categories=[s.value for s in STATUS_ORDER])


# Leads per pass: a million at once held ~250 MiB of intermediate arrays above the result.
CHUNK_ROWS = 200_000


def lead_clocks(
    leads: pd.DataFrame,
    content: AgreementContent,
    ref: datetime,
    setup: WorkSetup | None = None,
    *,
    exemptions: Exemptions | None = None,
) -> pd.DataFrame:
    """Every lead's SLA clocks at `ref` (same index as `leads`; see the module's rules).

    Computed `CHUNK_ROWS` leads at a time (each lead's clocks depend on that lead only), so
    the working memory stays that of a chunk whatever the number of leads.
    """
    if len(leads) <= CHUNK_ROWS:
        return _lead_clocks(leads, content, ref, setup, exemptions=exemptions)
    whole: Filled | None = None
    for first in range(0, len(leads), CHUNK_ROWS):
        part = _lead_clocks(
            leads.iloc[first : first + CHUNK_ROWS],
            content,
            ref,
            setup,
            exemptions=None if exemptions is None else exemptions.rows(first, CHUNK_ROWS),
        )
        whole = whole or Filled(part, len(leads))
        whole.put(first, part)
    assert whole is not None
    return whole.frame(leads.index)


def moving(clocks: pd.DataFrame, leads: pd.DataFrame, since: datetime) -> np.ndarray:
    """Which leads' clocks (`clocks`, judged at `since`) can change with time alone: a
    disposition or work clock started and not done by `since` (its share of the window
    used grows, its status moves on at the deadline), a clock on track or at risk, or the
    lead still open. Every other clock is settled: only a write starts or stops one."""
    then = micros(pd.Series([pd.Timestamp(since)])).item()

    def undone(start: str, *done: str) -> np.ndarray:
        began = column_micros(leads, start)
        finished = np.fmin.reduce([column_micros(leads, c) for c in done])
        # done before it began (a record out of order): its share is measured from `ref`
        # or begun after `since` (stamped ahead of the clock): both measured from `ref`
        settled = (finished < then) & (finished >= began) & (began <= then)
        return np.asarray(~np.isnan(began) & ~settled)

    live = undone("assigned_at", "dispositioned_at", "sql_at")
    live |= undone("mql_at", "first_touch_at", "dispositioned_at", "sql_at")
    for name in ("disposition_status", "work_status", "follow_up_status", "status"):
        codes = clocks[name].cat.codes.to_numpy()
        live |= (codes == _CODES[ClockStatus.ON_TRACK]) | (codes == _CODES[ClockStatus.AT_RISK])
    for name in ("open", "disposition_running", "work_running"):
        live |= clocks[name].to_numpy(dtype=bool)
    return np.asarray(live)


def retimed(
    previous: pd.DataFrame,
    since: datetime,
    leads: pd.DataFrame,
    content: AgreementContent,
    ref: datetime,
    setup: WorkSetup | None = None,
    *,
    exemptions: Exemptions | None = None,
) -> pd.DataFrame:
    """`lead_clocks(leads, ..., ref)` from `previous`, the clocks of the same leads at the
    earlier instant `since`: only the leads whose clocks can move with time (`moving`) are judged
    again, and whose owner is away is read again for all (tests/test_sla_clocks.py checks
    it equals judging every lead). At a million leads a new minute then costs the open
    leads, not the million."""
    rows = np.flatnonzero(moving(previous, leads, since))
    out = previous.copy(deep=False)  # no clock moves: every column shared
    if len(rows):
        given = None if exemptions is None else exemptions.take(rows)
        judged = lead_clocks(leads.iloc[rows], content, ref, setup, exemptions=given)
        out = patched(previous, rows, judged)
    now = micros(pd.Series([pd.Timestamp(ref)])).item()
    out["owner_away"] = owners_away(leads, setup or WorkSetup(), now)
    return out


class Filled:
    """The clocks of every lead, filled in chunk by chunk: each column allocated once at its
    full length (concatenating the chunks at the end held every chunk and the whole at once,
    twice the clocks' memory at a million leads)."""

    def __init__(self, like: pd.DataFrame, size: int) -> None:
        self.dtypes = like.dtypes
        self.arrays = {str(name): np.empty(size, dtype=_storage(like[name])) for name in like}

    def put(self, first: int, part: pd.DataFrame) -> None:
        self.put_rows(slice(first, first + len(part)), part)

    def put_rows(self, rows: np.ndarray | slice, part: pd.DataFrame) -> None:
        if not part.dtypes.equals(self.dtypes):  # every chunk's statuses share one category list
            raise ValueError("clock chunks of different types")
        for name, array in self.arrays.items():
            array[rows] = _stored(part[name])

    def frame(self, index: pd.Index) -> pd.DataFrame:
        return _framed(self.arrays, self.dtypes, index)


def patched(previous: pd.DataFrame, rows: np.ndarray, part: pd.DataFrame) -> pd.DataFrame:
    """`previous` with the rows at positions `rows` replaced by `part` (same columns and
    types): a column those rows leave as they were is shared with `previous`, not copied
    (a new minute moves the shares and statuses of the open leads; their deadlines stay)."""
    if not part.dtypes.equals(previous.dtypes):
        raise ValueError("clock rows of different types")
    columns: dict[str, Any] = {}
    for name in previous.columns:
        before, after = _stored(previous[name]), _stored(part[name])
        if before.dtype.kind == "M":  # compared as numbers: NaT equals NaT
            same = np.array_equal(before[rows].view(np.int64), after.view(np.int64))
        else:
            same = np.array_equal(before[rows], after, equal_nan=before.dtype.kind == "f")
        if not same:
            before = before.copy()
            before[rows] = after
        columns[str(name)] = before
    return _framed(columns, previous.dtypes, previous.index)


def _framed(arrays: dict[str, np.ndarray], dtypes: pd.Series, index: pd.Index) -> pd.DataFrame:
    """Clock columns (`_stored` arrays) as a frame of `dtypes`, without a copy."""
    columns: dict[str, Any] = {}
    for name, array in arrays.items():
        kind = dtypes[name]
        if isinstance(kind, pd.CategoricalDtype):
            columns[name] = pd.Categorical.from_codes(array, dtype=kind)
        elif isinstance(kind, pd.DatetimeTZDtype):
            columns[name] = pd.arrays.DatetimeArray._simple_new(array, dtype=kind)  # noqa: SLF001 - no copy
        else:
            columns[name] = array
    return pd.DataFrame(columns, index=index, copy=False)


def _storage(column: pd.Series) -> np.dtype[Any]:
    return _stored(column).dtype


def _stored(column: pd.Series) -> np.ndarray:
    """What a clock column holds underneath: category codes, naive UTC stamps or numbers."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return np.asarray(column.cat.codes.to_numpy())
    if isinstance(column.dtype, pd.DatetimeTZDtype):
        return np.asarray(column.array._ndarray)  # noqa: SLF001 - the stamps themselves
    return np.asarray(column.to_numpy())


def _lead_clocks(
    leads: pd.DataFrame,
    content: AgreementContent,
    ref: datetime,
    setup: WorkSetup | None = None,
    *,
    exemptions: Exemptions | None = None,
) -> pd.DataFrame:
    """The clocks of one chunk of leads.

    Columns: disposition_deadline/_share/_status, work_deadline/_share/_status/_done_at,
    follow_ups_made/_required, follow_up_status, status (the worst clock), next_deadline
    (the earliest deadline of a clock still running or overdue), open (sales still owes
    the lead an action), disposition_running / work_running (not done yet, not exempt),
    exempt, mql_score, mql_threshold, owner_away, reassign.
    `exemptions`: `exempt_leads(...)` already computed for these leads (it is the costly
    part; a page caches it per data revision and agreement).

    Long because it assembles every clock's columns in one vectorised pass over the chunk.
    """
    setup = setup or WorkSetup()
    now = micros(pd.Series([pd.Timestamp(ref)])).item()
    at_risk = float(content.service.at_risk_pct) / 100
    at = Instants(leads)
    found = exemptions or exempt_leads(leads, content, setup, at)
    rules = rule_arrays(leads, content, setup)
    times = working_times(leads, content, now, setup, at, rules)
    required = rules["follow_ups"]
    codes = _clock_codes(leads, at, times, required, ref=now, at_risk=at_risk, exempt=found.exempt)
    running = {c: np.isnan(times[f"{c}_done"]) & (codes[c] >= _CODES[ClockStatus.ON_TRACK])
               for c in ("disposition", "work")}  # fmt: skip
    next_deadline = np.fmin(
        np.where(running["disposition"], times["disposition_deadline"], np.nan),
        np.where(running["work"], times["work_deadline"], np.nan),
    )
    # Follow-ups are owed only while sales holds the lead undecided (MQL or SAL).
    undecided = leads["stage"].isin([s.value for s in AWAITING_DISPOSITION]).to_numpy(dtype=bool)
    open_follow_up = undecided & (codes["follow_up"] >= _CODES[ClockStatus.ON_TRACK])
    is_open = running["disposition"] | running["work"] | open_follow_up
    away = owners_away(leads, setup, now)
    return pd.DataFrame(
        {
            "disposition_deadline": _instants(times["disposition_deadline"]),
            "disposition_share": times["disposition_share"],
            "disposition_status": _statuses(codes["disposition"]),
            "work_deadline": _instants(times["work_deadline"]),
            "work_share": times["work_share"],
            "work_status": _statuses(codes["work"]),
            "work_done_at": _instants(times["work_done"]),
            "follow_ups_made": touches_made(leads),
            "follow_ups_required": required,
            "follow_up_status": _statuses(codes["follow_up"]),
            "status": _statuses(np.maximum.reduce(list(codes.values()))),  # the worst clock
            "next_deadline": _instants(next_deadline),
            "open": is_open,
            "disposition_running": running["disposition"],
            "work_running": running["work"],
            "exempt": found.exempt,
            "mql_score": found.score,
            "mql_threshold": found.threshold,
            "owner_away": away,
            "reassign": away & is_open,
        }
    ).set_axis(leads.index)


def _clock_codes(
    leads: pd.DataFrame,
    at: Instants,
    times: dict[str, np.ndarray],
    required: np.ndarray,
    *,
    ref: float,
    at_risk: float,
    exempt: np.ndarray,
) -> dict[str, np.ndarray]:
    """The status code of each lead's disposition, work and follow-up clock."""
    codes = {
        clock: _status(
            at["assigned_at" if clock == "disposition" else "mql_at"],
            times[f"{clock}_done"],
            times[f"{clock}_deadline"],
            times[f"{clock}_share"],
            ref=ref,
            at_risk=at_risk,
            exempt=exempt,
        )
        for clock in ("disposition", "work")
    }
    codes["follow_up"] = _follow_up_status(
        codes["work"], follow_up_met_at(leads, at, required), times, ref=ref, at_risk=at_risk
    )
    return codes


def owners_away(leads: pd.DataFrame, setup: WorkSetup, ref: float) -> np.ndarray:
    """Whether each lead's owner is away at `ref` (their leads wait for reassignment)."""
    today = pd.Timestamp(ref, unit="us", tz="UTC").tz_convert(setup.zone).date()
    gone = {a.user_id for a in setup.work_time.away if a.start <= today <= a.end}
    if not gone:
        return np.zeros(len(leads), dtype=bool)
    return np.asarray(leads["owner_id"].isin(list(gone)).fillna(False).to_numpy(dtype=bool))
