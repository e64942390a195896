"""One reminder run (cron or page): record the due steps, e-mail each person one digest.

The agreement's review notices (`review_notices`) ride along: recorded in the same run,
sent in the same digest. Idempotent: the steps are unique per lead/clock/step/recipient
(a review notice per step/recipient/review day), and only reminders not yet e-mailed
are claimed and sent.

Never twice: each person's digest is claimed (a token in the rows) just before it is
sent and marked e-mailed, under that claim only, as soon as the server accepts it. A run
killed mid-send leaves the digests already accepted settled and at most the one in flight
claimed (for 15 minutes); two runs at once claim different people. A digest that cannot be
built (a bad address) or that the server refuses (550) is held for that person, named in
the report, and everyone else's mail still goes. SMTP down: what was not sent stays
pending for the next run. Login refused or no STARTTLS: a clear message, nothing sent.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage

import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from sla_core import agreement, leads, org
from sla_core.access import Permission, require
from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.i18n.dates import local_time
from sla_core.models import Lead, Reminder, Role, User
from sla_core.people.users import address_problem
from sla_core.sla.clocks import lead_clocks
from sla_core.sla.context import load_setup
from sla_core.sla.digest import digest, reminder_text
from sla_core.sla.mailer import MessageRefused, Outbox, SettingsRefused, SmtpConfig, Unavailable
from sla_core.sla.reassign import overdue_for_reassignment, plan_reassignment
from sla_core.sla.reminders import (
    claim_for,
    due_reminders,
    hold,
    managers_of,
    mark_sent,
    pending_recipients,
    record_reminders,
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
    held: list[Held] = field(default_factory=list)  # digests not sent, each with its reason
    sent: list[Sent] = field(default_factory=list)  # digests the server accepted, by person


@dataclass
class Sent:
    """A person's digest this run e-mailed, and how many reminders it carried."""

    username: str
    name: str
    email: str
    reminders: int


@dataclass
class Held:
    """A person's digest this run did not send, and why (it stays pending for the next run)."""

    username: str
    name: str
    email: str
    reminders: int
    reason: str


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
        report.error = (
            "e-mail is off (no SMTP host on the Settings page or in LEADPACT_SMTP_HOST): "
            "reminders are in-app only"
        )
        return report
    _send(engine, config, report, actor)
    return report


def _send(engine: Engine, config: SmtpConfig, report: RemindReport, actor: User) -> None:
    """Each person's digest: claimed, built, sent and settled on its own (see the module)."""
    token = uuid.uuid4().hex
    with session_scope(engine) as session:
        waiting = pending_recipients(session=session, actor=actor)
    with Outbox(config) as outbox:
        for done, person_id in enumerate(waiting):
            with session_scope(engine) as session:
                # Claims age in real time, whatever moment `ref` judges the clocks at.
                rows = claim_for(session=session, recipient_id=person_id, token=token, at=now(),
                                 actor=actor)  # fmt: skip
                if not rows:
                    continue  # another run holds (or sent) this person's digest
                person = session.get(User, person_id)
                assert person is not None  # the claim found rows addressed to them
                ids = [r.id for r in rows if r.id is not None]
                message, problem = _build(person, rows, session)
            try:
                if message is None:
                    raise MessageRefused(problem)
                outbox.send(message)
            except MessageRefused as exc:
                _hold(engine, token, actor, ids, str(exc))
                report.held.append(Held(person.username, person.name, person.email or "",
                                        len(ids), str(exc)))  # fmt: skip
                continue
            except (SettingsRefused, Unavailable) as exc:
                rest = waiting[done + 1 :]
                report.pending = _hold(engine, token, actor, ids, str(exc), rest)
                report.error, report.refused = str(exc), isinstance(exc, SettingsRefused)
                return
            with session_scope(engine) as session:
                marked = mark_sent(session=session, ids=ids, token=token, at=now(), actor=actor)
            report.emailed += marked
            report.recipients.append(person.email or "")
            report.sent.append(Sent(person.username, person.name, person.email or "", marked))
    report.recipients.sort()
    report.sent.sort(key=lambda s: s.email)


def _build(person: User, rows: list[Reminder], session: Session) -> tuple[EmailMessage | None, str]:
    """The person's digest, or None and why it cannot be sent to them."""
    problem = address_problem(person.email or "")
    if problem:
        return None, f"e-mail {problem}: correct it (users set-email)"
    try:
        return digest(person, rows, session), ""
    except (ValueError, TypeError, LookupError) as exc:  # e.g. a header the policy refuses
        return None, f"the digest could not be written ({exc})"


def _hold(
    engine: Engine,
    token: str,
    actor: User,
    ids: list[int],
    error: str,
    rest: list[int] | None = None,
) -> int:
    with session_scope(engine) as session:
        return hold(session=session, token=token, error=error, actor=actor, ids=ids,
                    recipients=rest or [])  # fmt: skip


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
