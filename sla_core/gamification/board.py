"""The board of one period: service levels -> percent-to-goal -> points -> standings.

`compute_board` is pure: leads, people, the period, its rules, the manager adjustments
and a reference instant in; the same inputs always give the same board.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pandas as pd

from sla_core.gamification import goals, levels, points, standings, tally
from sla_core.gamification.rulebook import PeriodRules
from sla_core.i18n.languages import N_
from sla_core.i18n.message import Message
from sla_core.models import Role
from sla_core.periods import Period, PeriodKind
from sla_core.sla import shared_clocks
from sla_core.terms import MARKETING_LEVELS, PointLevel

SALES_ROLES = frozenset({Role.SALES_REP.value})
MARKETING_ROLES = frozenset({Role.MARKETER.value})
SALES_WANTED = set(PointLevel) - MARKETING_LEVELS
MARKETING_WANTED = set(MARKETING_LEVELS)


@dataclass(frozen=True)
class Board:
    """One period's standings, the per-level scores behind them, and what to say about them."""

    period: Period
    rules: PeriodRules
    people: pd.DataFrame
    teams: pd.DataFrame
    scored: pd.DataFrame
    settles_at: pd.Timestamp
    notes: list[str] = field(default_factory=list)


def present_share(people: pd.DataFrame, period: Period) -> pd.Series:
    """Per person id: the share of the period after they joined (1 = here all along)."""
    joined = pd.to_datetime(people["joined_at"], utc=True)
    start = joined.where(joined > period.start, period.start)
    length = (period.end - period.start).total_seconds()
    share = ((period.end - start).dt.total_seconds() / length).clip(0.0, 1.0)
    return pd.Series(share.to_numpy(), index=people["id"].astype("int64"))


def _months(period: Period) -> int:
    return 1 if period.kind is PeriodKind.MONTH else 3


@dataclass(frozen=True)
class Slot:
    """One period to score in a batch: its rules, adjustments, clocks and leads mask, and
    the breaches reassignments left with the owners who missed them."""

    period: Period
    rules: PeriodRules
    adjustments: pd.Series
    clocks: pd.DataFrame
    mask: np.ndarray | None  # the leads touching the period (`levels.touching`)
    kept: pd.DataFrame | None = None  # `reassign.kept_breaches`, counted for those owners


def slot_counts(counted: pd.DataFrame, slot: Slot, ref: datetime) -> tally.SlotCounts:
    """What a board counts of one slot's leads (`counted`: `levels.counted_columns`): sales'
    levels per owner, marketing's per marketer and the cohort's latest deadline."""
    mask = slot.mask if slot.mask is not None else levels.touching(counted, slot.period)
    sub, clocks = counted[mask], slot.clocks[mask]
    return tally.SlotCounts(
        levels.sales_levels(sub, slot.rules.content, slot.period, ref, clocks, slot.kept),
        levels.marketing_levels(sub, slot.period),
        last_deadline(sub, clocks, slot.period),
    )


def settles_at(leads: pd.DataFrame, clocks: pd.DataFrame, period: Period) -> pd.Timestamp:
    """When the last SLA clock of the period's leads runs out (never before the period ends)."""
    return settled(last_deadline(leads, clocks, period), period)


