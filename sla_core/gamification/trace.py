"""From points back to the leads and events behind them."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlmodel import Session, col, select

from sla_core.access import Permission, PermissionDenied, can
from sla_core.models import LeadEvent, User
from sla_core.periods import Period
from sla_core.sla import levels as sla_levels
from sla_core.sla import shared_clocks
from sla_core.sla.clocks import ClockStatus
from sla_core.sla.cohorts import kept_away
from sla_core.sla.worktime import WorkSetup
from sla_core.stages import Stage
from sla_core.terms import AgreementContent, PointLevel

# Which instant puts a lead in a level's count for the period, and whose lead it is.
COHORT = {
    PointLevel.DISPOSITION: ("assigned_at", "owner_id"),
    PointLevel.WORKED: ("mql_at", "owner_id"),
    PointLevel.FOLLOW_UP: ("mql_at", "owner_id"),
    PointLevel.CONVERSION: ("assigned_at", "owner_id"),  # the cohort: handed off in the period
    PointLevel.OPPORTUNITIES: ("opportunity_at", "owner_id"),
    PointLevel.MQL_VOLUME: ("mql_at", "marketer_id"),
    PointLevel.ACCEPTANCE: ("mql_at", "marketer_id"),
}
CLOCK = {
    PointLevel.DISPOSITION: "disposition_status",
    PointLevel.WORKED: "work_status",
    PointLevel.FOLLOW_UP: "follow_up_status",
}
# The clock of a kept breach (`reassign.kept_breaches`) each clock level counts.
KEPT_CLOCK = {
    PointLevel.DISPOSITION: "disposition",
    PointLevel.WORKED: "work",
    PointLevel.FOLLOW_UP: "follow_up",
}
SHOWN = ["id", "company", "stage", "assigned_at", "mql_at", "dispositioned_at",
         "disposition_reason", "touches", "opportunity_at", "closed_at"]  # fmt: skip


def check_trace_access(viewer: User, subject_id: int) -> None:
    """Managers trace anyone's points; a rep or marketer only their own."""
    if can(viewer, Permission.VIEW_ALL_LEADS) or viewer.id == subject_id:
        return
    raise PermissionDenied(f"{viewer.name} may only trace their own points")


def leads_behind(
    leads: pd.DataFrame,
    content: AgreementContent,
    period: Period,
    ref: datetime,
    subject_id: int,
    level: PointLevel,
    setup: WorkSetup | None = None,
    kept: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The leads that made `subject_id`'s figure on `level` in `period`, with each one's clock.

    The clocks are the board's own (`shared_clocks.clocks_for` with `setup`, the work time and
    MQL definitions `service.work_setup` reads): a lead counted met here is met on the board.

    `counted` says how the lead counted: met or breached (clock levels), won, opened, or
    the stage it reached (marketing's: the new MQLs, re-qualified ones are counted beside).
    A disposition counts when it was made, with or
    without a recorded reason, as on the Compliance page.

    `kept`: the breaches reassignments left with the owners who missed them
    (`reassign.kept_breaches`, as the board counts them): a lead now someone else's is
    listed for the owner who missed its clock, breached, in the period the obligation
    started (`sla.levels.kept_in`); its work-within and follow-up duties then leave the
    current owner's list (`cohorts.kept_away`).
    """
    instant, whose = COHORT[level]
    theirs = (leads[whose] == subject_id).fillna(False).to_numpy(dtype=bool)
    if whose == "marketer_id":  # the new MQLs of the period, the board's marketing rule
        mine = leads[theirs & sla_levels.marketing_masks(leads, period)["mqls"]]
    else:
        mine = leads[theirs & period.contains(leads[instant]).to_numpy(dtype=bool)]
    if level is PointLevel.CONVERSION:
        mine = mine[mine["stage"] == Stage.WON.value]
    if level in (PointLevel.WORKED, PointLevel.FOLLOW_UP):
        mine = mine[~kept_away(mine, kept)]
    out = mine[[c for c in SHOWN if c in mine.columns]].copy()
    if level in CLOCK:
        clocks = shared_clocks.clocks_for(mine, content, ref, setup)
        out["counted"] = clocks[CLOCK[level]].astype(str).to_numpy()
        out["exempt"] = clocks["exempt"].to_numpy()
        missed = _kept_behind(leads, kept, period, subject_id, level)
        if len(missed):
            out = pd.concat([out, missed], ignore_index=True) if len(out) else missed
    else:
        out["counted"] = mine["stage"].astype(str).to_numpy()
    return out.sort_values(instant, kind="mergesort").reset_index(drop=True)


def _kept_behind(
    leads: pd.DataFrame,
    kept: pd.DataFrame | None,
    period: Period,
    subject_id: int,
    level: PointLevel,
) -> pd.DataFrame:
    """The leads whose `level` clock `subject_id` missed before a reassignment took them
    away, in `period` (the rule `service_levels(..., kept=)` counts): breached, not exempt."""
    inside = sla_levels.kept_in(kept, period)
    ids = inside.loc[
        (inside["owner_id"] == subject_id) & (inside["clock"] == KEPT_CLOCK[level]), "lead_id"
    ]
    if not len(ids) or "id" not in leads:
        return pd.DataFrame()
    # one row per breach (a lead reassigned twice may have left two with the same owner)
    at = pd.Index(leads["id"]).get_indexer(ids.to_numpy())
    found = leads.iloc[at[at >= 0]]
    out = found[[c for c in SHOWN if c in found.columns]].reset_index(drop=True)
    out["counted"] = ClockStatus.BREACHED.value
    out["exempt"] = False
    return out


def events_of(*, session: Session, lead_id: int) -> pd.DataFrame:
    """A lead's history, oldest first: when, what, from and to stage, reason, and by whom
    (the person's name; empty for the system)."""
    rows = session.exec(
        select(LeadEvent, User.name)
        .join(User, col(User.id) == col(LeadEvent.actor_id), isouter=True)
        .where(LeadEvent.lead_id == lead_id)
        .order_by(col(LeadEvent.at))
    ).all()
    return pd.DataFrame(
        [
            {
                "at": e.at,
                "kind": e.kind,
                "touch": e.touch_kind,
                "from": e.from_stage,
                "to": e.to_stage,
                "reason": e.reason,
                "by": name or "",
            }  # fmt: skip
            for e, name in rows
        ],
        columns=["at", "kind", "touch", "from", "to", "reason", "by"],
    )
