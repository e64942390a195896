"""One lead's file: its profile and score explained, who owned it when, every event, each SLA
clock in words and the next step, for the lead page.

The clocks are THE computation (`clocks.lead_clocks` with the setup and agreement every page
reads), run on this one lead; breaches a reassignment left with a previous owner come from
their "breach" events (`reassign.kept_breaches`' rows), never recounted here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlmodel import Session, col, select

from sla_core import agreement
from sla_core.access import Permission, PermissionDenied, can, lead_scope
from sla_core.i18n.message import Message
from sla_core.models import ImportBatch, Lead, LeadEvent, Role, User
from sla_core.scoring import criterion_met
from sla_core.sla.clocks import lead_clocks
from sla_core.sla.context import load_setup
from sla_core.sla.lead_steps import clock_lines, next_step
from sla_core.sla.worktime import WorkSetup
from sla_core.stages import EventKind
from sla_core.store.fields import TIME_COLUMNS
from sla_core.terms import AgreementContent, MQLDefinition

EVENT_COLUMNS = ("at", "kind", "touch_kind", "from_stage", "to_stage", "reason", "actor",
                 "owner", "file")  # fmt: skip


class LeadNotFound(LookupError):
    """No lead has this id."""


class NotYourLead(PermissionDenied):
    """The reader may see only their own leads, and this one is someone else's."""


def open_lead(*, session: Session, lead_id: int, user: User) -> Lead:
    """The lead `user` may see: every lead for those who view all leads, else their own.

    PermissionDenied for a reader who may not browse leads at all (a viewer), LeadNotFound
    for an unknown id, NotYourLead for another rep's lead.
    """
    scope = lead_scope(user)  # PermissionDenied for viewers
    lead = session.get(Lead, lead_id) if 0 < lead_id < 2**63 else None
    if lead is None:
        raise LeadNotFound(lead_id)
    if scope is not None and lead.owner_id != scope:
        raise NotYourLead(lead_id)
    return lead


def lead_frame(lead: Lead) -> pd.DataFrame:
    """One stored lead as a one-row snapshot frame (aware UTC instants), as the clocks read."""
    row = {c.name: getattr(lead, c.name) for c in Lead.__table__.columns}  # type: ignore[attr-defined]
    frame = pd.DataFrame([row])
    for name in TIME_COLUMNS:
        frame[name] = pd.to_datetime(frame[name], utc=True)
    return frame


@dataclass(frozen=True)
class LeadFile:
    """Everything the lead page shows about one lead at `ref`.

    score: field, value, weight, met, points (one row per MQL criterion of the definition
    the lead was judged by); owners: owner_id, owner, since, until (NaT: still);
    events: EVENT_COLUMNS, oldest first; clocks: clock, owner, deadline, status, state.
    """

    lead: dict[str, Any]
    owner: str | None
    score: pd.DataFrame
    total: int
    threshold: int
    exempt: bool
    owners: pd.DataFrame
    events: pd.DataFrame
    clocks: pd.DataFrame
    next_step: Message
    may_work: bool
    ref: datetime


def lead_file(*, session: Session, lead_id: int, user: User, ref: datetime) -> LeadFile:
    """The file of the lead `user` may see (see `open_lead` for the refusals)."""
    lead = open_lead(session=session, lead_id=lead_id, user=user)
    people = [u for u in session.exec(select(User)).all() if u.id is not None]
    names = {u.id: u.name for u in people if u.id is not None}
    roles = {u.id: Role(u.role) for u in people if u.id is not None}
    setup = load_setup(session=session)
    content = agreement.governing_version(session=session).content
    frame = lead_frame(lead)
    clocks = lead_clocks(frame, content, ref, setup).iloc[0]
    stored = _events(session, lead_id, names)
    owners = owner_history(stored, lead, roles, names)
    definition = judged_by(frame, content, setup)
    score = explained_score(frame, definition)
    return LeadFile(
        lead=frame.iloc[0].to_dict(),
        owner=names.get(lead.owner_id) if lead.owner_id is not None else None,
        score=score,
        total=int(score["points"].sum()),
        threshold=definition.threshold,
        exempt=bool(clocks["exempt"]),
        owners=owners,
        events=stored[list(EVENT_COLUMNS)],
        clocks=clock_lines(frame.iloc[0], clocks, stored, ref, owner=owners),
        next_step=next_step(frame.iloc[0], clocks, ref),
        may_work=may_work(user, lead),
        ref=ref,
    )


def may_work(user: User, lead: Lead) -> bool:
    """Whether the page offers `user` the actions on this lead: its owner, or a manager who
    works team queues (the actions themselves check again, team included)."""
    if not can(user, Permission.WORK_LEADS) or lead.owner_id is None:
        return False
    return lead.owner_id == user.id or can(user, Permission.VIEW_TEAM_QUEUES)


