"""Shared setup for the agreement tests: people with each role, a fresh version."""

from __future__ import annotations

from sqlmodel import Session, select

from sla_core import agreement
from sla_core.models import AgreementVersion, Role, User


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
    version = agreement.ensure_agreement(session=session)
    session.commit()
    return version
