"""Leads: the snapshot as a DataFrame, and the actions that change one lead (with its event)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from sla_core.access import Permission, PermissionDenied, can, require_queue_access
from sla_core.bulk import LEAD_TIME_COLUMNS, arrow_schema, conform, read_arrow, times_to_utc
from sla_core.clock import now
from sla_core.models import ImportBatch, Lead, LeadEvent, User
from sla_core.stages import Disposition, Stage, check_disposition, check_transition

# Which milestone a stage change stamps.
_MILESTONE: dict[Stage, str] = {
    Stage.MQL: "mql_at",
    Stage.SQL: "sql_at",
    Stage.OPPORTUNITY: "opportunity_at",
    Stage.WON: "closed_at",
    Stage.LOST: "closed_at",
}


def read_leads(engine: Engine, owner_id: int | None = None) -> pd.DataFrame:
    """The lead snapshot (all leads, or one owner's) with aware UTC timestamps."""
    sql = "SELECT * FROM lead"
    params: list[Any] | None = None
    if owner_id is not None:
        sql += " WHERE owner_id = " + (
            "$1" if engine.url.get_backend_name() == "postgresql" else "?"
        )
        params = [owner_id]
    table = conform(read_arrow(engine, sql, params), arrow_schema(Lead.__table__))  # type: ignore[attr-defined]
    frame = table.to_pandas()
    return times_to_utc(frame, LEAD_TIME_COLUMNS)


def data_revision(*, session: Session) -> str:
    """A cheap fingerprint that changes whenever leads or their history change (cache key)."""
    events = session.exec(select(func.max(col(LeadEvent.id)), func.count(col(LeadEvent.id)))).one()
    leads = session.exec(select(func.max(col(Lead.updated_at)), func.count(col(Lead.id)))).one()
    batches = session.exec(select(func.max(ImportBatch.id))).one()
    return f"{events[0]}-{events[1]}-{leads[0]}-{leads[1]}-{batches}"


def _lead_for(session: Session, lead_id: int, actor: User) -> Lead:
    lead = session.get(Lead, lead_id)
    if lead is None:
        raise LookupError(f"lead {lead_id} does not exist")
    if lead.owner_id is not None:
        require_queue_access(actor, lead.owner_id)
    elif not can(actor, Permission.ROUTE_LEADS):
        raise PermissionDenied(f"{actor.name} may not work an unassigned lead")
    return lead


def _move(
    session: Session, lead: Lead, target: Stage, kind: str, actor: User, reason: str | None
) -> LeadEvent:
    """Record one stage move: the event and the snapshot's milestone share one instant."""
    at = now()
    event = LeadEvent(
        lead_id=lead.id or 0,
        at=at,
        kind=kind,
        from_stage=lead.stage,
        to_stage=target.value,
        reason=reason,
        actor_id=actor.id,
    )
    milestone = _MILESTONE.get(target)
    if milestone and getattr(lead, milestone) is None:
        setattr(lead, milestone, at)
    if kind == "disposition":
        lead.dispositioned_at = lead.dispositioned_at or at
        lead.disposition_reason = reason
    lead.stage = target.value
    lead.updated_at = at
    session.add(lead)
    session.add(event)
    session.flush()
    return event


def change_stage(
    *, session: Session, lead_id: int, target: Stage, actor: User, reason: str | None = None
) -> LeadEvent:
    """Move a lead along the lifecycle; an illegal move is refused and nothing is written."""
    lead = _lead_for(session, lead_id, actor)
    check_transition(Stage(lead.stage), target)
    return _move(session, lead, target, "stage", actor, reason)


def disposition(
    *, session: Session, lead_id: int, outcome: Disposition, actor: User, reason: str | None = None
) -> LeadEvent:
    """Qualify, disqualify (with a reason) or return to nurture (with a reason) an MQL/SAL."""
    lead = _lead_for(session, lead_id, actor)
    target = check_disposition(Stage(lead.stage), outcome, reason)
    return _move(session, lead, target, "disposition", actor, reason)


def record_touch(
    *, session: Session, lead_id: int, kind: str, actor: User, note: str | None = None
) -> LeadEvent:
    """Log a call, e-mail or meeting with a lead; the first touch starts the work clock's proof."""
    if kind not in {"call", "email", "meeting"}:
        raise ValueError(f"unknown touch {kind!r}: use call, email or meeting")
    lead = _lead_for(session, lead_id, actor)
    at = now()
    event = LeadEvent(
        lead_id=lead_id, at=at, kind="touch", touch_kind=kind, actor_id=actor.id, note=note
    )
    lead.first_touch_at = lead.first_touch_at or at
    lead.last_touch_at = at
    lead.touches += 1
    lead.updated_at = at
    session.add(lead)
    session.add(event)
    session.flush()
    return event
