"""A rep's work queue: the leads that still owe an action, most urgent first."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

QUEUE_COLUMNS = (
    "id",
    "countdown",
    "name",
    "company",
    "stage",
    "status",
    "next_deadline",
    "hours_left",
    "touches",
    "follow_ups_required",
    "owner_id",
    "reassign",
)


def work_queue(leads: pd.DataFrame, clocks: pd.DataFrame, ref: datetime) -> pd.DataFrame:
    """Open leads sorted by their next deadline: overdue first, then the nearest deadline.

    hours_left: calendar hours from `ref` to the next deadline (negative once overdue); a
    lead with no running clock (only follow-ups owed) sorts last.
    """
    open_rows = clocks["open"].to_numpy(dtype=bool)
    mine, times = leads.loc[open_rows], clocks.loc[open_rows]
    left = (times["next_deadline"] - pd.Timestamp(ref)).dt.total_seconds() / 3600
    first = mine["first_name"].fillna("").astype(str)
    last = mine["last_name"].fillna("").astype(str)
    name = (first + " " + last).str.strip()
    fallback = mine["email"].fillna("").astype(str) if "email" in mine else ""
    queue = pd.DataFrame(
        {
            "id": mine["id"].astype("int64"),
            "name": name.where(name != "", fallback),
            "company": mine["company"],
            "stage": mine["stage"],
            "status": times["status"].astype(str),
            "next_deadline": times["next_deadline"],
            "hours_left": left.round(1),
            "countdown": countdown(left),
            "touches": times["follow_ups_made"],
            "follow_ups_required": times["follow_ups_required"],
            "owner_id": mine["owner_id"],
            "reassign": times["reassign"],
        }
    )
    order = np.lexsort((mine["id"].to_numpy(), left.fillna(np.inf).to_numpy()))
    return queue.iloc[order].reset_index(drop=True)[list(QUEUE_COLUMNS)]


def countdown(hours: pd.Series) -> pd.Series:
    """Time left as a short text: "5 h 20 min", "3 d 4 h", "-2 h 5 min" once overdue.

    Under two days: hours and minutes; from two days: days and hours.
    """
    minutes = (hours * 60).round()
    sign = pd.Series(np.where(minutes < 0, "-", ""), index=hours.index)
    whole = minutes.abs().fillna(0).astype("int64")
    hours_part, minutes_part = (whole // 60).astype(str), (whole % 60).astype(str)
    days_part, rest_hours = (whole // 1440).astype(str), (whole % 1440 // 60).astype(str)
    short = sign + hours_part + " h " + minutes_part + " min"
    long = sign + days_part + " d " + rest_hours + " h"
    return long.where(whole >= 2880, short).where(hours.notna(), "")
