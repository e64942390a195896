"""Service levels of a period per rep, per team or for everyone, counted from the clocks.

Cohorts: the disposition level judges the leads handed to sales (assigned) in the
period; the work-within and follow-up levels judge the leads that entered the funnel
(became MQLs) in the period. Exempt leads (see `exemptions`) never count against sales.
A lead is "due" once its clock is met or breached; a clock still running is not due yet
(a clock past its deadline is breached, even while the period runs); the running ones are
counted beside. Conversion is a cohort rate: of the leads handed off in the period, the
share won so far (never above 100 %); the deals won in the period are counted beside.

Long because sales' and marketing's levels are one computation: both sides' figures are counted from the same cohorts and read by every surface.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from sla_core.periods import Period
from sla_core.sla import cohorts, tally
from sla_core.sla.clocks import ClockStatus, lead_clocks
from sla_core.sla.timeline import column_micros, micros
from sla_core.sla.worktime import WorkSetup
from sla_core.stages import Stage
from sla_core.terms import AgreementContent

# The columns of `service_levels`, in order (names are kept stable for other modules).
LEVEL_COLUMNS: tuple[str, ...] = (
    "mqls",
    "mqls_received",
    "exempt",
    "disposition_due",
    "dispositioned_in_time",
    "worked_due",
    "worked_in_time",
    "follow_up_due",
    "follow_up_met",
    "unworked",
    "opportunities",
    "won",
    "conversion_pct",
    "at_risk",
    "overdue",
    "converted",
    "disposition_running",
    "worked_running",
    "follow_up_running",
)
ALL = "all"
MET, BREACHED = ClockStatus.MET, ClockStatus.BREACHED


def attach_teams(leads: pd.DataFrame, team_of: Mapping[int, int | None]) -> pd.DataFrame:
    """A new frame with a `team_id` column: the team of each lead's owner (never mutates)."""
    codes, owners = pd.factorize(leads["owner_id"], use_na_sentinel=True)
    teams = pd.array([team_of.get(int(o)) for o in owners] + [None], dtype="Int64")
    return leads.assign(team_id=teams[codes])


def _between(values: np.ndarray, period: Period) -> np.ndarray:
    return cohorts.between(values, period)


def count_masks(
    leads: pd.DataFrame,
    clocks: pd.DataFrame,
    period: Period,
    kept: pd.DataFrame | None = None,
) -> dict[str, np.ndarray]:
    """One boolean array per counted rule, one entry per lead (the rules: `cohorts`).

    `kept` (`reassign.kept_breaches`): a lead whose work window was breached before a
    reassignment counts that breach for the owner who missed it, not its current owner.
    """
    inside: dict[str, np.ndarray] = {}
    out = {}
    for name, holds in cohorts.conditions(leads, clocks, kept).items():
        column = cohorts.COHORT[name]
        if column is None:
            out[name] = holds
            continue
        if column not in inside:
            inside[column] = _between(column_micros(leads, column), period)
        out[name] = inside[column] & holds
    return out


def _grouped(counts: dict[str, np.ndarray], key: pd.Series) -> pd.DataFrame:
    """Sum each count per value of `key` (missing keys form no group).

    Only leads counted somewhere are summed: a period holds a small share of the snapshot.
    """
    counted = np.zeros(len(key), dtype=bool)
    for mask in counts.values():  # in place: no (counts x leads) array stacked first
        counted |= mask
    rows = np.flatnonzero(counted)
    # only the counted leads' keys: every group found counts something (a million-row
    # factorize cost more than the counting)
    codes, groups = pd.factorize(key.iloc[rows], use_na_sentinel=True, sort=True)
    slot = np.where(codes < 0, len(groups), codes)
    table = pd.DataFrame(
        {
            name: np.bincount(slot, weights=mask[rows], minlength=len(groups) + 1)[:-1]
            for name, mask in counts.items()
        },
        index=pd.Index(np.asarray(groups, dtype=np.int64), name=key.name),
    ).astype(np.int64)
    return table[(table != 0).any(axis=1)]


