"""Points per person and service level from percent-to-goal and the period's point rules.

A level met (100 % of goal or more) earns its `met` points; beyond that, the highest
bonus tier reached adds its points. A level missed costs its penalty, but only when the
team chose the stick. A level is not scored (0 points, status "not scored") when fewer
than `min_load` leads were due on it, or when the rules in force have no rule for it.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
import pandas as pd

from sla_core.terms import PointRules


class PointStatus(StrEnum):
    EXCEEDED = "exceeded"
    MET = "met"
    MISSED = "missed"
    NOT_SCORED = "not scored"


def score(goals: pd.DataFrame, rules: PointRules) -> pd.DataFrame:
    """`goals` (from `goals.percent_to_goal`) with status, tier and points per row."""
    level = goals["level"].to_numpy(dtype=object)
    pct = goals["pct_to_goal"].to_numpy(dtype="float64")
    size = len(goals)
    has_rule = np.zeros(size, dtype=bool)
    met_points = np.zeros(size, dtype="int64")
    penalty = np.zeros(size, dtype="int64")
    bonus = np.zeros(size, dtype="int64")
    tier = np.zeros(size, dtype="int64")
    for rule in rules.rules():
        mine = level == rule.level.value
        has_rule |= mine
        met_points[mine] = rule.met
        penalty[mine] = rule.penalty
        for number, step in enumerate(rule.tiers, start=1):
            reached = mine & (pct >= float(step.at_pct))  # only the highest tier reached pays
            bonus[reached] = step.points
            tier[reached] = number
    # A level without a rule in this period's version is not scored.
    scored = has_rule & (goals["due"].to_numpy() >= rules.min_load) & ~np.isnan(pct)
    met = scored & (pct >= 100.0)
    missed = scored & ~met
    stick = rules.penalties_apply()
    points = np.where(met, met_points + bonus, np.where(missed & stick, -penalty, 0))
    tier = np.where(met, tier, 0)
    status = np.select(
        [met & (tier > 0), met, missed],
        [PointStatus.EXCEEDED.value, PointStatus.MET.value, PointStatus.MISSED.value],
        PointStatus.NOT_SCORED.value,
    )
    return goals.assign(status=status, tier=tier, points=points.astype("int64"))


def totals(scored: pd.DataFrame) -> pd.DataFrame:
    """Per person: points, levels met, levels scored and mean percent-to-goal (of scored)."""
    counted = scored["status"] != PointStatus.NOT_SCORED.value
    frame = pd.DataFrame(
        {
            "subject_id": scored["subject_id"],
            "points": scored["points"],
            "met": scored["status"].isin([PointStatus.MET.value, PointStatus.EXCEEDED.value]),
            "scored": counted,
            "pct": scored["pct_to_goal"].where(counted).clip(upper=200.0),
        }
    )
    grouped = frame.groupby("subject_id", sort=True)
    return pd.DataFrame(
        {
            "level_points": grouped["points"].sum().astype("int64"),
            "levels_met": grouped["met"].sum().astype("int64"),
            "levels_scored": grouped["scored"].sum().astype("int64"),
            "pct_to_goal": grouped["pct"].mean().round(1),
        }
    )
