"""What the compliance page shows for one scope: gauges, lists, trends, the leads behind.

A scope is the whole company, one sales team or one rep. Every figure uses the same
rules as `levels.service_levels`, on the scope's leads.

Long because the gauges, the lists behind them and the trends of one scope share its mask
and the counts kept per lead (`tally`): split apart, each would choose its leads again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import numpy as np
import pandas as pd

from sla_core.periods import Period, PeriodKind, zone_info
from sla_core.sla import tally
from sla_core.sla.gauges import GaugeLevel, gauge_table, marketing_gauge_table, pace_of
from sla_core.sla.levels import (
    ALL,
    count_masks,
    levels_by_period,
    marketing_levels,
    marketing_masks,
    period_levels,
    service_levels,
)
from sla_core.sla.queue import CLOCK_INPUTS, LEAD_INPUTS, work_queue
from sla_core.sla.tally import Tally
from sla_core.terms import AgreementContent


class ScopeKind(StrEnum):
    COMPANY = "company"
    TEAM = "team"
    REP = "rep"
    MARKETER = "marketer"
    MARKETING_TEAM = "marketing_team"


# Scopes on marketing's side: measured on MQL volume and quality, never on sales' levels.
MARKETING_SCOPES = frozenset({ScopeKind.MARKETER, ScopeKind.MARKETING_TEAM})


@dataclass(frozen=True)
class Scope:
    kind: ScopeKind = ScopeKind.COMPANY
    id: int | None = None


@dataclass(frozen=True)
class Heads:
    """Who is counted for targets: active sales reps and marketers, and each one's team."""

    reps: frozenset[int]
    marketers: frozenset[int]
    team_of: Mapping[int, int | None]


def scope_mask(leads: pd.DataFrame, scope: Scope, heads: Heads) -> np.ndarray:
    """Which leads belong to the scope: all, the team's reps' leads, or one rep's."""
    if scope.kind is ScopeKind.COMPANY:
        return np.ones(len(leads), dtype=bool)
    members = _members(scope, heads)
    whose = "marketer_id" if scope.kind in MARKETING_SCOPES else "owner_id"
    return np.asarray(leads[whose].isin(members).fillna(False).to_numpy(dtype=bool))


def _members(scope: Scope, heads: Heads) -> list[int | None]:
    """The people of a rep, marketer or team scope."""
    if scope.kind in (ScopeKind.REP, ScopeKind.MARKETER):
        return [scope.id]
    return [p for p, t in heads.team_of.items() if t == scope.id]


def scope_gauges(
    leads: pd.DataFrame,
    clocks: pd.DataFrame,
    content: AgreementContent,
    period: Period,
    ref: datetime,
    scope: Scope,
    heads: Heads,
    kept: pd.DataFrame | None = None,
    counted: Tally | None = None,
) -> pd.DataFrame:
    """One gauge row per service level for the scope (see gauges.gauge_table); a marketer
    or a marketing team gets marketing's two gauges (`gauges.marketing_gauge_table`).

    `kept`: the breaches reassignments left with previous owners (`reassign.kept_breaches`);
    those of the scope's people count for them. `counted`: `gauge_tally` of the same
    leads, clocks, period, scope and breaches (the levels are then read from it).
    """
    mask = scope_mask(leads, scope, heads)
    pace = pace_of(period.start, period.end, ref)
    if scope.kind in MARKETING_SCOPES:
        if scope.kind is ScopeKind.MARKETER:
            sellers = 1
        else:
            sellers = sum(1 for m in heads.marketers if heads.team_of.get(m) == scope.id)
        produced = marketing_levels(leads.loc[mask], period, None)
        return marketing_gauge_table(produced, content, marketers=sellers, pace=pace)
    levels = scope_levels(leads, clocks, content, period, ref, scope, heads, kept, counted, mask)
    if scope.kind is ScopeKind.COMPANY:
        reps, marketers = len(heads.reps), len(heads.marketers)
    elif scope.kind is ScopeKind.TEAM:
        reps = sum(1 for r in heads.reps if heads.team_of.get(r) == scope.id)
        marketers = 0
    else:
        reps, marketers = 1, 0
    return gauge_table(
        levels,
        content,
        reps=pd.Series({ALL: reps}),
        marketers=pd.Series({ALL: marketers}),
        pace=pace,
    )


