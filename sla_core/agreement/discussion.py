"""Comments per workshop section, and who changed what and when (from the audit)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from sla_core import audit
from sla_core.access import Permission, require
from sla_core.agreement.sections import SECTIONS
from sla_core.db import checked_text
from sla_core.i18n.languages import N_
from sla_core.models import AgreementComment, AgreementVersion, AuditEntry, User

MAX_COMMENT = 4000
# What the audit records about a version, as "Who changed what" says it (translated there).
ACTION_WORDS = {
    "new_draft": N_("Started a new draft"),
    "save_draft": N_("Saved the draft"),
    "edit_mql_criteria": N_("Edited the MQL criteria"),
    "edit_targets": N_("Edited the targets"),
    "comment": N_("Commented"),
    "request_review": N_("Asked for review"),
    "sign": N_("Signed"),
    "export_pdf": N_("Exported the PDF"),
}


def action_words(action: str) -> str:
    """An audited action in words (English; an action this map does not know, spelled out)."""
    return ACTION_WORDS.get(action, action.replace("_", " ").capitalize())


@dataclass(frozen=True)
class Remark:
    at: datetime
    author: str
    text: str


def add_comment(
    *, session: Session, version_id: int, section: str, text: str, actor: User
) -> AgreementComment:
    """Add `actor`'s comment to a section; empty or overlong text is refused in words."""
    require(actor, Permission.EDIT_AGREEMENT)
    if section not in SECTIONS:
        raise ValueError(f"unknown agreement section {section!r}")
    body = text.strip()
    if not body:
        raise ValueError("a comment needs some text")
    if len(body) > MAX_COMMENT:
        raise ValueError(f"a comment may be at most {MAX_COMMENT} characters ({len(body)} given)")
    body = checked_text(body, field="comment", limit=MAX_COMMENT)
    if session.get(AgreementVersion, version_id) is None:
        raise LookupError(f"agreement version {version_id} does not exist")
    comment = AgreementComment(
        version_id=version_id, section=section, author_id=actor.id, text=body
    )
    session.add(comment)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="comment",
        entity="agreement_version",
        entity_id=version_id,
        detail=f"{section}: comment {comment.id}",
    )
    return comment


def _names(session: Session) -> dict[int, str]:
    return {u.id or 0: u.name for u in session.exec(select(User)).all()}


def comments(*, session: Session, version_id: int, section: str) -> list[Remark]:
    """A section's comments, oldest first."""
    names = _names(session)
    rows = session.exec(
        select(AgreementComment)
        .where(AgreementComment.version_id == version_id, AgreementComment.section == section)
        .order_by(col(AgreementComment.at), col(AgreementComment.id))
    ).all()
    return [Remark(r.at, names.get(r.author_id or 0, "LeadPact (system)"), r.text) for r in rows]


@dataclass(frozen=True)
class Change:
    at: datetime
    who: str
    action: str
    version: int
    detail: str


def history(*, session: Session, limit: int = 200) -> list[Change]:
    """Every audited change to any agreement version, newest first."""
    names = _names(session)
    numbers = {str(v.id): v.number for v in session.exec(select(AgreementVersion)).all()}
    rows = session.exec(
        select(AuditEntry)
        .where(AuditEntry.entity == "agreement_version")
        .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
        .limit(limit)
    ).all()
    return [
        Change(
            r.at,
            names.get(r.actor_id or 0, "LeadPact (system)"),
            r.action,
            numbers.get(r.entity_id or "", 0),
            r.detail or "",
        )
        for r in rows
    ]