def last_deadline(leads: pd.DataFrame, clocks: pd.DataFrame, period: Period) -> int | None:
    """The latest deadline (epoch micros) of the leads assigned or made MQLs in `period`."""
    cohort = (period.contains(leads["assigned_at"]) | period.contains(leads["mql_at"])).to_numpy()
    last = pd.concat(
        [clocks.loc[cohort, "disposition_deadline"], clocks.loc[cohort, "work_deadline"]]
    ).max()
    return None if pd.isna(last) else int(pd.Timestamp(last).value // 1000)


def settled(last: int | None, period: Period) -> pd.Timestamp:
    """When a period settles: its latest deadline `last` (epoch micros), never before it ends."""
    if last is None:
        return pd.Timestamp(period.end)
    return max(pd.Timestamp(last, unit="us", tz="UTC"), period.end)


def _keyed(frame: pd.DataFrame, slot: int) -> pd.DataFrame:
    out = frame.copy(deep=False)
    out.index = (slot << standings.SHIFT) | frame.index.to_numpy(dtype="int64")
    return out


def _players(people: pd.DataFrame, slot: int, period: Period) -> pd.DataFrame:
    share = present_share(people, period).to_numpy()
    keys = (slot << standings.SHIFT) | people["id"].to_numpy(dtype="int64")
    here = share > 0
    return pd.DataFrame(
        {
            "key": keys[here],
            "role": people["role"].to_numpy()[here],
            "share": share[here],
            "months": _months(period),
            "version": 0,
        }  # fmt: skip
    )


def compute_boards(
    leads: pd.DataFrame,
    people: pd.DataFrame,
    slots: list[Slot],
    ref: datetime,
    counts: list[tally.SlotCounts] | None = None,
) -> list[Board]:
    """Score every sales rep and marketer present in each slot's period and rank them (pure).

    All slots are scored and ranked in one pass (a year of months costs little more than
    one). Reps are scored on sales' levels, marketers on marketing's; a person who joined
    after a period ended is left out of it. Each slot's `clocks` are
    `shared_clocks.clocks_for(leads, rules.content, ref, setup)`. `counts`: each slot's
    `slot_counts`, when kept up to date elsewhere (`gamification.tally`).
    """
    if counts is None:
        counted = levels.counted_columns(leads)
        counts = [slot_counts(counted, slot, ref) for slot in slots]
    metrics, players, settles = [], [], []
    for number, (slot, found) in enumerate(zip(slots, counts, strict=True)):
        metrics.append(_keyed(found.sales, number))
        metrics.append(_keyed(found.marketing, number))
        players.append(_players(people, number, slot.period).assign(version=slot.rules.version_id))
        settles.append(settled(found.last, slot.period))
    roster = pd.concat(players, ignore_index=True).set_index("key")
    table = pd.concat(metrics).groupby(level=0).sum()
    scored = _score(table, roster, slots)
    extra = pd.concat([_keyed(s.adjustments.to_frame("p"), n)["p"] for n, s in enumerate(slots)])
    extra = extra[extra.index.isin(roster.index)]
    people_rows = standings.person_standings(
        points.totals(scored), table.reindex(roster.index).fillna(0), extra,
        people.drop(columns=["joined_at"]),
    )  # fmt: skip
    team_rows = standings.team_standings(people_rows)
    slot_of, subject = standings.split_key(pd.Index(scored["subject_id"]))
    scored = scored.assign(subject_id=subject, slot=slot_of)
    boards = []
    for number, slot in enumerate(slots):
        mine = people_rows[people_rows["slot"] == number].drop(columns=["slot"])
        boards.append(
            Board(
                slot.period,
                slot.rules,
                mine.reset_index(drop=True),
                team_rows[team_rows["slot"] == number]
                .drop(columns=["slot"])
                .reset_index(drop=True),
                scored[scored["slot"] == number].drop(columns=["slot"]).reset_index(drop=True),
                settles[number],
                _notes(slot.rules, slot.period, mine),
            )
        )
    return boards


def _score(table: pd.DataFrame, roster: pd.DataFrame, slots: list[Slot]) -> pd.DataFrame:
    """Percent-to-goal and points for every (slot, person), one pass per rules version."""
    parts = []
    for version, group in roster.groupby("version", sort=True):
        rules = next(s.rules for s in slots if s.rules.version_id == version)
        for roles, wanted in ((SALES_ROLES, SALES_WANTED), (MARKETING_ROLES, MARKETING_WANTED)):
            who = group[group["role"].isin(roles)]
            foot = goals.Footing(who["months"], who["share"])
            subset = table.reindex(who.index).fillna(0)
            found = goals.percent_to_goal(subset, rules.content, foot, wanted)
            parts.append(points.score(found, rules.content.points))
    if not parts:
        empty = goals.percent_to_goal(
            table.iloc[:0],
            slots[0].rules.content,
            goals.Footing(1, pd.Series(dtype="float64")),
            set(),
        )
        return points.score(empty, slots[0].rules.content.points)
    return pd.concat(parts, ignore_index=True)


def compute_board(
    leads: pd.DataFrame,
    people: pd.DataFrame,
    period: Period,
    rules: PeriodRules,
    ref: datetime,
    adjustments: pd.Series | None = None,
    clocks: pd.DataFrame | None = None,
    mask: np.ndarray | None = None,
    kept: pd.DataFrame | None = None,
) -> Board:
    """The board of one period (see `compute_boards`); clocks are computed when not given;
    `kept`: the breaches reassignments left with previous owners (`reassign.kept_breaches`)."""
    if clocks is None:
        clocks = shared_clocks.clocks_for(leads, rules.content, ref, None)
    if mask is None:
        mask = levels.touching(leads, period)
    extra = adjustments if adjustments is not None else pd.Series(dtype="int64")
    slot = Slot(period, rules, extra, clocks, mask, kept)
    return compute_boards(leads, people, [slot], ref)[0]


def _notes(rules: PeriodRules, period: Period, rows: pd.DataFrame) -> list[str]:
    notes = [rules.describe()]
    missing = set(PointLevel) - {rule.level for rule in rules.content.points.rules()}
    if missing:
        names = ", ".join(sorted(level.value.replace("_", " ") for level in missing))
        notes.append(
            Message.of(
                N_("No point rule in this version for: {names}; those levels score 0."), names=names
            )
        )
    if rows.empty:
        notes.append(
            Message.of(
                N_("Nobody on the board in {period}: no sales reps or marketers."),
                period=period.label,
            )
        )
    elif not bool((rows["mqls_received"] + rows["mqls"]).any()):
        notes.append(
            Message.of(
                N_("No leads reached anyone in {period}: every level is unscored."),
                period=period.label,
            )
        )
    return notes