def scope_levels(
    leads: pd.DataFrame,
    clocks: pd.DataFrame,
    content: AgreementContent,
    period: Period,
    ref: datetime,
    scope: Scope,
    heads: Heads,
    kept: pd.DataFrame | None = None,
    counted: Tally | None = None,
    mask: np.ndarray | None = None,
) -> pd.DataFrame:
    """The sales scope's service levels in `period` (`levels.service_levels`, one row "all"):
    what its gauges show, and the Overview's figures. `counted`: `gauge_tally` of the same
    inputs (the levels are then read from it); `mask`: `scope_mask` when already made."""
    kept = scope_kept(kept, scope, heads)
    if counted is not None:  # the same counts, kept up to date lead by lead
        levels = period_levels(counted.table, [period], kept=kept)
        levels.index = pd.Index([ALL], name=ALL)
        return levels
    mask = scope_mask(leads, scope, heads) if mask is None else mask
    if mask.all():  # the whole company: no copy of every lead
        return service_levels(leads, content, period, ref, None, clocks=clocks, kept=kept)
    return service_levels(
        leads.loc[mask], content, period, ref, None, clocks=clocks.loc[mask], kept=kept
    )


def scope_kept(kept: pd.DataFrame | None, scope: Scope, heads: Heads) -> pd.DataFrame | None:
    """The breaches reassignments left with the scope's people (all for the company)."""
    if kept is not None and scope.kind is not ScopeKind.COMPANY:
        return kept[kept["owner_id"].isin(_members(scope, heads))]
    return kept


def gauge_tally(
    leads: pd.DataFrame,
    clocks: pd.DataFrame,
    period: Period,
    scope: Scope,
    heads: Heads,
    kept: pd.DataFrame | None = None,
) -> Tally:
    """What the scope's sales gauges count (`scope_gauges(..., counted=)`), kept per lead
    so that a write updates it (`regauge`) instead of counting every lead again."""
    mask = scope_mask(leads, scope, heads)
    return tally.tally(leads, clocks, [period], mask, scope_kept(kept, scope, heads))


def regauge(
    old: Tally,
    fresh: tuple[np.ndarray, np.ndarray],
    leads: pd.DataFrame,
    clocks: pd.DataFrame,
    scope: Scope,
    heads: Heads,
    kept: pd.DataFrame | None = None,
) -> Tally:
    """`old` (a `gauge_tally` or a trend's `scope_tally`) brought to `leads` and `clocks`;
    `fresh`: `Shared.fresh_rows(old.index, leads)` (where each lead was, which changed)."""
    take, rows = fresh
    mask = scope_mask(leads.iloc[rows], scope, heads)
    return tally.retally(old, leads, clocks, take, rows, mask, scope_kept(kept, scope, heads))


def scope_tally(
    leads: pd.DataFrame, clocks: pd.DataFrame, spans: list[Period], scope: Scope, heads: Heads
) -> Tally:
    """The counts of a trend's `spans` over the scope's leads, kept per lead (`regauge`)."""
    return tally.tally(leads, clocks, spans, scope_mask(leads, scope, heads))


# A list on the Compliance page shows at most this many leads, the first in its order; the
# page says how many there are (each rep's Work queue holds every one of theirs).
LIST_LIMIT = 500


@dataclass(frozen=True)
class Listed:
    """The first `LIST_LIMIT` leads of a list (`shown`) and how many it holds (`total`)."""

    shown: pd.DataFrame
    total: int


