"""The content each save of a version left (AgreementRevision), so that two revisions of
one draft can be compared, and a signer can see what changed since they signed (the
revision whose hash their signature holds)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from sla_core.clock import now
from sla_core.models import AgreementRevision


def record(
    *,
    session: Session,
    version_id: int,
    revision: int,
    content: str,
    content_hash: str,
    actor_id: int | None,
) -> None:
    """Keep the canonical `content` that revision `revision` of a version holds."""
    session.add(
        AgreementRevision(
            version_id=version_id,
            revision=revision,
            content=content,
            content_hash=content_hash,
            saved_by=actor_id,
            saved_at=now(),
        )
    )
    session.flush()


def of_version(*, session: Session, version_id: int) -> list[AgreementRevision]:
    """Every recorded revision of a version, newest first."""
    return list(
        session.exec(
            select(AgreementRevision)
            .where(AgreementRevision.version_id == version_id)
            .order_by(col(AgreementRevision.revision).desc())
        ).all()
    )


def with_hash(*, session: Session, version_id: int, content_hash: str) -> AgreementRevision | None:
    """The latest revision of a version whose content had `content_hash` (what a signature
    with that hash signed); None when it was never recorded (saved before revisions were)."""
    return session.exec(
        select(AgreementRevision)
        .where(
            AgreementRevision.version_id == version_id,
            AgreementRevision.content_hash == content_hash,
        )
        .order_by(col(AgreementRevision.revision).desc())
    ).first()
