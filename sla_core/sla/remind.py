"""One reminder run (cron or page): record the due steps, e-mail each person one digest.

The agreement's review notices (`review_notices`) ride along: recorded in the same run,
sent in the same digest. Idempotent: the steps are unique per lead/clock/step/recipient
(a review notice per step/recipient/review day), and only reminders not yet e-mailed
are claimed and sent. SMTP down: nothing is marked sent, the next run sends
them. Login refused: a clear message, nothing marked sent.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from sla_core import agreement, leads, org
from sla_core.access import Permission, require
from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.i18n.dates import local_time
from sla_core.models import Lead, Reminder, Role, User
from sla_core.sla.clocks import lead_clocks
from sla_core.sla.context import load_setup
from sla_core.sla.digest import digest, reminder_text
from sla_core.sla.mailer import SmtpConfig, deliver
from sla_core.sla.reassign import overdue_for_reassignment, plan_reassignment
from sla_core.sla.reminders import (
    claim_pending,
    due_reminders,
    managers_of,
    record_reminders,
    settle,
)
from sla_core.sla.review_notices import (
    ReviewNotice,
    due_review_notices,
    known_notices,
    record_review_notices,
)
from sla_core.store import snapshot


@dataclass
class RemindReport:
    """What a run did (or, dry, would do)."""

    due: int = 0
    new: int = 0
    emailed: int = 0
    pending: int = 0
    error: str | None = None
    refused: bool = False
    dry_run: bool = False
    reassigned: int = 0  # leads handed to another rep (planned, in a dry run)
    recipients: list[str] = field(default_factory=list)


def _state(engine: Engine, ref: datetime) -> tuple[pd.DataFrame, pd.DataFrame, list[ReviewNotice]]:
    """The reminder steps due now, the lead reassignments the agreement asks for, and the
    review notices due on the organisation's calendar day."""
    with session_scope(engine) as session:
        content = agreement.governing_version(session=session).content
        setup = load_setup(session=session)
        people = list(session.exec(select(User)).all())
        zone = org.load_org_settings(session=session).time_zone
    notices = due_review_notices(content, local_time(ref, zone).date(), people)
    frame = snapshot.read_leads(engine, columns=snapshot.SNAPSHOT_COLUMNS)
    clocks = lead_clocks(frame, content, ref, setup)
    due = due_reminders(frame, clocks, content, managers_of(people))
    overdue = overdue_for_reassignment(frame, clocks, content, ref)
    open_leads = frame.loc[clocks["open"].to_numpy(), "owner_id"].dropna().astype(int)
    away = set(frame.loc[clocks["owner_away"].to_numpy(), "owner_id"].dropna().astype(int))
    reps = [u.id for u in people if u.id and u.active and u.role == Role.SALES_REP]
    plan = plan_reassignment(overdue, open_leads.value_counts().to_dict(), setup.team_of,
                             reps, away)  # fmt: skip
    return due, plan, notices


def _reassign(engine: Engine, plan: pd.DataFrame, actor: User, ref: datetime) -> int:
    done = 0
    for row in plan.itertuples():
        try:
            with session_scope(engine) as session:
                leads.reassign(session=session, lead_id=int(row.lead_id), to_owner=int(row.to_owner),
                               actor=actor, seen_owner=int(row.from_owner), at=ref,
                               note=f"disposition overdue by {row.overdue_hours:g} h")  # fmt: skip
            done += 1
        except leads.StaleLead:
            continue  # someone acted on it meanwhile: nothing to do
    return done


def run_reminders(
    *,
    engine: Engine,
    actor: User,
    config: SmtpConfig | None,
    dry_run: bool = False,
    ref: datetime | None = None,
) -> RemindReport:
    """Record the reminder steps due at `ref` and e-mail the pending ones (see module)."""
    require(actor, Permission.SEND_REMINDERS)
    ref = ref or now()
    due, plan, notices = _state(engine, ref)
    report = RemindReport(due=len(due) + len(notices), dry_run=dry_run, reassigned=len(plan))
    if dry_run:
        with session_scope(engine) as session:
            known = {(r.lead_id, r.clock, r.step, r.recipient_id)
                     for r in session.exec(select(Reminder)).all()}  # fmt: skip
            noticed = known_notices(session)
        keys = zip(due["lead_id"], due["clock"], due["step"], due["recipient_id"], strict=True)
        report.new = sum((int(a), b, c, int(d)) not in known for a, b, c, d in keys)
        report.new += sum(n.key not in noticed for n in notices)
        return report
    with session_scope(engine) as session:
        report.new = record_reminders(session=session, due=due, actor=actor, at=ref)
        report.new += record_review_notices(session=session, notices=notices, actor=actor, at=ref)
    report.reassigned = _reassign(engine, plan, actor, ref)
    if config is None:
        report.error = "e-mail is off (no LEADPACT_SMTP_HOST): reminders are in-app only"
        return report
    _send(engine, config, ref, report, actor)
    return report


def _send(
    engine: Engine, config: SmtpConfig, ref: datetime, report: RemindReport, actor: User
) -> None:
    token = uuid.uuid4().hex
    with session_scope(engine) as session:
        claimed = claim_pending(session=session, token=token, at=ref, actor=actor)
        by_person: dict[int, list[Reminder]] = defaultdict(list)
        for reminder in claimed:
            by_person[reminder.recipient_id].append(reminder)
        people = {p.id: p for p in session.exec(select(User).where(col(User.id).in_(by_person)))}
        batches = [(pid, digest(people[pid], rows, session)) for pid, rows in by_person.items()]
        ids = {pid: [r.id for r in rows if r.id is not None] for pid, rows in by_person.items()}
    delivery = deliver(config, [message for _, message in batches])
    sent = [rid for i in delivery.sent for rid in ids[batches[i][0]]]
    failed = [rid for pid, rows in ids.items() for rid in rows if rid not in set(sent)]
    with session_scope(engine) as session:
        settle(
            session=session, sent=sent, failed=failed, error=delivery.error, at=now(), actor=actor
        )
    report.emailed, report.pending = len(sent), len(failed)
    report.error, report.refused = delivery.error, delivery.refused
    report.recipients = sorted(people[batches[i][0]].email or "" for i in delivery.sent)


def notifications(*, session: Session, user: User, limit: int = 50) -> pd.DataFrame:
    """The reminders addressed to `user`, newest first (the in-app notification list)."""
    rows = session.exec(
        select(Reminder, Lead)
        .join(Lead, col(Lead.id) == col(Reminder.lead_id), isouter=True)
        .where(Reminder.recipient_id == user.id)
        .order_by(col(Reminder.created_at).desc(), col(Reminder.id).desc())
        .limit(limit)
    ).all()
    return pd.DataFrame(
        [{"at": r.created_at, "text": reminder_text(r, lead, user),
          "emailed": r.emailed_at is not None}
         for r, lead in rows],
        columns=["at", "text", "emailed"],
    )  # fmt: skip