def attention(leads: pd.DataFrame, clocks: pd.DataFrame, ref: datetime, scope_rows: np.ndarray,
              status: str, limit: int = LIST_LIMIT) -> Listed:  # fmt: skip
    """Open leads of the scope whose worst clock is `status` (at_risk or breached), in the
    Work queue's order: at risk, the nearest deadline first; breached, the latest breach
    first (then by id). The first `limit` of them go through the queue, not every lead."""
    picked = (
        np.asarray(scope_rows, dtype=bool)
        & clocks["open"].to_numpy(dtype=bool)
        & (clocks["status"] == status).to_numpy(dtype=bool, na_value=False)
    )
    rows = np.flatnonzero(picked)
    total = len(rows)
    if total > limit:  # `work_queue`'s order within one status: deadline (latest breach), id
        deadline = clocks["next_deadline"].to_numpy(dtype="datetime64[ns]")[rows]
        ticks = deadline.astype("int64").astype(float)
        ticks[np.isnat(deadline)] = np.inf if status != "breached" else -np.inf
        first = np.lexsort(
            (leads["id"].to_numpy()[rows], -ticks if status == "breached" else ticks)
        )
        rows = np.sort(rows[first[:limit]])
    wanted = [c for c in LEAD_INPUTS if c in leads]  # not a copy of every column
    queue = work_queue(leads[wanted].take(rows), clocks[list(CLOCK_INPUTS)].take(rows), ref)
    return Listed(queue.drop(columns=["late"]), total)


# Which counts of `levels._counts` stand behind each gauge: (the leads judged, those met).
BEHIND: dict[GaugeLevel, tuple[str, str]] = {
    GaugeLevel.DISPOSITION: ("disposition_due", "dispositioned_in_time"),
    GaugeLevel.WORKED: ("worked_due", "worked_in_time"),
    GaugeLevel.FOLLOW_UP: ("follow_up_due", "follow_up_met"),
    GaugeLevel.CONVERSION: ("mqls_received", "converted"),
    GaugeLevel.OPPORTUNITIES: ("opportunities", "opportunities"),
    GaugeLevel.UNWORKED: ("unworked", "unworked"),
    GaugeLevel.MQL_VOLUME: ("mqls", "mqls"),
    GaugeLevel.MQL_QUALITY: ("decided", "accepted"),
}


# What the list of the leads behind a gauge shows of them and of their clocks.
BEHIND_LEADS = ("id", "first_name", "last_name", "company", "owner_id", "stage")
BEHIND_CLOCKS = ("disposition_status", "work_status", "follow_up_status", "follow_ups_made")


def leads_behind(
    leads: pd.DataFrame,
    clocks: pd.DataFrame,
    period: Period,
    level: GaugeLevel,
    scope_rows: np.ndarray,
    counted: Tally | None = None,
) -> pd.DataFrame:
    """The leads a gauge counts, with whether each met the level (misses first).

    `counted`: a `gauge_tally` of the same leads, clocks, period and scope counted with no
    kept breaches (the counts are then read from it instead of counting every lead).
    """
    judged_name, met_name = BEHIND[level]
    if level is GaugeLevel.MQL_QUALITY:
        counts = marketing_masks(leads, period)
    elif counted is not None:
        counts = {name: tally.holds(counted, name, 0) for name in (judged_name, met_name)}
    else:
        counts = count_masks(leads, clocks, period)
    rows = np.flatnonzero(np.asarray(counts[judged_name] & scope_rows, dtype=bool))
    # only the columns the list shows: a copy of every column of thousands of leads is not
    picked = leads[list(BEHIND_LEADS)].take(rows)
    times = clocks[list(BEHIND_CLOCKS)].take(rows)
    met = np.asarray(counts[met_name], dtype=bool)[rows]
    name = (
        picked["first_name"].fillna("").astype(str)
        + " "
        + picked["last_name"].fillna("").astype(str)
    ).str.strip()
    out = pd.DataFrame(
        {
            "id": picked["id"].astype("int64"),
            "name": name,
            "company": picked["company"],
            "owner_id": picked["owner_id"],
            "stage": picked["stage"],
            "met": met,
            "disposition": times["disposition_status"].astype(str),
            "worked": times["work_status"].astype(str),
            "follow_up": times["follow_up_status"].astype(str),
            "touches": times["follow_ups_made"],
        }
    )
    return out.sort_values(["met", "id"]).reset_index(drop=True)


