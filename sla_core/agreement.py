"""The agreement: versions, canonical content, hashing, and which version is in force."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlmodel import Session, col, select

from sla_core.clock import now
from sla_core.models import Agreement, AgreementVersion, Signature
from sla_core.terms import AgreementContent


class StaleRevision(RuntimeError):
    """Someone saved this version since it was opened; nothing was overwritten."""


def canonical_json(content: AgreementContent) -> str:
    """The one JSON text of `content`: sorted keys, no whitespace, decimals as strings."""
    return json.dumps(
        content.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def content_hash(content: AgreementContent) -> str:
    """SHA-256 of the canonical JSON: what a signature binds to."""
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def load_content(version: AgreementVersion) -> AgreementContent:
    """The typed content stored in a version."""
    return AgreementContent.model_validate_json(version.content)


def ensure_agreement(*, session: Session, actor_id: int | None = None) -> AgreementVersion:
    """The newest version; a fresh database gets version 1 as a draft with the defaults."""
    newest = session.exec(
        select(AgreementVersion).order_by(col(AgreementVersion.number).desc())
    ).first()
    if newest is not None:
        return newest
    agreement = Agreement(name="Sales & Marketing SLA")
    session.add(agreement)
    session.flush()
    content = AgreementContent()
    version = AgreementVersion(
        agreement_id=agreement.id or 0,
        number=1,
        content=canonical_json(content),
        content_hash=content_hash(content),
        created_by=actor_id,
        updated_by=actor_id,
    )
    session.add(version)
    session.flush()
    return version


def signatures(*, session: Session, version_id: int) -> list[Signature]:
    return list(session.exec(select(Signature).where(Signature.version_id == version_id)).all())


def is_in_force(version: AgreementVersion, sigs: list[Signature]) -> bool:
    """In force once every required role has signed this exact content."""
    required = set(load_content(version).required_signers)
    signed = {s.role for s in sigs if s.content_hash == version.content_hash}
    return bool(required) and required <= signed


@dataclass(frozen=True)
class Governing:
    """The version the app measures against, and whether it is signed."""

    version: AgreementVersion
    content: AgreementContent
    signed: bool


def governing_version(*, session: Session) -> Governing:
    """The newest version in force; until one is signed, the newest draft."""
    versions = session.exec(
        select(AgreementVersion).order_by(col(AgreementVersion.number).desc())
    ).all()
    if not versions:
        newest = ensure_agreement(session=session)
        return Governing(newest, load_content(newest), False)
    for version in versions:
        if is_in_force(version, signatures(session=session, version_id=version.id or 0)):
            return Governing(version, load_content(version), True)
    return Governing(versions[0], load_content(versions[0]), False)


def save_draft(
    *,
    session: Session,
    version_id: int,
    revision: int,
    content: AgreementContent,
    actor_id: int | None,
) -> AgreementVersion:
    """Save a draft against the revision it was opened at; a stale revision is refused."""
    version = session.get(AgreementVersion, version_id)
    if version is None:
        raise LookupError(f"agreement version {version_id} does not exist")
    if version.revision != revision:
        raise StaleRevision(
            f"version {version.number} was changed by someone else since you opened it "
            f"(revision {version.revision}, yours {revision}); reload to see their changes"
        )
    version.content = canonical_json(content)
    version.content_hash = content_hash(content)
    version.revision += 1
    version.updated_at = now()
    version.updated_by = actor_id
    session.add(version)
    session.flush()
    return version
