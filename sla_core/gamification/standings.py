"""Standings: everyone's points in a period, ranked by one stated rule, per person or team.

Pure and deterministic: the same inputs give the same rows in the same order, so a past
period recomputed gives the same standings.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sla_core.i18n.languages import N_

TIE_RULE = N_(
    "Ties are broken by, in order: the higher average percent-to-goal, more deals won, "
    "more service levels met, then name (A to Z)."
)

# The metrics each row carries next to the points (what the points come from).
METRICS = [
    "mqls_received",
    "disposition_due",
    "dispositioned_in_time",
    "worked_due",
    "worked_in_time",
    "follow_up_due",
    "follow_up_met",
    "opportunities",
    "won",
    "mqls",
    "accepted",
]

_ORDER = ["slot", "points", "pct_to_goal", "won", "levels_met", "name", "subject_id"]
_ASCENDING = [True, False, False, False, False, True, True]
# Several periods are ranked at once: a row's key is slot << SHIFT | subject id.
SHIFT = 32
LOW = (1 << SHIFT) - 1


def split_key(keys: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """The (slot, subject id) pairs packed in `keys`."""
    values = np.asarray(keys, dtype="int64")
    return values >> SHIFT, values & LOW


SALES_SIDE, MARKETING_SIDE = "sales", "marketing"


def side_of(role: pd.Series) -> pd.Series:
    """Each person's side: marketers are marketing's, everyone else on a board is sales'."""
    return pd.Series(
        np.where(role.astype("string") == "marketer", MARKETING_SIDE, SALES_SIDE),
        index=role.index,
    )


def rank(frame: pd.DataFrame) -> pd.DataFrame:
    """Sort by the tie rule and number each slot's rows 1..n per side (`rank`): people and
    teams are ranked within their side, sales against sales, marketing against marketing;
    `tied`: equal points on the same side."""
    if "slot" not in frame.columns:
        frame = frame.assign(slot=0)
    if "side" not in frame.columns:
        frame = frame.assign(side=SALES_SIDE)
    order, ascending = ["slot", "side", *_ORDER[1:]], [True, False, *_ASCENDING[1:]]
    ordered = frame.sort_values(
        order, ascending=ascending, na_position="last", kind="mergesort"
    ).reset_index(drop=True)
    ordered.insert(0, "rank", ordered.groupby(["slot", "side"]).cumcount().to_numpy() + 1)
    ordered["tied"] = ordered.duplicated(["slot", "side", "points"], keep=False)
    return ordered


def person_standings(
    totals: pd.DataFrame,
    metrics: pd.DataFrame,
    adjustments: pd.Series,
    people: pd.DataFrame,
) -> pd.DataFrame:
    """One ranked row per person (per slot): points (levels plus adjustments) and metrics.

    `totals` and `metrics` are indexed by key (the subject id, or slot << SHIFT | id when
    several periods are ranked at once); `adjustments` is points per key; `people` has id,
    name, team_id, team and role.
    """
    ids = totals.index.union(adjustments.index)
    frame = totals.reindex(ids)
    for column in ("level_points", "levels_met", "levels_scored"):
        frame[column] = frame[column].fillna(0).astype("int64")
    frame["adjustment"] = adjustments.reindex(ids).fillna(0).astype("int64")
    frame["points"] = frame["level_points"] + frame["adjustment"]
    present = [c for c in METRICS if c in metrics.columns]
    counts = metrics[present].reindex(ids).fillna(0).astype("int64")
    frame = pd.concat([frame, counts], axis=1)
    for column in METRICS:
        if column not in frame.columns:
            frame[column] = 0
    slot, subject = split_key(ids)
    frame["slot"] = slot
    frame["subject_id"] = subject
    who = people.set_index("id")[["name", "team_id", "team", "role"]]
    frame = frame.join(who, on="subject_id", how="left")
    frame["name"] = frame["name"].fillna("#" + frame["subject_id"].astype(str))
    frame["side"] = side_of(frame["role"])
    return rank(frame.reset_index(drop=True))


def team_standings(people_rows: pd.DataFrame) -> pd.DataFrame:
    """One ranked row per team (per slot): its members' average points per level scored.

    Averaging keeps team size from winning, and per level scored lets a marketing team
    (two levels) and a sales team (five) compete on one footing. People without a team
    are left out; metrics are the members' sums.
    """
    members = people_rows[people_rows["team_id"].notna()].assign(
        per_level=lambda f: f["points"] / f["levels_scored"].clip(lower=1)
    )
    if "slot" not in members.columns:
        members = members.assign(slot=0)
    grouped = members.groupby(["slot", "team_id"], sort=True)
    sums = grouped[["points", "levels_met", *METRICS]].sum().astype("int64")
    frame = pd.DataFrame(
        {
            "name": grouped["team"].first(),
            "side": grouped["side"].first() if "side" in members else SALES_SIDE,
            "members": grouped.size().astype("int64"),
            "points": grouped["per_level"].mean().round(2),
            "total_points": sums["points"],
            "pct_to_goal": grouped["pct_to_goal"].mean().round(1),
        }
    )
    frame = pd.concat([frame, sums.drop(columns=["points"])], axis=1).reset_index()
    frame["subject_id"] = frame["team_id"].astype("int64")
    return rank(frame.drop(columns=["team_id"]))