def _events(session: Session, lead_id: int, names: dict[int, str]) -> pd.DataFrame:
    """Every event of the lead, oldest first, with its actor's and new owner's names."""
    rows = session.exec(
        select(LeadEvent)
        .where(col(LeadEvent.lead_id) == lead_id)
        .order_by(col(LeadEvent.at), col(LeadEvent.id))
    ).all()
    batches = {e.batch_id for e in rows if e.batch_id is not None}
    files = {
        b.id: b.filename
        for b in session.exec(select(ImportBatch).where(col(ImportBatch.id).in_(batches))).all()
    }
    frame = pd.DataFrame(
        [
            {
                "at": pd.Timestamp(e.at),
                "kind": str(e.kind),
                "touch_kind": None if e.touch_kind is None else str(e.touch_kind),
                "from_stage": None if e.from_stage is None else str(e.from_stage),
                "to_stage": None if e.to_stage is None else str(e.to_stage),
                "reason": e.reason,
                "actor_id": e.actor_id,
                "actor": names.get(e.actor_id) if e.actor_id is not None else None,
                "owner_id": e.owner_id,
                "owner": names.get(e.owner_id) if e.owner_id is not None else None,
                "previous_owner_id": e.previous_owner_id,
                "since": e.since,
                "file": files.get(e.batch_id),
            }
            for e in rows
        ],
        columns=[*EVENT_COLUMNS, "actor_id", "owner_id", "previous_owner_id", "since"],
    )
    for name in ("at", "since"):
        frame[name] = pd.to_datetime(frame[name], utc=True)
    return frame


def owner_history(
    events: pd.DataFrame, lead: Lead, roles: dict[int, Role], names: dict[int, str]
) -> pd.DataFrame:
    """Who owned the lead when: each assignment's previous and new owner from its event
    (older events without them: the actor when a sales rep, as routing recorded), then the
    current owner from their assignment on if the events do not end with them."""
    held: list[tuple[int, pd.Timestamp]] = []
    for row in events[events["kind"] == EventKind.ASSIGNED.value].itertuples():
        before = row.previous_owner_id
        if not pd.isna(before) and (not held or held[-1][0] != int(before)):
            held.append((int(before), row.since))  # since: when they had been given it
        owner = row.owner_id
        if pd.isna(owner) and not pd.isna(row.actor_id):
            owner = row.actor_id if roles.get(int(row.actor_id)) is Role.SALES_REP else None
        if owner is not None and not pd.isna(owner):
            held.append((int(owner), row.at))
    if lead.owner_id is not None and (not held or held[-1][0] != lead.owner_id):
        held.append((lead.owner_id, pd.Timestamp(lead.assigned_at or lead.created_at)))
    merged = [h for i, h in enumerate(held) if i == 0 or held[i - 1][0] != h[0]]
    since = [pd.Timestamp(t) for _, t in merged]
    return pd.DataFrame(
        {
            "owner_id": [o for o, _ in merged],
            "owner": [names.get(o, "") for o, _ in merged],
            "since": pd.to_datetime(since, utc=True),
            "until": pd.to_datetime([*since[1:], pd.NaT], utc=True),
        }
    )


def judged_by(frame: pd.DataFrame, content: AgreementContent, setup: WorkSetup) -> MQLDefinition:
    """The MQL definition the lead is scored against: the one its hand-off recorded, else
    the one in force at its hand-off, else the agreement's (as `exemptions` chooses)."""
    rules_id = frame["handoff_rules_id"].iloc[0]
    if not pd.isna(rules_id) and int(rules_id) in setup.rules:
        return setup.rules[int(rules_id)].mql
    handoff = frame["assigned_at"].iloc[0]
    handoff = frame["mql_at"].iloc[0] if pd.isna(handoff) else handoff
    chosen = content.mql
    if setup.mql_history and not pd.isna(handoff):
        for since, definition in setup.mql_history:
            if since <= handoff or since is setup.mql_history[0][0]:
                chosen = definition
    return chosen


def explained_score(frame: pd.DataFrame, definition: MQLDefinition) -> pd.DataFrame:
    """One row per criterion: the lead's value, the weight, whether it met it, its points."""
    rows = []
    for criterion in definition.criteria:
        met = bool(criterion_met(frame, criterion).iloc[0])
        value = frame[criterion.field.value].iloc[0] if criterion.field.value in frame else None
        rows.append({"field": criterion.field.value, "value": None if pd.isna(value) else value,
                     "weight": criterion.weight, "met": met,
                     "points": criterion.weight if met else 0})  # fmt: skip
    return pd.DataFrame(rows, columns=["field", "value", "weight", "met", "points"]).astype(
        {"weight": np.int64, "points": np.int64}
    )
