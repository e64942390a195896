"""Seeding a browser test's database: migrate it, fill it in one transaction, add people.

with seeded(url) as session:
    admin = person(session, "admin", "Ada Admin", Role.ADMIN, PASSWORD)
    session.add(Lead(...))
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlmodel import Session

from sla_core import db
from sla_core.access import system_actor
from sla_core.db import session_scope
from sla_core.models import Role, User
from sla_core.people import users


@contextmanager
def seeded(url: str) -> Iterator[Session]:
    """A migrated database at `url` and one session filling it (committed at the end)."""
    engine = db.make_engine(url)
    db.migrate(engine)
    try:
        with session_scope(engine) as session:
            yield session
    finally:
        engine.dispose()  # the last connection checkpoints the WAL into the file


def person(session: Session, username: str, name: str, role: Role, password: str | None) -> User:
    """Create one user (no password: no login) as the system."""
    return users.create_user(
        actor=system_actor(),
        session=session,
        username=username,
        name=name,
        role=role,
        password=password,
    )
