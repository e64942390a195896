"""Where a person stands and exactly what would move them up (pure).

For each service level they missed: how many more leads in time, deals won, opportunities
or MQLs reach the goal and how many points that earns; for a level met: what reaches the
next bonus tier. Rates assume the leads due stay as they are.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from sla_core.gamification.board import Board
from sla_core.gamification.points import PointStatus
from sla_core.i18n.languages import N_n
from sla_core.terms import LevelRule, PointLevel

# What a move asks for, as one message in its singular and plural forms ({count}: how many);
# the page picks the form for the count (`_n`), so "1 more deal won", never "1 more deals won".
UNITS: dict[str, tuple[str, str]] = {
    PointLevel.DISPOSITION.value: N_n(
        "{count} more lead dispositioned in time", "{count} more leads dispositioned in time"
    ),
    PointLevel.WORKED.value: N_n(
        "{count} more lead worked within the window", "{count} more leads worked within the window"
    ),
    PointLevel.FOLLOW_UP.value: N_n(
        "{count} more lead followed up as agreed", "{count} more leads followed up as agreed"
    ),
    PointLevel.ACCEPTANCE.value: N_n(
        "{count} more of your MQLs accepted by sales", "{count} more of your MQLs accepted by sales"
    ),
    PointLevel.CONVERSION.value: N_n("{count} more deal won", "{count} more deals won"),
    PointLevel.OPPORTUNITIES.value: N_n(
        "{count} more opportunity opened", "{count} more opportunities opened"
    ),
    PointLevel.MQL_VOLUME.value: N_n("{count} more MQL produced", "{count} more MQLs produced"),
}


def unit_words(level: str, needed: int) -> str:
    """A move in English words: "1 more deal won", "3 more deals won"."""
    singular, plural = UNITS[level]
    return (singular if needed == 1 else plural).format(count=needed)


RATES = {
    PointLevel.DISPOSITION,
    PointLevel.WORKED,
    PointLevel.FOLLOW_UP,
    PointLevel.ACCEPTANCE,
    PointLevel.CONVERSION,
}


@dataclass(frozen=True)
class Standing:
    """One person's place: rank of how many, points, and the gap to the one above."""

    rank: int
    of: int
    points: float
    above_name: str | None
    gap: float | None
    moves: pd.DataFrame  # level, needed, what, points


def _count_needed(level: PointLevel, actual: float, goal: float, due: int, pct: float) -> int:
    """Units still needed to reach `pct` % of goal."""
    if level in RATES:
        have = round(actual * due / 100.0)
        return max(0, math.ceil(goal * pct / 100.0 * due / 100.0 - 1e-9) - have)
    return max(0, math.ceil(goal * pct / 100.0 - 1e-9) - round(actual))


def moves_for(scored: pd.DataFrame, rules: tuple[LevelRule, ...], stick: bool) -> pd.DataFrame:
    """What one person's scored levels need to pay more: level, needed, what, points."""
    by_level = {r.level.value: r for r in rules}
    rows = []
    for rec in scored.itertuples(index=False):
        rule = by_level.get(str(rec.level))
        if rule is None or pd.isna(rec.actual) or rec.status == PointStatus.NOT_SCORED.value:
            continue
        level = PointLevel(str(rec.level))
        if rec.status == PointStatus.MISSED.value:
            target, gain = 100.0, rule.met + (rule.penalty if stick else 0)
        else:
            ahead = [t for t in rule.tiers if float(t.at_pct) > float(rec.pct_to_goal)]
            if not ahead:
                continue
            paid = rule.tiers[int(rec.tier) - 1].points if int(rec.tier) else 0
            target, gain = float(ahead[0].at_pct), ahead[0].points - paid
        needed = _count_needed(level, float(rec.actual), float(rec.goal), int(rec.due), target)
        if needed > 0 and gain > 0:
            rows.append({"level": level.value, "needed": needed,
                         "what": unit_words(level.value, needed), "points": int(gain)})  # fmt: skip
    frame = pd.DataFrame(rows, columns=["level", "needed", "what", "points"])
    return frame.sort_values(["needed", "points"], ascending=[True, False], kind="mergesort")


def standing_of(board: Board, subject_id: int) -> Standing | None:
    """Where `subject_id` stands on `board` and what would move them up (None: not on it)."""
    people = board.people
    mine = people[people["subject_id"] == subject_id]
    if mine.empty:
        return None
    row = mine.iloc[0]
    rank = int(row["rank"])
    above = people[people["rank"] == rank - 1]
    scored = board.scored[board.scored["subject_id"] == subject_id]
    points_rules = board.rules.content.points
    return Standing(
        rank=rank,
        of=len(people),
        points=float(row["points"]),
        above_name=None if above.empty else str(above.iloc[0]["name"]),
        gap=None if above.empty else float(above.iloc[0]["points"] - row["points"]),
        moves=moves_for(scored, points_rules.rules(), points_rules.penalties_apply()),
    )
