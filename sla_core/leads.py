"""Leads: the actions that change one lead, each with its event (the snapshot: `snapshot`).

Long because every action on one lead (touch, stage change, disposition, reassignment) writes through the same guarded UPDATE and event here, with the same permission and side checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import case, func, literal, update
from sqlmodel import Session, col

from sla_core import agreement
from sla_core.access import Permission, PermissionDenied, can, require
from sla_core.clock import UTCTimestamp, now
from sla_core.db import checked_text
from sla_core.models import HandoffRules, Lead, LeadEvent, Role, User
from sla_core.sla.handoff import current_rules_id
from sla_core.stages import (
    STAGE_LABELS,
    Disposition,
    EventKind,
    IllegalTransition,
    Stage,
    TouchKind,
    check_disposition,
    check_transition,
    parse_touch,
)
from sla_core.store.fields import TIME_COLUMNS
from sla_core.terms import AgreementContent

# Which milestone a stage change stamps.
_MILESTONE: dict[Stage, str] = {
    Stage.MQL: "mql_at",
    Stage.SQL: "sql_at",
    Stage.OPPORTUNITY: "opportunity_at",
    Stage.WON: "closed_at",
    Stage.LOST: "closed_at",
}

REASON_LIMIT = 300  # the width of the reason columns (lead and event)
NOTE_LIMIT = 2000


class StaleLead(RuntimeError):
    """The lead changed since the form was opened; nothing was written."""


@dataclass(frozen=True)
class Seen:
    """The state of a lead as a form showed it: a move is refused if it has changed since."""

    stage: str
    updated_at: datetime | None


def seen_of(row: pd.Series) -> Seen:
    """The Seen state of one row of the lead snapshot."""
    stamp = row.get("updated_at")
    return Seen(str(row["stage"]), None if pd.isna(stamp) else pd.Timestamp(stamp).to_pydatetime())


def _lead_for(session: Session, lead_id: int, actor: User) -> Lead:
    """The lead, if `actor` may work it: their own, or a lead of their team for a manager."""
    require(actor, Permission.WORK_LEADS)
    lead = session.get(Lead, lead_id)
    if lead is None:
        raise LookupError(f"lead {lead_id} does not exist")
    if lead.owner_id is None:
        if not can(actor, Permission.ROUTE_LEADS):
            raise PermissionDenied(f"lead {lead_id} is not assigned to anyone yet")
    elif lead.owner_id != actor.id:
        if not can(actor, Permission.VIEW_TEAM_QUEUES):
            raise PermissionDenied(
                f"lead {lead_id} belongs to another rep: only they or a sales manager may work it"
            )
        _require_team(session, actor, lead.owner_id, lead_id)
    return lead


def _require_team(session: Session, actor: User, owner_id: int | None, lead_id: int) -> None:
    """A sales manager in a team works that team's leads; admins (and a manager in no team,
    as in a one-team organisation) work every team's."""
    if Role(actor.role) is not Role.SALES_MANAGER or actor.team_id is None or owner_id is None:
        return
    owner = session.get(User, owner_id)
    if owner is None or owner.team_id != actor.team_id:
        raise PermissionDenied(f"lead {lead_id} belongs to a rep of another team: "
                               "only that team's manager or an admin may work it")  # fmt: skip


def check_owner(session: Session, owner_id: int) -> User:
    """Whom a lead may be handed to: an active sales rep placed in a team or given a login."""
    owner = session.get(User, owner_id) if owner_id > 0 else None
    if owner is None:
        raise ValueError(f"there is no person with id {owner_id} to hand the lead to")
    placed = owner.team_id is not None or owner.password_hash is not None
    if Role(owner.role) is not Role.SALES_REP or not owner.active or not placed:
        raise ValueError(f"{owner.name} cannot take leads: only an active sales rep placed "
                         "in a team (or given a login) works a queue")  # fmt: skip
    return owner


def _check_seen(lead: Lead, seen: Seen | None) -> None:
    if seen is None:
        return
    if lead.stage != seen.stage or lead.updated_at != seen.updated_at:
        raise StaleLead(
            f"lead {lead.id} changed since you opened it (it is now "
            f"{STAGE_LABELS[Stage(lead.stage)]}); nothing was saved: reload and try again"
        )


def _write(session: Session, lead: Lead, seen: Seen | None, values: dict[str, Any]) -> None:
    """One guarded UPDATE: it applies only if the lead still has the stage, owner (and, with
    `seen`, the version) this action was checked against; otherwise StaleLead."""
    stmt = update(Lead).where(
        col(Lead.id) == lead.id,
        col(Lead.stage) == lead.stage,
        col(Lead.owner_id).is_(None)
        if lead.owner_id is None
        else col(Lead.owner_id) == lead.owner_id,
    )
    if seen is not None:
        stamp = col(Lead.updated_at)
        stmt = stmt.where(stamp.is_(None) if seen.updated_at is None else stamp == seen.updated_at)
    result = session.execute(stmt.values(**values).execution_options(synchronize_session=False))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise StaleLead(
            f"someone else changed lead {lead.id} at the same moment; nothing was saved: "
            "reload and try again"
        )
    session.expire(lead)


