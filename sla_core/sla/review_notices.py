"""The agreement's review through the reminder channel: notices to the people who sign it.

Each active person who can sign in and holds a role the agreement in force must be signed
by gets one Reminder row (clock "review", no lead) per review day and notice step (14
days before, 3 days before, due or overdue: `reviews.NOTICE_STEPS`), recorded only for
the latest step reached. The partial unique index on (clock, step, recipient, review
day) makes two runs at once record, and so e-mail, each notice once. The rows then go
out with the person's lead reminders in one digest and show in the app.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlmodel import Session, col, select

from sla_core.access import Permission, require
from sla_core.agreement import reviews
from sla_core.models import Reminder, User
from sla_core.sla.reminders import insert_new
from sla_core.terms import AgreementContent

REVIEW = "review"


@dataclass(frozen=True)
class ReviewNotice:
    recipient_id: int
    step: str
    deadline: datetime  # the review day, 00:00 UTC

    @property
    def key(self) -> tuple[str, int, datetime]:
        return self.step, self.recipient_id, self.deadline


def owners(people: Sequence[User], roles: Sequence[str]) -> list[User]:
    """The people a review concerns: active, able to sign in, holding one of `roles`."""
    wanted = set(roles)
    return [
        u
        for u in people
        if u.id is not None and u.active and u.password_hash and str(u.role) in wanted
    ]


def due_review_notices(
    content: AgreementContent, today: date, people: Sequence[User]
) -> list[ReviewNotice]:
    """The notices due `today` (see the module): none before 14 days or without a date."""
    due = reviews.reviews_due(content, today)
    if not due:
        return []
    step = reviews.notice_step(due[0].days_left)
    if step is None:
        return []
    deadline = datetime.combine(due[0].due_on, time(0), UTC)
    roles = [r.role for r in due]
    return [ReviewNotice(u.id or 0, step, deadline) for u in owners(people, roles)]


def record_review_notices(
    *, session: Session, notices: Sequence[ReviewNotice], actor: User, at: datetime
) -> int:
    """Store the notices not stored before (the unique index skips the rest); how many new."""
    require(actor, Permission.SEND_REMINDERS)
    rows: list[dict[str, object]] = [
        {"lead_id": None, "clock": REVIEW, "step": n.step, "recipient_id": n.recipient_id,
         "deadline": n.deadline, "created_at": at, "attempts": 0}
        for n in notices
    ]  # fmt: skip
    return insert_new(session=session, rows=rows, actor=actor)


def known_notices(session: Session) -> set[tuple[str, int, datetime]]:
    """The review notices already recorded, by key (for a dry run's count)."""
    rows = session.exec(
        select(Reminder).where(col(Reminder.lead_id).is_(None), Reminder.clock == REVIEW)
    ).all()
    return {(r.step, r.recipient_id, r.deadline) for r in rows}


def notice_text(reminder: Reminder) -> str:
    """The review notice as a sentence, as of the day it was recorded."""
    due_on = reminder.deadline.date()
    return reviews.review_text(due_on, (due_on - reminder.created_at.date()).days)
