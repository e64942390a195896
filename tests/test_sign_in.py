"""Sign-in (issue 12.8): the cookie names a live server-side session; equal cost for unknown
names; slowing and lockout per account and per address, kept in the database."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from sqlalchemy.engine import Engine

from sla_core.access import system_actor
from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.models import Role, SignInThrottle
from sla_core.people import sessions, signin, users
from ui.auth import cookie_claims, cookie_username

KEY = "k" * 64
AT = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
LATER = (AT + timedelta(days=1)).timestamp()
EARLIER = (AT - timedelta(seconds=1)).timestamp()
PASSWORD = "Secret#123"


def token(claims: dict[str, object], key: str | None = KEY, algorithm: str = "HS256") -> str:
    return jwt.encode(claims, None if algorithm == "none" else key, algorithm=algorithm)


@pytest.mark.parametrize(
    ("cookie", "expected"),
    [
        (token({"username": "ann", "exp_date": LATER, "sid": "s1"}), ("ann", "s1")),
        (None, None),
        ("", None),
        ("not-a-jwt", None),
        (token({"username": "ann", "exp_date": LATER}), None),  # no session: an old cookie
        (token({"username": "ann", "exp_date": LATER, "sid": "s1"}, key="x" * 64), None),
        (token({"username": "ann", "exp_date": EARLIER, "sid": "s1"}), None),  # expired
        (token({"username": "ann", "sid": "s1"}), None),  # no expiry
        (token({"username": "ann", "exp_date": "soon", "sid": "s1"}), None),
        (token({"username": "ann", "exp_date": LATER, "sid": "s1"}, algorithm="none"), None),
        (token({"username": "ann", "exp_date": LATER, "sid": "s1"}, algorithm="HS512"), None),
    ],
)
def test_cookie_claims(cookie: str | None, expected: tuple[str, str] | None) -> None:
    assert cookie_claims(cookie, KEY, AT) == expected


def test_tampered_payload_is_refused() -> None:
    header, _payload, signature = token({"username": "ann", "exp_date": LATER, "sid": "s"}).split(
        "."
    )
    forged = jwt.encode({"username": "admin", "exp_date": LATER, "sid": "s"}, "x" * 64)
    tampered = ".".join([header, forged.split(".")[1], signature])
    assert cookie_claims(tampered, KEY, AT) is None


@pytest.mark.parametrize(
    ("failures", "delay"), [(0, 0.0), (1, 0.0), (3, 0.0), (4, 1.0), (5, 2.0), (7, 8.0), (30, 8.0)]
)
def test_repeated_failures_slow_down(failures: int, delay: float) -> None:
    assert signin.delay_seconds(failures) == delay


@pytest.fixture
def people(engine: Engine) -> Engine:
    with session_scope(engine) as session:
        for name, role in (("ann", Role.ADMIN), ("bob", Role.SALES_REP)):
            users.create_user(
                session=session,
                username=name,
                name=name.title(),
                role=role,
                password=PASSWORD,
                actor=system_actor(),
            )
    return engine


def attempt(engine: Engine, username: str, password: str, client: str | None = "10.0.0.1"):
    with session_scope(engine) as session:
        return signin.attempt(session=session, username=username, password=password, client=client)


def cookie_of(engine: Engine, username: str) -> str:
    result = attempt(engine, username, PASSWORD)
    assert result.ok
    exp = (now() + timedelta(days=1)).timestamp()
    return token({"username": username, "exp_date": exp, "sid": result.session_id})


def test_a_cookie_copied_before_sign_out_no_longer_signs_in(people: Engine) -> None:
    cookie = cookie_of(people, "bob")
    assert cookie_username(people, cookie, KEY, now()) == "bob"
    sid = cookie_claims(cookie, KEY, now())[1]  # type: ignore[index]
    with session_scope(people) as session:
        sessions.end(session=session, session_id=sid)
    assert cookie_username(people, cookie, KEY, now()) is None


@pytest.mark.parametrize(
    "change",
    [
        lambda s: users.set_password(
            session=s, username="bob", password="Other#2026", actor=system_actor()
        ),
        lambda s: users.set_active(session=s, username="bob", active=False, actor=system_actor()),
    ],
)
def test_a_new_password_or_deactivation_ends_every_session(people: Engine, change) -> None:
    first, second = cookie_of(people, "bob"), cookie_of(people, "bob")
    with session_scope(people) as session:
        change(session)
    for cookie in (first, second):
        assert cookie_username(people, cookie, KEY, now()) is None


def test_another_users_session_id_in_my_cookie_is_refused(people: Engine) -> None:
    ann = attempt(people, "ann", PASSWORD)
    exp = (now() + timedelta(days=1)).timestamp()
    mixed = token({"username": "bob", "exp_date": exp, "sid": ann.session_id})
    assert cookie_username(people, mixed, KEY, now()) is None


def test_an_unknown_name_costs_a_password_check_too(people: Engine) -> None:
    def cost(username: str) -> float:
        started = time.perf_counter()
        for _ in range(3):
            attempt(people, username, "Wrong#1234", client=None)
        return time.perf_counter() - started

    attempt(people, "warm.up", "Wrong#1234", client=None)  # the dummy hash is made once
    wrong, unknown = cost("bob"), cost("nobody.here")
    # Without the dummy check an unknown name answers in ~1 ms against ~250 ms of bcrypt.
    assert unknown > 0.6 * wrong


def test_an_account_locks_after_repeated_failures_even_from_many_addresses(people: Engine) -> None:
    for n in range(signin.LOCK_AFTER):
        result = attempt(people, "bob", "Wrong#1234", client=f"10.0.1.{n}")
    assert result.locked_until is not None
    locked = attempt(people, "bob", PASSWORD, client="10.9.9.9")
    assert not locked.ok and locked.locked_until is not None
    with session_scope(people) as session:
        later = signin.attempt(
            session=session,
            username="bob",
            password=PASSWORD,
            client="10.9.9.9",
            at=now() + signin.LOCK_FOR + timedelta(seconds=1),
        )
    assert later.ok


def test_an_address_locks_after_failures_on_many_names(people: Engine) -> None:
    for n in range(signin.LOCK_AFTER):
        attempt(people, f"guess{n}", "Wrong#1234", client="10.0.0.66")
    refused = attempt(people, "ann", PASSWORD, client="10.0.0.66")
    assert not refused.ok and refused.locked_until is not None
    assert attempt(people, "ann", PASSWORD, client="10.0.0.67").ok


def test_old_failures_are_forgotten(people: Engine) -> None:
    start = now()
    with session_scope(people) as session:
        for _ in range(signin.LOCK_AFTER - 1):
            signin.attempt(session=session, username="bob", password="x", client=None, at=start)
        later = start + signin.WINDOW + timedelta(seconds=1)
        result = signin.attempt(
            session=session, username="bob", password="x", client=None, at=later
        )
    assert result.failures == 1 and result.locked_until is None


def test_parallel_sessions_share_one_counter(people: Engine) -> None:
    """Real threads, one failure each: every failure is counted, and the account locks."""
    barrier = threading.Barrier(signin.LOCK_AFTER, timeout=60)

    def fail(n: int) -> None:
        barrier.wait()
        attempt(people, "bob", "Wrong#1234", client=f"10.0.2.{n}")

    threads = [threading.Thread(target=fail, args=(n,)) for n in range(signin.LOCK_AFTER)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    with session_scope(people) as session:
        row = session.get(SignInThrottle, "user:bob")
        assert row is not None and row.locked_until is not None
    assert not attempt(people, "bob", PASSWORD, client="10.0.3.1").ok


def _hammer(engine: Engine, username: str, client: str, times: int = signin.LOCK_AFTER) -> None:
    for _ in range(times):
        attempt(engine, username, "Wrong#1234", client=client)


def test_a_stranger_cannot_lock_the_only_admin_out_of_a_known_address(people: Engine) -> None:
    # Ann signed in from her office before; a stranger then guesses from elsewhere, renewably.
    assert attempt(people, "ann", PASSWORD, client="10.1.1.1").ok
    for n in range(3):
        _hammer(people, "ann", f"203.0.113.{n}")
    assert not attempt(people, "ann", PASSWORD, client="203.0.113.77").ok  # strangers: locked
    assert attempt(people, "ann", PASSWORD, client="10.1.1.1").ok  # her own address: in
    # guessing from her address too locks that pair (the lock is never lifted for free)
    _hammer(people, "ann", "10.1.1.1")
    assert not attempt(people, "ann", PASSWORD, client="10.1.1.1").ok


def test_an_admins_reset_or_users_unlock_lifts_an_accounts_lock(people: Engine) -> None:
    for n in range(2):
        _hammer(people, "bob", f"203.0.113.{n}")
    _hammer(people, "bob", "10.2.2.2")
    assert not attempt(people, "bob", PASSWORD, client="10.2.2.2").ok
    with session_scope(people) as session:
        users.set_password(
            session=session, username="bob", password="Another#123", actor=system_actor()
        )
    assert attempt(people, "bob", "Another#123", client="10.2.2.2").ok
    for n in range(3):  # spread over addresses: only the account locks
        _hammer(people, "bob", f"198.51.100.{n}", times=4)
    assert not attempt(people, "bob", "Another#123", client="198.51.100.9").ok
    with session_scope(people) as session:
        assert users.unlock(session=session, username="bob", actor=system_actor()) >= 1
    assert attempt(people, "bob", "Another#123", client="198.51.100.9").ok


def test_only_an_admin_unlocks(people: Engine) -> None:
    with session_scope(people) as session:
        bob = users.get_by_username(session=session, username="bob")
        with pytest.raises(PermissionError):
            users.unlock(session=session, username="ann", actor=bob)
