"""Shared setup for the agreement tests: people with each role, a fresh version."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from sla_core import agreement, db
from sla_core.agreement import revisions
from sla_core.db import session_scope
from sla_core.models import AgreementVersion, Role, User
from sla_core.terms import WORKSHOP_QUESTIONS, AgreementContent, Review

# What a complete agreement needs beyond the defaults (sla_core.agreement.completeness):
# every workshop question answered, the company, effective date, term and next review.
COMPLETE: dict[str, Any] = {
    "workshop": {key: f"We agree on {key.replace('_', ' ')}." for key, _ in WORKSHOP_QUESTIONS},
    "company": "Acme Ltd",
    "effective_from": "2026-01-01",
    "term_months": 12,
    "review": Review(next_review="2027-06-30"),
}


def complete_content(**changes: Any) -> AgreementContent:
    """Content ready to sign: the defaults, everything completeness asks for, `changes`."""
    return AgreementContent(**{**COMPLETE, **changes})


def complete(session: Session, version_id: int, **changes: Any) -> AgreementVersion:
    """Write complete content into a draft directly (test setup, not an edit: no revision,
    no audit), so that it can be asked to sign and signed."""
    version = fresh(session, version_id)
    content = complete_content(**changes)
    version.content = agreement.canonical_json(content)
    version.content_hash = agreement.content_hash(content)
    session.add(version)
    for kept in revisions.of_version(session=session, version_id=version_id)[:1]:
        kept.content, kept.content_hash = version.content, version.content_hash  # as if saved
        session.add(kept)
    session.flush()
    return version


def person(session: Session, username: str, role: Role, name: str | None = None) -> User:
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        user = User(username=username, name=name or username.title(), role=role)
        session.add(user)
        session.flush()
    return user


def cast(session: Session) -> dict[str, User]:
    return {
        "sales": person(session, "sam", Role.SALES_MANAGER, "Sam Sales"),
        "marketing": person(session, "mia", Role.MARKETING_MANAGER, "Mia Marketing"),
        "sales2": person(session, "sol", Role.SALES_MANAGER, "Sol Second"),
        "rep": person(session, "rex", Role.SALES_REP, "Rex Rep"),
        "admin": person(session, "ada", Role.ADMIN, "Ada Admin"),
    }


def fresh(session: Session, version_id: int) -> AgreementVersion:
    version = session.get(AgreementVersion, version_id, populate_existing=True)
    assert version is not None
    return version


def sign_fully(session: Session, version_id: int, people: dict[str, User]) -> None:
    from sla_core.agreement import signing

    for who in ("sales", "marketing"):
        signing.sign(
            session=session,
            version_id=version_id,
            seen_hash=fresh(session, version_id).content_hash,
            actor=people[who],
        )
    session.commit()


def start(session: Session) -> AgreementVersion:
    """Version 1, complete (see `complete`), committed."""
    version = agreement.ensure_agreement(session=session)
    version = complete(session, version.id or 0)
    session.commit()
    return version


def complete_at(url: str, **changes: Any) -> AgreementVersion:
    """The working draft of the database at `url` made complete (test setup), so that it can
    be asked to sign and signed."""
    engine = db.make_engine(url)
    try:
        with session_scope(engine) as session:
            version = agreement.working_version(session=session)
            return complete(session, version.id or 0, **changes)
    finally:
        engine.dispose()