_KEPT_COUNTS = {
    "disposition": ("disposition_due",),
    "work": ("worked_due",),
    "follow_up": ("follow_up_due",),
}


def kept_in(kept: pd.DataFrame | None, period: Period) -> pd.DataFrame:
    """The breaches reassignments left with their owners (`reassign.kept_breaches`) that
    count in `period`: those whose obligation started in it (an owner known)."""
    if kept is None or not len(kept):
        return pd.DataFrame(columns=["lead_id", "owner_id", "clock", "since"])
    return kept[_between(micros(kept["since"]), period) & kept["owner_id"].notna().to_numpy()]


def _kept_counts(kept: pd.DataFrame | None, period: Period) -> pd.DataFrame:
    """Per owner, the due (and never met) counts of the breaches reassignments left with
    them, in the period their obligation started."""
    columns = [c for names in _KEPT_COUNTS.values() for c in names]
    if kept is None or not len(kept):
        return pd.DataFrame(columns=columns, dtype="int64")
    inside = kept_in(kept, period)
    table = pd.DataFrame(
        {
            name: (inside["clock"] == clock).astype("int64").groupby(inside["owner_id"]).sum()
            for clock, names in _KEPT_COUNTS.items()
            for name in names
        }
    )
    table.index = table.index.astype("int64")
    return table.reindex(columns=columns).fillna(0).astype("int64")


def _add_kept(table: pd.DataFrame, counts: pd.DataFrame) -> pd.DataFrame:
    """`table` (rows per owner) with the kept breaches' counts added (new owners appear)."""
    if counts.empty:
        return table
    rows = table.index.union(counts.index)
    out = table.reindex(rows).fillna(0)
    for column in counts.columns:
        out[column] = out[column] + counts[column].reindex(rows).fillna(0)
    return out.astype({c: "int64" for c in out.columns if c != "conversion_pct"})


def add_kept(table: pd.DataFrame, kept: pd.DataFrame | None, period: Period) -> pd.DataFrame:
    """Per-owner counts `table` with the breaches reassignments left with them in `period`
    added, due and not met (what `service_levels(..., by="owner_id", kept=)` adds)."""
    return _add_kept(table, _kept_counts(kept, period))


def with_conversion(table: pd.DataFrame) -> pd.DataFrame:
    """Per-group counts (the columns of `LEVEL_COLUMNS` but conversion) with conversion
    worked out, in `LEVEL_COLUMNS` order (changes `table`)."""
    return _with_conversion(table)


def _with_conversion(table: pd.DataFrame) -> pd.DataFrame:
    received = table["mqls_received"].where(table["mqls_received"] > 0)
    table["conversion_pct"] = (100.0 * table["converted"] / received).astype("float64")
    return table[list(LEVEL_COLUMNS)]


