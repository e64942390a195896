"""Each person's interface language, stored on their user row."""

from __future__ import annotations

from sqlmodel import Session

from sla_core import audit
from sla_core.access import Permission, PermissionDenied, can, require
from sla_core.i18n.languages import Language
from sla_core.models import User


def set_language(*, session: Session, user_id: int, language: Language, actor: User) -> User:
    """Store `user_id`'s interface language: people choose their own, admins anyone's."""
    require(actor, Permission.VIEW_DASHBOARD)
    if actor.id != user_id and not can(actor, Permission.MANAGE_USERS):
        raise PermissionDenied(f"{actor.name} may not choose another person's language")
    user = session.get(User, user_id)
    if user is None:
        raise LookupError(f"there is no user #{user_id}")
    user.language = Language(language).value
    session.add(user)
    audit.record(
        session=session,
        actor=actor,
        action="user.language",
        entity="user",
        entity_id=user_id,
        detail=user.language,
    )
    session.flush()
    return user
