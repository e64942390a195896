"""Signing a version: bound to the hash of the exact content the signer saw."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col

from sla_core import audit
from sla_core.access import Permission, require
from sla_core.agreement.completeness import require_complete
from sla_core.agreement.versions import (
    StaleRevision,
    VersionStatus,
    check_two_sides,
    load_content,
    signatures,
    signers_needed,
    statuses,
    valid_signatures,
)
from sla_core.clock import now
from sla_core.models import AgreementVersion, Role, Signature, User
from sla_core.models.people import ROLE_NAMES


def role_name(role: str) -> str:
    """A role in words ("Sales manager"), as the audit trail and refusals write it."""
    return ROLE_NAMES[Role(role)] if role in set(Role) else role


class SigningRefused(PermissionError):
    """This person may not sign this version now (role, already signed, superseded)."""


def _touch(session: Session, version_id: int, seen_hash: str, *, review: bool) -> bool:
    """Lock the version row and bump its revision, only if its content is still `seen_hash`.

    One UPDATE ... WHERE content_hash = :seen: a concurrent edit either lands first (and
    this matches no row) or waits for this transaction and then finds its revision stale.
    """
    values: dict[str, object] = {"revision": col(AgreementVersion.revision) + 1}
    if review:
        values["in_review_since"] = now()
    result = session.execute(
        update(AgreementVersion)
        .where(
            col(AgreementVersion.id) == version_id,
            col(AgreementVersion.content_hash) == seen_hash,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def _load(session: Session, version_id: int) -> AgreementVersion:
    version = session.get(AgreementVersion, version_id, populate_existing=True)
    if version is None:
        raise LookupError(f"agreement version {version_id} does not exist")
    return version


def request_review(
    *, session: Session, version_id: int, seen_hash: str, actor: User
) -> AgreementVersion:
    """Mark a draft ready for signatures (draft -> in review)."""
    require(actor, Permission.EDIT_AGREEMENT)
    version = _load(session, version_id)
    if statuses(session=session)[version_id] is not VersionStatus.DRAFT:
        raise SigningRefused(f"version {version.number} is not a draft")
    require_complete(load_content(version), number=version.number, doing="sent for signatures")
    if not _touch(session, version_id, seen_hash, review=True):
        raise StaleRevision(f"version {version.number} changed since you opened it; reload")
    audit.record(
        session=session,
        actor=actor,
        action="request_review",
        entity="agreement_version",
        entity_id=version_id,
    )
    session.flush()
    session.refresh(version)
    return version


def sign(*, session: Session, version_id: int, seen_hash: str, actor: User) -> Signature:
    """Sign version `version_id` as `actor`'s role, bound to `seen_hash`.

    Refused when the version is not complete (`completeness.Incomplete`, with the list of
    what is missing), when the content changed since the signer opened it (hash differs), when the
    signer's role is not one the agreement requires, when that role already signed this
    content, or when the version is superseded.
    """
    require(actor, Permission.SIGN_AGREEMENT)
    version = _load(session, version_id)
    role = Role(actor.role)
    try:
        check_two_sides(load_content(version))
    except ValueError as exc:
        raise SigningRefused(f"version {version.number} cannot be signed: {exc}") from exc
    require_complete(load_content(version), number=version.number, doing="signed")
    required = signers_needed(session=session, version_id=version_id)
    if role.value not in required:
        raise SigningRefused(
            f"{actor.name} signs as {role_name(role)}, but this version needs "
            f"{' and '.join(role_name(r) for r in required)}"
        )
    if statuses(session=session)[version_id] is VersionStatus.SUPERSEDED:
        raise SigningRefused(f"version {version.number} is superseded; sign the newest version")
    if not _touch(session, version_id, seen_hash, review=version.in_review_since is None):
        raise StaleRevision(
            f"version {version.number} changed since you opened it; "
            "read the new text, then sign again"
        )
    session.refresh(version)
    taken = [
        s
        for s in valid_signatures(version, signatures(session=session, version_id=version_id))
        if s.role == role.value
    ]
    if taken:
        raise SigningRefused(
            f"The {role_name(role)} role has already signed version {version.number}"
        )
    signature = Signature(
        version_id=version_id, user_id=actor.id or 0, role=role, content_hash=seen_hash
    )
    session.add(signature)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="sign",
        entity="agreement_version",
        entity_id=version_id,
        detail=f"Signed as {role_name(role)}; content {seen_hash}",
    )
    session.flush()
    return signature
