"""The audit trail: who changed what, when. Every audited write adds one entry."""

from __future__ import annotations

from sqlmodel import Session

from sla_core.models import AuditEntry, User


def record(
    *,
    session: Session,
    actor: User | None,
    action: str,
    entity: str,
    entity_id: str | int | None = None,
    detail: str | None = None,
) -> AuditEntry:
    """Add an audit entry for `action` on `entity` by `actor` (None: the system itself)."""
    entry = AuditEntry(
        actor_id=actor.id if actor else None,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        detail=detail,
    )
    session.add(entry)
    return entry
