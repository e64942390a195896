"""Signatures are not voided silently: who will have to sign again, and their notices.

Before an edit that voids signatures is saved, `would_void` names whose signatures it voids
(the page warns the editor with those names). When the save voids them, `notify` records
one notice per signer in the reminder channel (a Reminder row: no lead, clock "resign",
step the version, deadline the instant it was voided): it shows in the app and goes out by
e-mail with the person's next reminder digest. `notices_for` gives each signer what they
signed (the kept revision with their signature's hash) beside the text now, for the
"what changed since I signed" view.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from sla_core.access import Permission, require_self_or
from sla_core.agreement import revisions
from sla_core.clock import now
from sla_core.i18n.languages import N_
from sla_core.i18n.message import Message
from sla_core.models import AgreementVersion, Reminder, Signature, User
from sla_core.terms import AgreementContent

RESIGN = "resign"


def standing(*, session: Session, version: AgreementVersion) -> list[Signature]:
    """The signatures an edit of `version` would void: not voided, on its current content."""
    return list(
        session.exec(
            select(Signature).where(
                Signature.version_id == version.id,
                col(Signature.voided_at).is_(None),
                Signature.content_hash == version.content_hash,
            )
        ).all()
    )


def would_void(*, session: Session, version_id: int) -> list[str]:
    """The names of the people who would have to sign version `version_id` again if it
    were edited now ([] when saving voids nothing, e.g. a signed version starts a new draft)."""
    from sla_core.agreement.versions import VersionStatus, statuses

    version = session.get(AgreementVersion, version_id, populate_existing=True)
    if version is None or statuses(session=session)[version_id] is VersionStatus.SIGNED:
        return []
    people = [session.get(User, s.user_id) for s in standing(session=session, version=version)]
    return [p.name for p in people if p is not None]


def notify(*, session: Session, version: AgreementVersion, voided: list[Signature]) -> None:
    """One notice per signer whose signature on `version` was just voided (see module)."""
    at = now()
    for signature in voided:
        session.add(
            Reminder(
                lead_id=None,
                clock=RESIGN,
                step=f"v{version.number}",
                recipient_id=signature.user_id,
                deadline=at,
                created_at=at,
            )
        )
    session.flush()


def notice_text(reminder: Reminder) -> str:
    """The notice as a sentence (in-app and in the e-mail)."""
    return Message.of(
        N_(
            "Version {number} of the SLA was changed after you signed it, so your signature "
            "was voided. Open the SLA workshop to see what changed since you signed, and sign "
            "again."
        ),
        number=reminder.step.removeprefix("v"),
    )


@dataclass(frozen=True)
class ResignNotice:
    """One unread notice: which version, when it was voided, what was signed and what now."""

    id: int
    version_number: int
    voided_at: datetime
    signed: AgreementContent | None  # None: the signed text predates kept revisions
    now: AgreementContent


def notices_for(*, session: Session, user: User) -> list[ResignNotice]:
    """The user's unread notices of voided signatures, newest first."""
    rows = session.exec(
        select(Reminder)
        .where(
            Reminder.recipient_id == user.id,
            Reminder.clock == RESIGN,
            col(Reminder.read_at).is_(None),
        )
        .order_by(col(Reminder.created_at).desc())
    ).all()
    return [n for n in (_notice(session, user, r) for r in rows) if n is not None]


def _notice(session: Session, user: User, row: Reminder) -> ResignNotice | None:
    number = int(row.step.removeprefix("v"))
    version = session.exec(
        select(AgreementVersion).where(AgreementVersion.number == number)
    ).first()
    if version is None:
        return None
    mine = session.exec(
        select(Signature)
        .where(Signature.version_id == version.id, Signature.user_id == user.id)
        .where(col(Signature.voided_at).is_not(None))
        .order_by(col(Signature.voided_at).desc())
    ).first()
    kept = (
        revisions.with_hash(
            session=session, version_id=version.id or 0, content_hash=mine.content_hash
        )
        if mine
        else None
    )
    signed = AgreementContent.model_validate_json(kept.content) if kept else None
    now_text = AgreementContent.model_validate_json(version.content)
    return ResignNotice(row.id or 0, number, row.deadline, signed, now_text)


def dismiss(*, session: Session, notice_id: int, actor: User) -> None:
    """Mark a notice read: one's own, or anyone's with the right to send reminders."""
    row = session.get(Reminder, notice_id)
    if row is None or row.clock != RESIGN:
        raise LookupError(f"there is no notice {notice_id}")
    require_self_or(actor, row.recipient_id, Permission.SEND_REMINDERS)
    row.read_at = now()
    session.add(row)
    session.flush()
