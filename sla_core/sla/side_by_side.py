"""Every rep (or team) against every service level of a period, side by side.

The figures are the gauges' own: the ledger (`levels.levels_by_scope`,
`levels.marketing_levels`) counted once for everyone, then banded by `gauges.gauge_table`
and `gauges.marketing_gauge_table`, exactly as `views.scope_gauges` bands one scope. Each
side shows its own people with its own levels: sales reps (or sales teams) on sales'
levels, marketers (or marketing teams) on MQL volume and quality. Who counts is the
roster rule (`views.Heads`: active, placed people).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import pandas as pd

from sla_core.periods import Period
from sla_core.sla import tally
from sla_core.sla.gauges import (
    GAUGE_COLUMNS,
    MARKETING_GAUGES,
    GaugeLevel,
    gauge_table,
    marketing_gauge_table,
    pace_of,
)
from sla_core.sla.levels import LEVEL_COLUMNS, levels_by_scope, marketing_levels
from sla_core.sla.views import Heads
from sla_core.terms import AgreementContent


class Side(StrEnum):
    SALES = "sales"
    MARKETING = "marketing"


class Grouping(StrEnum):
    PEOPLE = "people"
    TEAMS = "teams"


# Sales' own levels (MQL volume and quality are marketing's).
SALES_LEVELS: tuple[GaugeLevel, ...] = (
    GaugeLevel.DISPOSITION,
    GaugeLevel.WORKED,
    GaugeLevel.FOLLOW_UP,
    GaugeLevel.CONVERSION,
    GaugeLevel.OPPORTUNITIES,
    GaugeLevel.UNWORKED,
)
LEVELS: dict[Side, tuple[GaugeLevel, ...]] = {
    Side.SALES: SALES_LEVELS,
    Side.MARKETING: MARKETING_GAUGES,
}


@dataclass(frozen=True)
class Inputs:
    """What the board is counted from: the leads in view, their clocks, the agreement."""

    leads: pd.DataFrame
    clocks: pd.DataFrame
    content: AgreementContent
    period: Period
    ref: datetime
    kept: pd.DataFrame | None = None
    counted: tally.ByOwner | None = None  # `tally.by_owner` of the same, kept lead by lead


@dataclass(frozen=True)
class Board:
    """One row per group and level (`gauges.GAUGE_COLUMNS`, `group` the person or team id),
    the groups in order, and whether the period is still running (`pace` < 1)."""

    gauges: pd.DataFrame
    groups: tuple[int, ...]
    levels: tuple[GaugeLevel, ...]
    pace: float

    @property
    def running(self) -> bool:
        """Whether the period is still running (figures so far, counts pro-rated)."""
        return self.pace < 1.0


def board(
    data: Inputs,
    heads: Heads,
    *,
    side: Side,
    grouping: Grouping,
    teams: Mapping[int, str] | None = None,
) -> Board:
    """The side's people (or `teams`, id -> name) against the side's levels.

    People: the side's counted people (`heads.reps` or `heads.marketers`), each counted
    for one head as their own gauges are. Teams: each team's counted people set its
    targets; its figures are its members' leads.
    """
    pace = pace_of(data.period.start, data.period.end, data.ref)
    members = heads.reps if side is Side.SALES else heads.marketers
    if grouping is Grouping.PEOPLE:
        groups = tuple(sorted(members))
        heads_of = dict.fromkeys(groups, 1)
    else:
        groups = tuple(teams or ())
        heads_of = {t: sum(1 for p in members if heads.team_of.get(p) == t) for t in groups}
    if side is Side.SALES:
        table = _sales(data, heads, grouping, groups, heads_of, pace)
    else:
        table = _marketing(data, heads, grouping, groups, heads_of, pace)
    return Board(table, groups, LEVELS[side], pace)


def _zero_filled(table: pd.DataFrame, groups: tuple[int, ...]) -> pd.DataFrame:
    """`table` with a row for every group: a group with nothing counted counts 0 (its
    rates stay NaN: nothing was judged)."""
    out = table.reindex(pd.Index(groups, dtype="int64"))
    counts = [c for c in out.columns if not c.endswith("_pct")]
    out[counts] = out[counts].fillna(0).astype("int64")
    return out


def _sales(
    data: Inputs,
    heads: Heads,
    grouping: Grouping,
    groups: tuple[int, ...],
    heads_of: Mapping[int, int],
    pace: float,
) -> pd.DataFrame:
    scopes = levels_by_scope(
        data.leads,
        data.content,
        data.period,
        data.ref,
        team_of=heads.team_of,
        clocks=data.clocks,
        kept=data.kept,
        counted=data.counted,
    )
    found = scopes.reps if grouping is Grouping.PEOPLE else scopes.teams
    levels = _zero_filled(found[list(LEVEL_COLUMNS)], groups)
    table = gauge_table(
        levels,
        data.content,
        reps=pd.Series(heads_of, dtype="int64"),
        marketers=pd.Series(0, index=levels.index, dtype="int64"),
        pace=pace,
    )
    return table[table["level"].isin([lv.value for lv in SALES_LEVELS])].reset_index(drop=True)


def _marketing(
    data: Inputs,
    heads: Heads,
    grouping: Grouping,
    groups: tuple[int, ...],
    heads_of: Mapping[int, int],
    pace: float,
) -> pd.DataFrame:
    leads = data.leads
    if grouping is Grouping.TEAMS:
        team = leads["marketer_id"].map(dict(heads.team_of))  # a dict maps in one pass
        leads = leads.assign(marketing_team=team.astype("Int64"))
    by = "marketer_id" if grouping is Grouping.PEOPLE else "marketing_team"
    produced = marketing_levels(leads, data.period, by)
    produced.index = produced.index.astype("int64")
    parts = []
    for group in groups:
        mine = produced.loc[[group]] if group in produced.index else produced.iloc[:0]
        one = marketing_gauge_table(mine, data.content, marketers=heads_of[group], pace=pace)
        parts.append(one.assign(group=group))
    if not parts:
        return pd.DataFrame(columns=list(GAUGE_COLUMNS))
    return pd.concat(parts, ignore_index=True)[list(GAUGE_COLUMNS)]


def wide(found: Board, names: Mapping[int, str]) -> pd.DataFrame:
    """One row per group: `name`, then per level its value (`<level>`), band
    (`<level>_band`), done, due and still running (`<level>_done`, ...), in level order."""
    frame = pd.DataFrame(
        {"name": [names.get(g, f"#{g}") for g in found.groups]},
        index=pd.Index(found.groups, dtype="int64", name="id"),
    )
    gauges = found.gauges.set_index(["group", "level"])
    for level in found.levels:
        rows = gauges.xs(level.value, level="level").reindex(frame.index)
        frame[level.value] = rows["value"].astype("float64")
        frame[f"{level.value}_band"] = rows["band"].astype("string")
        for part in ("done", "due", "running"):
            frame[f"{level.value}_{part}"] = rows[part].astype("int64")
    return frame.reset_index()
