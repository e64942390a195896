"""Routing: which rep receives which unassigned MQL (pure; `route_run` writes it).

Priority: the highest score first, then the oldest. Fairness: reps below the monthly
minimum are filled towards it first, then every lead goes to the rep with the lowest
load this month ("water-filling"), never past the max per month, as the agreement says
("at most N MQLs per rep per month": the month in the organisation's zone and calendar);
each round hands one lead to every rep still owed one, so the best leads are spread too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def water_fill(base: np.ndarray, room: np.ndarray, count: int) -> np.ndarray:
    """How many of `count` items each slot gets to even out `base + given`, within `room`.

    The lowest slots rise first; ties at the last level go to the earlier slots.
    """
    base = base.astype(np.int64)
    room = np.maximum(room.astype(np.int64), 0)
    count = min(int(count), int(room.sum()))
    if count <= 0 or len(base) == 0:
        return np.zeros(len(base), dtype=np.int64)

    def filled(level: int) -> int:
        return int(np.clip(level - base, 0, room).sum())

    low, high = int(base.min()), int((base + room).max())
    while low < high:  # the lowest level that holds `count`
        mid = (low + high) // 2
        if filled(mid) >= count:
            high = mid
        else:
            low = mid + 1
    given = np.clip(low - 1 - base, 0, room)
    short = count - int(given.sum())
    can_rise = np.flatnonzero((base + given == low - 1) & (given < room))
    given[can_rise[:short]] += 1
    return np.asarray(given, dtype=np.int64)


def shares(reps: pd.DataFrame, leads: int, min_cap: int, max_cap: int) -> np.ndarray:
    """Leads per rep: first towards the monthly min, then evenly on this month's load,
    never past the monthly max."""
    month = reps["month"].to_numpy(dtype=np.int64)
    room = np.maximum(max_cap - month, 0)
    owed = np.minimum(np.maximum(min_cap - month, 0), room)
    first = water_fill(month, owed, leads)
    rest = water_fill(month + first, room - first, leads - int(first.sum()))
    return np.asarray(first + rest, dtype=np.int64)


def plan(leads: pd.DataFrame, reps: pd.DataFrame, min_cap: int, max_cap: int) -> pd.DataFrame:
    """Assignments (lead_id, rep_id, score) for `leads` (id, score, since) over `reps`.

    `reps` holds the reps who may receive leads now (id, month: leads this month). Leads beyond
    every rep's room stay unassigned (absent from the result).
    """
    columns = ["lead_id", "rep_id", "score"]
    if leads.empty or reps.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64") for c in columns})
    given = shares(reps, len(leads), min_cap, max_cap)
    order = np.lexsort(
        (leads["id"].to_numpy(), leads["since"].to_numpy(), -leads["score"].to_numpy())
    )
    # rep i appears given[i] times; round r holds the reps owed more than r leads, least
    # loaded first, so each round deals one lead to each of them in priority order
    slot = np.repeat(np.arange(len(reps)), given)
    round_ = np.arange(len(slot)) - np.repeat(np.cumsum(given) - given, given)
    load = reps["month"].to_numpy(dtype=np.int64)[slot]
    sequence = slot[np.lexsort((slot, load, round_))]
    picked = order[: len(sequence)]
    return pd.DataFrame(
        {
            "lead_id": leads["id"].to_numpy(dtype=np.int64)[picked],
            "rep_id": reps["id"].to_numpy(dtype=np.int64)[sequence],
            "score": leads["score"].to_numpy(dtype=np.int64)[picked],
        }
    )


def summary(assignments: pd.DataFrame, reps: pd.DataFrame) -> pd.DataFrame:
    """Per rep: this month's load before, the leads routed now, and the month's load after."""
    routed = assignments["rep_id"].value_counts()
    out = reps[["id", "name", "month"]].copy() if "name" in reps else reps.copy()
    out["routed"] = out["id"].map(routed).fillna(0).astype("int64")
    out["load_after"] = out["month"] + out["routed"]
    return out.sort_values(["routed", "id"], ascending=[False, True], ignore_index=True)


def over_cap(reps: pd.DataFrame, max_cap: int) -> pd.DataFrame:
    """The reps holding more than the monthly max this month (a manual hand-off or an
    import can put them there; routing never does): id, name, month, over (by how many)."""
    over = reps[reps["month"] > max_cap]
    return over.assign(over=over["month"] - max_cap).reset_index(drop=True)
