"""Versions of the agreement: canonical content, hashing, status, what is in force, drafts.

VersionStatus: draft -> in review -> signed (in force) -> superseded. Only "in review" is stored
(`in_review_since`); signed and superseded follow from the valid signatures, so no stored
state can drift from the signatures it summarises.

Long because what is in force depends on the chain of versions (`chain`: a change of who
must sign needs those who signed the version in force), and status, governing version and
signing must all read that one chain; splitting it off would import in a circle.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from sla_core import audit
from sla_core.access import Permission, require, side_of
from sla_core.agreement import resign, revisions
from sla_core.clock import now
from sla_core.i18n.languages import Language
from sla_core.models import Agreement, AgreementVersion, Signature, User
from sla_core.terms import ADDED_LATER, AgreementContent
from sla_core.terms.defaults import default_content


class StaleRevision(RuntimeError):
    """Someone saved this version since it was opened; nothing was overwritten."""


class VersionStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    SIGNED = "signed"
    SUPERSEDED = "superseded"


def canonical_json(content: AgreementContent) -> str:
    """The one JSON text of `content`: sorted keys, no whitespace, decimals as strings.

    The fields added after the first versions (`ADDED_LATER`) are left out while unset, so
    a version stored before them keeps its text and hash, and its signatures stand.
    """
    unset = {name for name in ADDED_LATER if getattr(content, name) is None}
    return json.dumps(
        content.model_dump(mode="json", exclude=unset),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def content_hash(content: AgreementContent) -> str:
    """SHA-256 of the canonical JSON: what a signature binds to."""
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def load_content(version: AgreementVersion) -> AgreementContent:
    """The typed content stored in a version."""
    return AgreementContent.model_validate_json(version.content)


def ensure_agreement(
    *, session: Session, actor_id: int | None = None, language: Language = Language.ENGLISH
) -> AgreementVersion:
    """The newest version; a fresh database gets version 1 as a draft with the defaults, its
    default texts (title, stage definitions, team names) in `language` (the reader's)."""
    newest = _newest(session)
    if newest is not None:
        return newest
    agreement = Agreement(name="Sales & Marketing SLA")
    session.add(agreement)
    session.flush()
    content = default_content(language)
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
    _keep(session, version, actor_id)
    return version


def _keep(session: Session, version: AgreementVersion, actor_id: int | None) -> None:
    """Record the content `version` holds now at its revision (see `revisions`)."""
    revisions.record(
        session=session,
        version_id=version.id or 0,
        revision=version.revision,
        content=version.content,
        content_hash=version.content_hash,
        actor_id=actor_id,
    )


def _newest(session: Session) -> AgreementVersion | None:
    return session.exec(
        select(AgreementVersion).order_by(col(AgreementVersion.number).desc())
    ).first()


def signatures(*, session: Session, version_id: int) -> list[Signature]:
    """Every signature ever given on a version, voided ones included, oldest first."""
    return list(
        session.exec(
            select(Signature)
            .where(Signature.version_id == version_id)
            .order_by(col(Signature.signed_at), col(Signature.id))
        ).all()
    )


def valid_signatures(version: AgreementVersion, sigs: list[Signature]) -> list[Signature]:
    """The signatures that still count: not voided and bound to the version's current hash."""
    return [s for s in sigs if s.voided_at is None and s.content_hash == version.content_hash]


def is_in_force(
    version: AgreementVersion, sigs: list[Signature], needed: tuple[str, ...] | None = None
) -> bool:
    """Fully signed: every needed role (by default the version's own signer list; see
    `signers_needed`) has a valid signature on this exact content."""
    required = set(needed if needed is not None else load_content(version).required_signers)
    signed = {s.role for s in valid_signatures(version, sigs)}
    return bool(required) and required <= signed


def check_two_sides(content: AgreementContent) -> None:
    """An agreement between two teams is signed by each: refuse a signer list without at
    least one sales-side role and one marketing-side role."""
    sides = {side_of(role) for role in content.required_signers}
    if not {"sales", "marketing"} <= sides:
        raise ValueError(
            "an agreement between two teams needs a signature from each side: name at least "
            "one sales role and one marketing role among the roles that must sign"
        )


@dataclass(frozen=True)
class Link:
    """One version in the chain, oldest first: who must sign it, and whether it is in force."""

    version: AgreementVersion
    sigs: list[Signature]
    needed: tuple[str, ...]
    in_force: bool


def chain(*, session: Session) -> list[Link]:
    """Every version oldest first, with the roles whose signatures put it in force.

    A version needs its own signer list. When that list differs from the list of the
    version in force before it, the roles that signed that version must sign too: who must
    sign changes only with the consent of those who signed the agreement in force.
    """
    links: list[Link] = []
    consent: tuple[str, ...] | None = None  # roles that signed the version in force so far
    base: frozenset[str] | None = None  # that version's own signer list
    for version in reversed(all_versions(session=session)):
        own = load_content(version).required_signers
        needed = own
        if base is not None and consent is not None and frozenset(own) != base:
            needed = own + tuple(r for r in consent if r not in own)
        sigs = signatures(session=session, version_id=version.id or 0)
        in_force = is_in_force(version, sigs, needed)
        if in_force:
            base, consent = frozenset(own), needed
        links.append(Link(version, sigs, needed, in_force))
    return links


def signers_needed(*, session: Session, version_id: int) -> tuple[str, ...]:
    """The roles whose signatures put version `version_id` in force (see `chain`)."""
    for link in chain(session=session):
        if link.version.id == version_id:
            return link.needed
    raise LookupError(f"agreement version {version_id} does not exist")


@dataclass(frozen=True)
class Governing:
    """The version the app measures against, and whether it is signed."""

    version: AgreementVersion
    content: AgreementContent
    signed: bool


def all_versions(*, session: Session) -> list[AgreementVersion]:
    """Every version, newest first."""
    return list(
        session.exec(select(AgreementVersion).order_by(col(AgreementVersion.number).desc())).all()
    )


def statuses(*, session: Session) -> dict[int, VersionStatus]:
    """The status of every version by id: the newest fully signed one is in force."""
    result: dict[int, VersionStatus] = {}
    in_force_seen = False
    for link in reversed(chain(session=session)):
        version, sigs = link.version, link.sigs
        if in_force_seen:
            result[version.id or 0] = VersionStatus.SUPERSEDED
        elif link.in_force:
            result[version.id or 0] = VersionStatus.SIGNED
            in_force_seen = True
        elif version.in_review_since is not None or valid_signatures(version, sigs):
            result[version.id or 0] = VersionStatus.IN_REVIEW
        else:
            result[version.id or 0] = VersionStatus.DRAFT
    return result


def governing_version(*, session: Session, language: Language = Language.ENGLISH) -> Governing:
    """The newest version in force; until one is signed, the newest draft (the first one
    drafted with its default texts in `language`)."""
    versions = all_versions(session=session)
    if not versions:
        newest = ensure_agreement(session=session, language=language)
        return Governing(newest, load_content(newest), False)
    for link in reversed(chain(session=session)):
        if link.in_force:
            return Governing(link.version, load_content(link.version), True)
    return Governing(versions[0], load_content(versions[0]), False)


def working_version(*, session: Session, language: Language = Language.ENGLISH) -> AgreementVersion:
    """The version editors open: the newest one (saving a signed one starts a new draft)."""
    return ensure_agreement(session=session, language=language)


def save_draft(
    *,
    session: Session,
    version_id: int,
    revision: int,
    content: AgreementContent,
    actor: User,
    section: str | None = None,
) -> AgreementVersion:
    """Save against the revision the version was opened at; a stale revision is refused.

    The check and the bump are one UPDATE ... WHERE revision = :seen, so two people saving
    at the same instant cannot both win, whatever the database's isolation level. Saving
    a signed version starts the next version as a draft (the signed one stays in force);
    saving a draft or a version in review voids the signatures it had, and each other
    signer gets a notice (`resign.notify`: in the app and by e-mail).
    """
    require(actor, Permission.EDIT_AGREEMENT)
    check_two_sides(content)
    version = session.get(AgreementVersion, version_id, populate_existing=True)
    if version is None:
        raise LookupError(f"agreement version {version_id} does not exist")
    status = statuses(session=session)[version_id]
    if status is VersionStatus.SUPERSEDED:
        raise StaleRevision(f"version {version.number} is superseded; open the newest version")
    if content.mql != load_content(version).mql:  # sales managers read the MQL criteria
        require(actor, Permission.EDIT_MQL_CRITERIA)
    if status is VersionStatus.SIGNED:
        return _next_draft(
            session=session,
            version=version,
            revision=revision,
            content=content,
            actor=actor,
            section=section,
        )
    standing = resign.standing(session=session, version=version)
    _bump(session, version, revision, content, actor)
    session.refresh(version)
    _keep(session, version, actor.id)
    voided = _void_signatures(session, version_id)
    others = [s for s in standing if s.user_id != actor.id]  # the editor knows already
    resign.notify(session=session, version=version, voided=others)
    detail = (f"{section}: " if section else "") + f"revision {revision} -> {revision + 1}"
    audit.record(
        session=session,
        actor=actor,
        action="save_draft",
        entity="agreement_version",
        entity_id=version_id,
        detail=detail + (f"; {voided} signature(s) voided" if voided else ""),
    )
    session.flush()
    session.refresh(version)
    return version


def _bump(
    session: Session,
    version: AgreementVersion,
    revision: int,
    content: AgreementContent,
    actor: User,
) -> None:
    """One UPDATE ... WHERE revision = :seen writes the content; a stale revision is refused."""
    result = session.execute(
        update(AgreementVersion)
        .where(
            col(AgreementVersion.id) == version.id,
            col(AgreementVersion.revision) == revision,
        )
        .values(
            content=canonical_json(content),
            content_hash=content_hash(content),
            revision=revision + 1,
            updated_at=now(),
            updated_by=actor.id,
            in_review_since=None,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(version)
        raise StaleRevision(
            f"version {version.number} was changed by someone else since you opened it "
            f"(revision {version.revision}, yours {revision}); reload to see their changes"
        )


def _void_signatures(session: Session, version_id: int) -> int:
    """Void every signature still standing on a version (its content just changed)."""
    result = session.execute(
        update(Signature)
        .where(col(Signature.version_id) == version_id, col(Signature.voided_at).is_(None))
        .values(voided_at=now())
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def _next_draft(
    *,
    session: Session,
    version: AgreementVersion,
    revision: int,
    content: AgreementContent,
    actor: User,
    section: str | None,
) -> AgreementVersion:
    """A new draft after the signed `version`; the unique (agreement, number) key refuses
    a second draft started at the same instant from the same signed version."""
    newest = _newest(session)
    if newest is not None and newest.id != version.id:
        raise StaleRevision(f"version {newest.number} is already the working draft; open it")
    if version.revision != revision:
        raise StaleRevision(
            f"version {version.number} was signed since you opened it; reload, then edit"
        )
    draft = AgreementVersion(
        agreement_id=version.agreement_id,
        number=version.number + 1,
        content=canonical_json(content),
        content_hash=content_hash(content),
        created_by=actor.id,
        updated_by=actor.id,
    )
    try:
        with session.begin_nested():
            session.add(draft)
    except IntegrityError as exc:
        raise StaleRevision(
            f"someone started version {version.number + 1} at the same moment; reload"
        ) from exc
    _keep(session, draft, actor.id)
    audit.record(
        session=session,
        actor=actor,
        action="new_draft",
        entity="agreement_version",
        entity_id=draft.id,
        detail=(f"{section}: " if section else "")
        + f"version {draft.number} drafted from signed version {version.number}",
    )
    session.flush()
    return draft
