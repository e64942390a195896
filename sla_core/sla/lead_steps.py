"""One lead's SLA clocks and next step in words, read from its row of `lead_clocks`.

Nothing here judges a clock: the statuses and deadlines are those `clocks.lead_clocks`
computed; this module only says them ("met", "due in 10 h, still running", "3 days late").
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from sla_core.i18n.languages import N_
from sla_core.i18n.message import Message
from sla_core.sla.clocks import ClockStatus
from sla_core.sla.queue import countdown
from sla_core.stages import AWAITING_DISPOSITION, CLOSED, EventKind, Stage

CLOCK_COLUMNS = ("clock", "owner", "deadline", "status", "state")
CLOCKS = ("disposition", "work", "follow_up")


def _hours(later: object, earlier: object) -> float:
    if pd.isna(later) or pd.isna(earlier):
        return float("nan")
    return float((pd.Timestamp(later) - pd.Timestamp(earlier)).total_seconds() / 3600)


def _words(hours: float) -> str:
    """ "in 10 h" / "3 days late" (`queue.countdown`, the queue's words; a Message the page
    translates)."""
    words: str = countdown(pd.Series([hours])).iloc[0]
    return words


def _done_at(lead: pd.Series, clocks: pd.Series, clock: str) -> object:
    """When a clock was done: the disposition (or qualification), or the first work."""
    if clock == "disposition":
        return min((t for t in (lead.get("dispositioned_at"), lead.get("sql_at"))
                    if not pd.isna(t)), default=pd.NaT)  # fmt: skip
    if clock == "work":
        return clocks["work_done_at"]
    return pd.NaT


def state(lead: pd.Series, clocks: pd.Series, clock: str, ref: datetime) -> Message:
    """One clock's state in words, from its status and deadline as `lead_clocks` gave them."""
    status = ClockStatus(str(clocks[f"{clock}_status"]))
    deadline = clocks["work_deadline" if clock == "follow_up" else f"{clock}_deadline"]
    made, owed = int(clocks["follow_ups_made"]), int(clocks["follow_ups_required"])
    if status is ClockStatus.NOT_STARTED:
        return Message.of(N_("not started"))
    if status is ClockStatus.EXEMPT:
        return Message.of(N_("exempt: below the MQL threshold at hand-off"))
    if status is ClockStatus.MET:
        return Message.of(N_("met"))
    done = _done_at(lead, clocks, clock)
    if status is ClockStatus.BREACHED:
        if clock == "follow_up":
            return Message.of(N_("missed: {owed} touches were due within the window"), owed=owed)
        if not pd.isna(done):
            return Message.of(N_("done {late}"), late=_words(-_hours(done, deadline)))
        return Message.of(N_("{late}, still open"), late=_words(_hours(deadline, ref)))
    left = _words(_hours(deadline, ref))
    if clock == "follow_up":
        return Message.of(N_("due {left}: {made} of {owed} touches so far"),
                          left=left, made=made, owed=owed)  # fmt: skip
    if status is ClockStatus.AT_RISK:
        return Message.of(N_("due {left}, at risk"), left=left)
    return Message.of(N_("due {left}, still running"), left=left)


def clock_lines(
    lead: pd.Series,
    clocks: pd.Series,
    events: pd.DataFrame,
    ref: datetime,
    *,
    owner: pd.DataFrame,
) -> pd.DataFrame:
    """The lead's three clocks for its current owner, then each breach a reassignment left
    with a previous owner (its "breach" event: the deadline they missed)."""
    current = owner["owner"].iloc[-1] if len(owner) else None
    rows = [
        {
            "clock": clock,
            "owner": current,
            "deadline": clocks["work_deadline" if clock == "follow_up" else f"{clock}_deadline"],
            "status": str(clocks[f"{clock}_status"]),
            "state": state(lead, clocks, clock, ref),
        }
        for clock in CLOCKS
    ]
    kept = events[events["kind"] == EventKind.BREACH.value]
    for row in kept.itertuples():
        rows.append({"clock": row.reason, "owner": row.actor, "deadline": row.at,
                     "status": ClockStatus.BREACHED.value,
                     "state": Message.of(N_("missed before the lead was reassigned"))})  # fmt: skip
    frame = pd.DataFrame(rows, columns=list(CLOCK_COLUMNS))
    frame["deadline"] = pd.to_datetime(frame["deadline"], utc=True)
    # objects, not text: each state stays a Message the page translates
    frame["state"] = pd.Series([row["state"] for row in rows], index=frame.index, dtype=object)
    return frame


def next_step(lead: pd.Series, clocks: pd.Series, ref: datetime) -> Message:
    """What the owner should do now, from the stage and the clocks still running."""
    stage = Stage(str(lead["stage"]))
    if stage in CLOSED:
        return Message.of(N_("Nothing: the lead is closed."))
    if stage is Stage.NURTURE:
        return Message.of(N_("Nothing for sales: the lead is back with marketing."))
    if stage is Stage.LEAD:
        return Message.of(N_("Nothing for sales yet: marketing is still qualifying the lead."))
    if pd.isna(lead.get("owner_id")):
        return Message.of(N_("Route the lead to a rep: nobody owns it yet."))
    if bool(clocks["owner_away"]):
        return Message.of(N_("The owner is away: a sales manager should reassign the lead."))
    if stage is Stage.SQL:
        return Message.of(N_("Open an opportunity once the lead is ready to buy."))
    if stage is Stage.OPPORTUNITY:
        return Message.of(N_("Close the deal: won or lost."))
    assert stage in AWAITING_DISPOSITION
    made, owed = int(clocks["follow_ups_made"]), int(clocks["follow_ups_required"])
    due = _words(_hours(clocks["next_deadline"], ref))
    if made == 0 and pd.isna(clocks["work_done_at"]):
        if not due:
            return Message.of(N_("Make the first touch: call or e-mail the lead."))
        return Message.of(N_("Make the first touch: call or e-mail the lead (due {due})."),
                          due=due)  # fmt: skip
    if made < owed and str(clocks["follow_up_status"]) in ("on_track", "at_risk"):
        return Message.of(N_("Follow up: {made} of {owed} touches made, then decide."),
                          made=made, owed=owed)  # fmt: skip
    return Message.of(N_("Decide: qualify, disqualify or return the lead to nurture."))