def _keep(column: Any, at: datetime) -> Any:
    """SQL for "the column's instant if it has one, else `at`" (a milestone is stamped once)."""
    return func.coalesce(column, literal(at, UTCTimestamp()), type_=UTCTimestamp())


def _move(
    session: Session,
    lead: Lead,
    target: Stage,
    kind: EventKind,
    actor: User,
    *,
    reason: str | None,
    seen: Seen | None,
    at: datetime,
    extra: dict[str, Any] | None = None,
) -> LeadEvent:
    """Record one stage move: the event and the snapshot's milestone share one instant."""
    if reason is not None:
        reason = checked_text(reason, field="reason", limit=REASON_LIMIT) or None
    values: dict[str, Any] = {"stage": target.value, "updated_at": at, **(extra or {})}
    milestone = _MILESTONE.get(target)
    if milestone:
        values[milestone] = _keep(getattr(Lead, milestone), at)
    if kind is EventKind.DISPOSITION:
        values["dispositioned_at"] = _keep(col(Lead.dispositioned_at), at)
        values["disposition_reason"] = reason
    event = LeadEvent(
        lead_id=lead.id or 0,
        at=at,
        kind=kind,
        from_stage=lead.stage,
        to_stage=target,
        reason=reason,
        actor_id=actor.id,
    )
    _write(session, lead, seen, values)
    session.add(event)
    session.flush()
    return event


def change_stage(
    *,
    session: Session,
    lead_id: int,
    target: Stage,
    actor: User,
    reason: str | None = None,
    seen: Seen | None = None,
    at: datetime | None = None,
) -> LeadEvent:
    """Move a lead along the lifecycle; an illegal move or a stale form writes nothing."""
    lead = _lead_for(session, lead_id, actor)
    _check_seen(lead, seen)
    check_transition(Stage(lead.stage), target)
    text = reason.strip() if reason and reason.strip() else None
    if target in (Stage.NURTURE, Stage.DISQUALIFIED) and text is None:
        raise IllegalTransition(f"moving a lead to {STAGE_LABELS[target]} needs a reason")
    return _move(
        session, lead, target, EventKind.STAGE, actor, reason=text, seen=seen, at=at or now()
    )


def disposition(
    *,
    session: Session,
    lead_id: int,
    outcome: Disposition,
    actor: User,
    reason: str | None = None,
    seen: Seen | None = None,
    at: datetime | None = None,
) -> LeadEvent:
    """Qualify, disqualify (with a reason) or return to nurture (with a reason) an MQL/SAL."""
    lead = _lead_for(session, lead_id, actor)
    _check_seen(lead, seen)
    target = check_disposition(Stage(lead.stage), outcome, reason)
    text = reason.strip() if reason and reason.strip() else None
    return _move(
        session, lead, target, EventKind.DISPOSITION, actor, reason=text, seen=seen, at=at or now()
    )


def open_opportunity(
    *,
    session: Session,
    lead_id: int,
    value: float,
    actor: User,
    seen: Seen | None = None,
    at: datetime | None = None,
) -> LeadEvent:
    """Open an opportunity worth `value`; an MQL or SAL is qualified first (two events)."""
    if not value > 0:
        raise ValueError("an opportunity needs a deal value above zero")
    at = at or now()
    lead = _lead_for(session, lead_id, actor)
    _check_seen(lead, seen)
    if Stage(lead.stage) in (Stage.MQL, Stage.SAL):
        disposition(session=session, lead_id=lead_id, outcome=Disposition.QUALIFY, actor=actor,
                    seen=seen, at=at)  # fmt: skip
        session.refresh(lead)
        seen = None  # the qualify step already checked the form
    check_transition(Stage(lead.stage), Stage.OPPORTUNITY)
    deal = {"deal_value": float(value)}
    return _move(session, lead, Stage.OPPORTUNITY, EventKind.STAGE, actor,
                 reason=None, seen=seen, at=at, extra=deal)  # fmt: skip


