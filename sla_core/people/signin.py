"""Checking a sign-in: equal cost for unknown names, slowing and lockout kept in the database.

Failures count per account ("user:NAME", known or not), per client address ("ip:ADDRESS")
and per account and address together ("pair:NAME@ADDRESS") in one table, so parallel
browser sessions share the same counters. An address the account signed in from before
("known:NAME@ADDRESS", for KNOWN_FOR) is not held by the account's or the address's lock,
only by its own pair's: a stranger's guesses cannot keep a known-good user (the only admin
included) out. A new password (an admin's reset) or `users unlock` lifts the account's locks.
Nobody is signed in yet when these run: they are the one place that writes without an actor.
"""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, literal, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from sla_core.clock import UTCTimestamp, now
from sla_core.models import SignInThrottle, User
from sla_core.people import sessions, users

WINDOW = timedelta(minutes=15)  # failures older than this are forgotten
LOCK_AFTER = 10  # failures within the window that lock the account or address
LOCK_FOR = timedelta(minutes=15)
KNOWN_FOR = timedelta(days=90)  # an address the account signed in from stays known this long


@dataclass(frozen=True)
class Attempt:
    """The answer to one sign-in: a session id when it worked, else why not."""

    session_id: str | None = None
    user_id: int | None = None
    failures: int = 0
    locked_until: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.session_id is not None


@functools.cache
def _dummy_hash() -> str:
    """A hash nobody knows the password of: unknown names cost one bcrypt check too."""
    return users.hash_password(secrets.token_urlsafe(16))


def keys_for(username: str, client: str | None) -> list[str]:
    """The throttle keys of an attempt: the account, and with a client address the address
    and the (account, address) pair."""
    name = username.strip().lower()[:90]
    keys = [f"user:{name}"]
    if client:
        keys += [f"ip:{client[:100]}", f"pair:{name}@{client[:100]}"]
    return keys


def known_key(username: str, client: str) -> str:
    """The row that says this account signed in from this address before."""
    return f"known:{username.strip().lower()[:90]}@{client[:100]}"


def is_known(*, session: Session, username: str, client: str | None, at: datetime) -> bool:
    """Whether the account signed in successfully from `client` within KNOWN_FOR."""
    if not client:
        return False
    row = session.get(SignInThrottle, known_key(username, client), populate_existing=True)
    return row is not None and row.window_start > at - KNOWN_FOR


def _remember(session: Session, username: str, client: str, at: datetime) -> None:
    """Mark the (account, address) pair as known-good from `at` on (one upsert)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(SignInThrottle).values(
        key=known_key(username, client), failures=0, window_start=at
    )
    session.execute(
        statement.on_conflict_do_update(index_elements=["key"], set_={"window_start": at})
    )


def delay_seconds(failures: int) -> float:
    """Repeated failures slow down: nothing for the first three, then doubling to 8 s."""
    if failures <= 3:
        return 0.0
    return float(min(8, 2 ** (failures - 4)))


def locked_until(*, session: Session, keys: list[str], at: datetime) -> datetime | None:
    """The latest lock still running on any of `keys`, else None."""
    rows = session.exec(
        select(SignInThrottle.locked_until).where(
            col(SignInThrottle.key).in_(keys), col(SignInThrottle.locked_until) > at
        )
    ).all()
    return max((r for r in rows if r is not None), default=None)


def attempt(
    *,
    session: Session,
    username: str,
    password: str,
    client: str | None,
    at: datetime | None = None,
) -> Attempt:
    """Check a password and count the outcome; a locked account or address never signs in."""
    at = at or now()
    name = username.strip().lower()
    user = session.exec(
        select(User).where(
            User.username == name,
            col(User.active).is_(True),
            col(User.password_hash).is_not(None),
        )
    ).first()
    matches = users.check_password(password, user.password_hash if user else _dummy_hash())
    keys = keys_for(name, client)
    # a known address answers only to its own pair's lock, a stranger to all three
    holding = keys[2:] if is_known(session=session, username=name, client=client, at=at) else keys
    lock = locked_until(session=session, keys=holding, at=at)
    if lock is not None:
        return Attempt(locked_until=lock)
    if matches and user is not None and user.id is not None:
        session.execute(
            update(SignInThrottle)
            .where(col(SignInThrottle.key).in_([keys[0], *keys[2:]]))
            .values(failures=0)
        )
        if client:
            _remember(session, name, client, at)
        started = sessions.start(session=session, user_id=user.id, at=at)
        return Attempt(session_id=started.id, user_id=user.id)
    failures = max(_count_failure(session, key, at) for key in keys)
    return Attempt(
        failures=failures, locked_until=locked_until(session=session, keys=holding, at=at)
    )


def _count_failure(session: Session, key: str, at: datetime) -> int:
    """One more failure for `key`, in SQL (no read-then-write); locks at LOCK_AFTER."""
    stamp = literal(at, type_=UTCTimestamp())
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(SignInThrottle)
        .values(key=key, failures=0, window_start=at)
        .on_conflict_do_nothing(index_elements=["key"])
    )
    stale = col(SignInThrottle.window_start) < at - WINDOW
    failures = session.execute(
        update(SignInThrottle)
        .where(col(SignInThrottle.key) == key)
        .values(
            failures=case((stale, 1), else_=col(SignInThrottle.failures) + 1),
            window_start=case((stale, stamp), else_=col(SignInThrottle.window_start)),
        )
        .returning(col(SignInThrottle.failures))
    ).scalar_one()
    if failures >= LOCK_AFTER:
        session.execute(
            update(SignInThrottle)
            .where(col(SignInThrottle.key) == key, col(SignInThrottle.failures) >= LOCK_AFTER)
            .values(failures=0, window_start=at, locked_until=at + LOCK_FOR)
        )
    return int(failures)
