"""Server-side sign-in sessions: the browser's cookie names one; ending it signs that browser out.

A cookie copied before sign-out is worthless afterwards, and changing a password or
deactivating a user ends every session of theirs.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col

from sla_core.access import Permission, require_self_or
from sla_core.clock import now
from sla_core.models import SignInSession, User

SESSION_DAYS = 7.0


def start(*, session: Session, user_id: int, at: datetime | None = None) -> SignInSession:
    """A new session for a user who has just proved their password (the caller checked it)."""
    started = at or now()
    row = SignInSession(
        id=secrets.token_urlsafe(24),
        user_id=user_id,
        expires_at=started + timedelta(days=SESSION_DAYS),
    )
    session.add(row)
    session.flush()
    return row


def live_user_id(*, session: Session, session_id: str, at: datetime | None = None) -> int | None:
    """The user a live session belongs to; None when it is unknown, ended or expired."""
    row = session.get(SignInSession, session_id)
    if row is None or row.ended_at is not None or row.expires_at <= (at or now()):
        return None
    return row.user_id


def end(*, session: Session, session_id: str) -> None:
    """Sign one browser out: holding the session id is the right to end it."""
    session.execute(
        update(SignInSession)
        .where(col(SignInSession.id) == session_id, col(SignInSession.ended_at).is_(None))
        .values(ended_at=now())
    )


def end_all(*, session: Session, user_id: int | None, actor: User) -> int:
    """End every session of a user (the user themselves, or an admin); returns how many."""
    require_self_or(actor, user_id, Permission.MANAGE_USERS)
    if user_id is None:
        return 0
    result = session.execute(
        update(SignInSession)
        .where(col(SignInSession.user_id) == user_id, col(SignInSession.ended_at).is_(None))
        .values(ended_at=now())
    )
    return int(getattr(result, "rowcount", 0) or 0)