def weeks_up_to(ref: datetime, count: int, *, zone: str, week_start: int) -> list[Period]:
    """The `count` weeks (local midnight to midnight, starting on `week_start`, 0 = Monday)
    ending with the one that contains `ref`, oldest first."""
    local = pd.Timestamp(ref).tz_convert(zone_info(zone))
    day = local.normalize().tz_localize(None)
    first = day - timedelta(days=(day.weekday() - week_start) % 7)
    out = []
    for back in range(count - 1, -1, -1):
        start = first - timedelta(weeks=back)
        out.append(
            Period(
                pd.Timestamp(start, tz=zone_info(zone)).tz_convert("UTC"),
                pd.Timestamp(start + timedelta(weeks=1), tz=zone_info(zone)).tz_convert("UTC"),
                f"{start:%Y-%m-%d}",
                PeriodKind.MONTH,
                zone=zone,
            )
        )
    return out


TREND_LEVELS = (
    GaugeLevel.DISPOSITION,
    GaugeLevel.WORKED,
    GaugeLevel.FOLLOW_UP,
    GaugeLevel.CONVERSION,
)


def trend(
    leads: pd.DataFrame,
    clocks: pd.DataFrame,
    content: AgreementContent,
    spans: list[Period],
    ref: datetime,
) -> pd.DataFrame:
    """The percentage levels per period (label, start, level, value; value NaN if none due).

    Every period's levels come from one pass over the leads (`levels.levels_by_period`,
    the rules of `service_levels`).
    """
    return trend_of(levels_by_period(leads, clocks, spans), content, spans)


def tally_trend(counted: Tally, content: AgreementContent) -> pd.DataFrame:
    """`trend`'s rows from a `scope_tally` (kept up to date lead by lead)."""
    return trend_of(period_levels(counted.table, counted.spans), content, counted.spans)


def trend_of(levels: pd.DataFrame, content: AgreementContent, spans: list[Period]) -> pd.DataFrame:
    """`trend`'s rows from the levels of `spans` (one row per period by position, as
    `levels.levels_by_period` or `levels.period_levels` of a `tally.Tally` give them); the
    gauges of every period come from one `gauge_table` (a row each)."""
    gauges = gauge_table(levels, content, reps=pd.Series(dtype="int64"),
                         marketers=pd.Series(dtype="int64"))  # fmt: skip
    rows = []
    for position, span in enumerate(spans):
        mine = gauges[gauges["group"] == position]
        for level in TREND_LEVELS:
            value = mine.loc[mine["level"] == level.value, "value"].iloc[0]
            rows.append({"period": span.label, "start": span.start, "level": level.value,
                         "value": value})  # fmt: skip
    return pd.DataFrame(rows, columns=["period", "start", "level", "value"])


@dataclass(frozen=True)
class Joint:
    """Did both sides keep the SLA in a period? Levels on target (green) of those judged."""

    sales_kept: int
    sales_judged: int
    marketing_kept: int
    marketing_judged: int

    @property
    def both_kept(self) -> bool:
        return (self.sales_kept, self.marketing_kept) == (self.sales_judged, self.marketing_judged)


def joint_figure(
    sales: pd.DataFrame,
    leads: pd.DataFrame,
    content: AgreementContent,
    period: Period,
    ref: datetime,
    heads: Heads,
    produced: pd.DataFrame | None = None,
) -> Joint:
    """The company's sales gauges (`sales`: `scope_gauges` for the company) and marketing's
    two, counted as levels on target (green) of the levels with something judged: the
    "both sides kept the SLA" figure. `produced`: `marketing_levels(leads, period, None)`
    when the caller keeps it."""
    if produced is None:
        produced = marketing_levels(leads, period, None)
    marketing = marketing_gauge_table(
        produced,
        content,
        marketers=len(heads.marketers),
        pace=pace_of(period.start, period.end, ref),
    )

    def kept(gauges: pd.DataFrame) -> tuple[int, int]:
        judged = gauges[gauges["band"] != "none"]
        return int((judged["band"] == "green").sum()), len(judged)

    (s_kept, s_judged), (m_kept, m_judged) = kept(sales), kept(marketing)
    return Joint(s_kept, s_judged, m_kept, m_judged)
