"""A rep's work queue, ordered for action: leads that can still be saved first (at risk,
then on track, nearest deadline first), then the ones already late in their own section
(the latest breach first: those are still worth a call), never the other way round."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

from sla_core.i18n.languages import N_n
from sla_core.i18n.message import Message

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
    "late",
)

# What the queue reads of the leads and of their clocks (`work_queue`).
LEAD_INPUTS = ("id", "first_name", "last_name", "email", "company", "stage", "owner_id")
CLOCK_INPUTS = ("open", "next_deadline", "status", "follow_ups_made", "follow_ups_required",
                "reassign")  # fmt: skip

# Sections of the queue, in the order a rep works them.
SAVE, LATE = "save", "late"
# Within "save": at risk before on track; a lead only owing follow-ups comes last.
STATUS_ORDER = {"at_risk": 0, "on_track": 1}


def work_queue(leads: pd.DataFrame, clocks: pd.DataFrame, ref: datetime) -> pd.DataFrame:
    """Open leads ordered for action (see the module docstring); `late`: already breached.

    hours_left: calendar hours from `ref` to the next deadline (negative once overdue);
    countdown: the same in words ("in 10 h", "3 days late"), a translatable `Message`.
    """
    open_rows = clocks["open"].to_numpy(dtype=bool)
    mine, times = leads.loc[open_rows], clocks.loc[open_rows]
    left = (times["next_deadline"] - pd.Timestamp(ref)).dt.total_seconds() / 3600
    first = mine["first_name"].fillna("").astype(str)
    last = mine["last_name"].fillna("").astype(str)
    name = (first + " " + last).str.strip()
    fallback = mine["email"].fillna("").astype(str) if "email" in mine else ""
    status = times["status"].astype(str)
    late = (status == "breached").to_numpy()
    queue = pd.DataFrame(
        {
            "id": mine["id"].astype("int64"),
            "name": name.where(name != "", fallback),
            "company": mine["company"],
            "stage": mine["stage"],
            "status": status,
            "next_deadline": times["next_deadline"],
            "hours_left": left.round(1),
            "countdown": countdown(left),
            "touches": times["follow_ups_made"],
            "follow_ups_required": times["follow_ups_required"],
            "owner_id": mine["owner_id"],
            "reassign": times["reassign"],
            "late": late,
        }
    )
    hours = left.to_numpy(dtype=float)
    # Saveable: by status, then the nearest deadline (none: last). Late: the latest breach
    # first, so a lead missed an hour ago comes before one missed in June.
    rank = status.map(STATUS_ORDER).fillna(len(STATUS_ORDER)).to_numpy()
    within = np.where(late, -np.nan_to_num(hours, nan=-np.inf), np.nan_to_num(hours, nan=np.inf))
    order = np.lexsort((mine["id"].to_numpy(), within, np.where(late, 0, rank), late))
    return queue.iloc[order].reset_index(drop=True)[list(QUEUE_COLUMNS)]


def sections(queue: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The queue cut into its two sections, each in work order: to save, already late."""
    late = queue["late"].to_numpy(dtype=bool)
    return {
        SAVE: queue[~late].reset_index(drop=True),
        LATE: queue[late].reset_index(drop=True),
    }


def countdown(hours: pd.Series) -> pd.Series:
    """Time left in words: "in 25 min", "in 10 h", "in 3 days", "5 h late", "3 days late".

    Under an hour: minutes; under two days: whole hours; from two days: whole days. Each
    value is a `Message` (English as it stands; the page translates it, digits included);
    no deadline: "".
    """
    values = hours.to_numpy(dtype=float)
    # A list of thousands of leads reads a few hundred different countdowns: each sentence
    # is made once, under a key of its number, unit and whether it is late.
    minutes = np.round(np.abs(values) * 60)
    unit = np.select([minutes < 60, minutes < 48 * 60], [0, 1], 2)
    count = np.select([unit == 0, unit == 1], [minutes, minutes // 60], minutes // (24 * 60))
    keys = (count * 3 + unit) * 2 + (values < 0)  # NaN (no deadline) stays NaN
    shown, at = np.unique(keys, return_inverse=True)
    words = np.array([_words(key) for key in shown], dtype=object)
    return pd.Series(words[at.reshape(-1)], index=hours.index, dtype=object)


def _words(key: float) -> str:
    if np.isnan(key):
        return ""
    late, rest = int(key) % 2, int(key) // 2
    unit, count = rest % 3, rest // 3
    # Counted sentences: a reader of Arabic reads "ساعتان", "٣ ساعات", "١١ ساعة".
    if unit == 0:
        forms = N_n("{n} min late", "{n} min late") if late else N_n("in {n} min", "in {n} min")
    elif unit == 1:
        forms = N_n("{n} h late", "{n} h late") if late else N_n("in {n} h", "in {n} h")
    else:
        forms = N_n("{n} day late", "{n} days late") if late else N_n("in {n} day", "in {n} days")
    return Message.counted(forms, count, n=count)