def service_levels(
    leads: pd.DataFrame,
    content: AgreementContent,
    period: Period,
    ref: datetime,
    by: str | None = "owner_id",
    *,
    setup: WorkSetup | None = None,
    clocks: pd.DataFrame | None = None,
    team_of: Mapping[int, int | None] | None = None,
    kept: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Counts per service level in `period`, one row per value of `by` (None: one row "all").

    - mqls: leads that became new MQLs in the period (marketing's volume; group by
      "marketer_id" for marketers); re-qualified backlog leads are counted beside it
      (`cohorts.requalified_in`), never inside.
    - mqls_received: leads assigned to the group in the period; exempt: of those, the
      ones that did not meet the MQL definition in force at hand-off.
    - disposition_due / dispositioned_in_time: received, not exempt, whose disposition
      clock is met or breached / met (dispositioned within the window).
    - worked_due / worked_in_time: MQLs of the period, not exempt, whose work-within clock
      is met or breached / met (first touch or disposition within N business days).
    - follow_up_due / follow_up_met: the same MQLs whose follow-up duty is settled or
      overdue / settled (enough touches, or qualified or disqualified).
    - unworked: the same MQLs whose work window closed with no touch and no disposition.
    - opportunities: opportunities opened in the period; won: deals won in the period.
    - converted: of the leads received in the period, those won so far (the cohort).
    - conversion_pct: converted / mqls_received x 100, at most 100 (NaN when nothing was
      received).
    - disposition_running / worked_running / follow_up_running: the same cohorts' clocks
      still running at `ref` (neither met nor breached yet).
    - at_risk / overdue: leads, whatever their period, still owed an action at `ref`
      whose worst clock is at risk / breached.
    Groups with nothing counted do not appear; unassigned leads count only in "all".
    by="team_id" uses the frame's team_id column, else `team_of` (or `setup.team_of`).
    `clocks` may pass `lead_clocks(leads, content, ref, setup)` already computed.
    `kept`: the breaches reassignments left with previous owners (`reassign.kept_breaches`),
    counted due and not met for them (by owner, team and for everyone; not per marketer).
    """
    if clocks is None:
        clocks = lead_clocks(leads, content, ref, setup)
    counts = count_masks(leads, clocks, period, kept)
    extra = _kept_counts(kept, period)
    if by is None:
        return _everyone(counts, extra)
    if by == "team_id" and by not in leads:
        teams = team_of if team_of is not None else (setup.team_of if setup else None)
        if teams is None:
            raise ValueError("per team needs a team_id column or team_of (owner -> team)")
        return _teams(_add_kept(_grouped(counts, leads["owner_id"]), extra), teams)
    if by not in leads:
        raise ValueError(f"the leads have no {by!r} column to group by")
    grouped = _grouped(counts, leads[by])
    return _with_conversion(_add_kept(grouped, extra) if by == "owner_id" else grouped)


def _everyone(counts: dict[str, np.ndarray], extra: pd.DataFrame | None = None) -> pd.DataFrame:
    return _everyone_of({k: int(v.sum()) for k, v in counts.items()}, extra)


def _everyone_of(totals: Mapping[str, int], extra: pd.DataFrame | None = None) -> pd.DataFrame:
    table = pd.DataFrame({k: [v] for k, v in totals.items()}, index=[ALL])
    table.index.name = ALL
    if extra is not None and not extra.empty:
        for column in extra.columns:
            table[column] += int(extra[column].sum())
    return _with_conversion(table)


def _teams(reps: pd.DataFrame, team_of: Mapping[int, int | None]) -> pd.DataFrame:
    """Rep rows summed per team (every count is additive; conversion is recomputed)."""
    team = pd.Series([team_of.get(int(o)) for o in reps.index], index=reps.index, dtype="Int64")
    rolled = reps.drop(columns="conversion_pct", errors="ignore")
    rolled = rolled.groupby(team.rename("team_id"), dropna=True).sum()
    rolled.index = rolled.index.astype("int64")
    return _with_conversion(rolled)


def levels_by_period(
    leads: pd.DataFrame,
    clocks: pd.DataFrame,
    spans: list[Period],
    *,
    kept: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """`service_levels(..., by=None)` of each of `spans` (periods that do not overlap), one
    row per period by position, from one pass over the leads (`cohorts.period_counts`)."""
    placed = cohorts.place(leads, spans)
    table = cohorts.period_counts(placed, cohorts.conditions(leads, clocks, kept))
    return period_levels(table, spans, kept=kept)


def period_levels(
    counts: pd.DataFrame, spans: list[Period], *, kept: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The levels of `spans` from their counts (`cohorts.period_counts` or a `tally.Tally`'s
    table, one row per period by position): the kept breaches added, conversion worked out."""
    table = counts.copy()
    for row, span in enumerate(spans):
        extra = _kept_counts(kept, span)
        for column in extra.columns:
            table.loc[row, column] += int(extra[column].sum())
    return _with_conversion(table)


@dataclass(frozen=True)
class Scopes:
    """Service levels per rep, per team and for everyone, from one pass over the leads."""

    reps: pd.DataFrame
    teams: pd.DataFrame
    everyone: pd.DataFrame


def levels_by_scope(
    leads: pd.DataFrame,
    content: AgreementContent,
    period: Period,
    ref: datetime,
    *,
    team_of: Mapping[int, int | None],
    clocks: pd.DataFrame | None = None,
    setup: WorkSetup | None = None,
    kept: pd.DataFrame | None = None,
    counted: tally.ByOwner | None = None,
) -> Scopes:
    """`service_levels` by owner, by team and for everyone at once (same rules).

    `counted`: `tally.by_owner` of the same leads, clocks, period and breaches, kept up to
    date lead by lead (the counts are then read from it)."""
    extra = _kept_counts(kept, period)
    if counted is not None:
        reps = _with_conversion(_add_kept(counted.table(), extra))
        return Scopes(reps, _teams(reps, team_of), _everyone_of(counted.everyone(), extra))
    if clocks is None:
        clocks = lead_clocks(leads, content, ref, setup)
    counts = count_masks(leads, clocks, period, kept)
    reps = _with_conversion(_add_kept(_grouped(counts, leads["owner_id"]), extra))
    return Scopes(reps=reps, teams=_teams(reps, team_of), everyone=_everyone(counts, extra))


# Marketing's side: an MQL counts for the marketer who produced it, in the month it became
# an MQL. Sales accepted it once it reached SAL or later; decided on it once accepted,
# disqualified or returned to nurture. MQL quality = accepted / decided.
ACCEPTED_STAGES = frozenset({Stage.SAL, Stage.SQL, Stage.OPPORTUNITY, Stage.WON, Stage.LOST})
TURNED_DOWN_STAGES = frozenset({Stage.DISQUALIFIED, Stage.NURTURE})
MARKETING_COLUMNS: tuple[str, ...] = ("mqls", "accepted", "decided", "undecided", "quality_pct")


def sales_verdict(stage: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Per lead: whether sales accepted it (SAL or later) and whether it decided on it
    (accepted, disqualified or returned to nurture): the rule of MQL quality everywhere."""
    if isinstance(stage.dtype, pd.CategoricalDtype):  # judge each category once, not each lead
        accepted, decided = sales_verdict(pd.Series(stage.cat.categories))
        codes = stage.cat.codes.to_numpy()
        known = codes >= 0
        return known & accepted[codes], known & decided[codes]
    text = stage.astype("string")
    accepted = text.isin([s.value for s in ACCEPTED_STAGES]).to_numpy(dtype=bool, na_value=False)
    turned = text.isin([s.value for s in TURNED_DOWN_STAGES]).to_numpy(dtype=bool, na_value=False)
    return accepted, accepted | turned


# The columns marketing's figures read of a lead: a write that leaves them alone leaves
# the figures as they were (`Shared.memo(reads=...)`).
MARKETING_READS: tuple[str, ...] = ("mql_at", "marketer_id", "stage", "requalified_at")


def marketing_masks(leads: pd.DataFrame, period: Period) -> dict[str, np.ndarray]:
    """Per lead: a new MQL of the period with a marketer (not re-qualified from the backlog),
    accepted by sales, decided on."""
    produced = (
        _between(column_micros(leads, "mql_at"), period)
        & np.asarray(leads["marketer_id"].notna().to_numpy(dtype=bool))
        & ~cohorts.requalified(leads)  # counted beside the new MQLs, not inside
    )
    accepted, decided = sales_verdict(leads["stage"])
    turned = decided & ~accepted
    return {
        "mqls": produced,
        "accepted": produced & accepted,
        "decided": produced & (accepted | turned),
        "undecided": produced & ~(accepted | turned),
    }


def marketing_levels(
    leads: pd.DataFrame, period: Period, by: str | None = "marketer_id"
) -> pd.DataFrame:
    """Marketing's levels of `period`, one row per marketer (by=None: one row "all"):
    MQLs produced, accepted by sales, decided on, still undecided, and MQL quality
    (accepted / decided x 100, NaN while nothing was decided)."""
    masks = marketing_masks(leads, period)
    if by is None:
        table = pd.DataFrame({k: [int(v.sum())] for k, v in masks.items()}, index=[ALL])
        table.index.name = ALL
    else:
        table = _grouped(masks, leads[by])
    decided = table["decided"].where(table["decided"] > 0)
    table["quality_pct"] = (100.0 * table["accepted"] / decided).astype("float64")
    return table[list(MARKETING_COLUMNS)]