def record_touch(
    *,
    session: Session,
    lead_id: int,
    kind: TouchKind | str,
    actor: User,
    note: str | None = None,
    at: datetime | None = None,
) -> LeadEvent:
    """Log a call, e-mail, meeting or voicemail: one follow-up attempt; the first starts the
    proof that the lead was worked. Two touches at once are both counted (touches + 1)."""
    touch = parse_touch(kind)
    if note is not None:
        note = checked_text(note, field="note", limit=NOTE_LIMIT) or None
    lead = _lead_for(session, lead_id, actor)
    at = at or now()
    required = _rules_of(session, lead).windows.follow_up_attempts
    # the touch that reaches the count owed stamps when the follow-up duty was met
    reached = case(
        (
            col(Lead.follow_up_done_at).is_(None) & (col(Lead.touches) + 1 >= required),
            literal(at, UTCTimestamp()),
        ),
        else_=col(Lead.follow_up_done_at),
    )
    _write(
        session,
        lead,
        None,
        {
            "touches": col(Lead.touches) + 1,
            "first_touch_at": _keep(col(Lead.first_touch_at), at),
            "last_touch_at": at,
            "follow_up_done_at": reached,
            "updated_at": at,
        },
    )
    event = LeadEvent(
        lead_id=lead_id, at=at, kind=EventKind.TOUCH, touch_kind=touch, actor_id=actor.id, note=note
    )
    session.add(event)
    session.flush()
    return event


def _rules_of(session: Session, lead: Lead) -> AgreementContent:
    """The rules the lead's hand-off recorded, else the agreement governing now."""
    if lead.handoff_rules_id is not None:
        rules = session.get(HandoffRules, lead.handoff_rules_id)
        if rules is not None:
            return AgreementContent.model_validate_json(rules.content)
    return agreement.governing_version(session=session).content


def _missed_before(
    session: Session, lead: Lead, at: datetime
) -> list[tuple[str, datetime, datetime | None]]:
    """The clocks of the lead's current owner already breached at `at` (clock, deadline,
    when the obligation started): a reassignment leaves those breaches with them."""
    from sla_core.sla.clocks import lead_clocks
    from sla_core.sla.context import load_setup

    row = {c.name: getattr(lead, c.name) for c in Lead.__table__.columns}  # type: ignore[attr-defined]
    frame = pd.DataFrame([row])
    for name in TIME_COLUMNS:
        frame[name] = pd.to_datetime(frame[name], utc=True)
    clocks = lead_clocks(frame, _rules_of(session, lead), at, load_setup(session=session))
    missed = []
    for clock, deadline, since in (
        ("disposition", "disposition_deadline", lead.assigned_at),
        ("work", "work_deadline", lead.mql_at),
        ("follow_up", "work_deadline", lead.mql_at),
    ):
        if clocks[f"{clock}_status"].iloc[0] == "breached":
            missed.append((clock, pd.Timestamp(clocks[deadline].iloc[0]).to_pydatetime(), since))
    return missed


def reassign(
    *,
    session: Session,
    lead_id: int,
    to_owner: int,
    actor: User,
    seen_owner: int | None,
    note: str | None = None,
    at: datetime | None = None,
) -> LeadEvent:
    """Hand a lead to another rep: a fresh assignment under the rules in force now (its
    disposition clock restarts for the new owner), one event.

    History stays: a clock the previous owner had already breached stays theirs (one
    "breach" event per clock, actor: that owner, at: the deadline they missed); a clock
    still running ends unjudged for them.
    Refused (StaleLead) if the lead is no longer with `seen_owner` or moved on meanwhile.
    """
    require(actor, Permission.ROUTE_LEADS)
    lead = session.get(Lead, lead_id)
    if lead is None:
        raise LookupError(f"lead {lead_id} does not exist")
    if lead.owner_id != seen_owner:
        raise StaleLead(f"lead {lead_id} was reassigned by someone else meanwhile")
    new_owner = check_owner(session, to_owner)
    _require_team(session, actor, lead.owner_id, lead_id)
    _require_team(session, actor, new_owner.id, lead_id)
    at = at or now()
    held_since = lead.assigned_at
    missed = _missed_before(session, lead, at) if lead.owner_id is not None else []
    rules_id = current_rules_id(session=session)
    _write(session, lead, None, {"owner_id": to_owner, "assigned_at": at, "updated_at": at,
                                 "handoff_rules_id": rules_id})  # fmt: skip
    for clock, deadline, since in missed:
        session.add(
            LeadEvent(lead_id=lead_id, at=deadline, kind=EventKind.BREACH, reason=clock,
                      actor_id=seen_owner, since=since, note=f"{clock} missed by "
                      f"{seen_owner} before reassignment to {to_owner}")
        )  # fmt: skip
    event = LeadEvent(lead_id=lead_id, at=at, kind=EventKind.ASSIGNED, actor_id=actor.id,
                      owner_id=to_owner, previous_owner_id=seen_owner, since=held_since,
                      note=note or f"reassigned from {seen_owner} to {to_owner}")  # fmt: skip
    session.add(event)
    session.flush()
    return event
