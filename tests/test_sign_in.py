"""The sign-in cookie: only an intact, unexpired cookie of a known user signs anyone in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from sla_core import users
from ui.auth import cookie_username

KEY = "k" * 64
AT = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
LATER = (AT + timedelta(days=1)).timestamp()
EARLIER = (AT - timedelta(seconds=1)).timestamp()


def token(claims: dict[str, object], key: str | None = KEY, algorithm: str = "HS256") -> str:
    return jwt.encode(claims, None if algorithm == "none" else key, algorithm=algorithm)


@pytest.mark.parametrize(
    ("cookie", "expected"),
    [
        (token({"username": "ann", "exp_date": LATER}), "ann"),
        (None, None),
        ("", None),
        ("not-a-jwt", None),
        (token({"username": "ann", "exp_date": LATER}, key="another-key" * 4), None),  # forged
        (token({"username": "ann", "exp_date": EARLIER}), None),  # expired
        (token({"username": "bob", "exp_date": LATER}), None),  # no longer a user
        (token({"username": "ann"}), None),  # no expiry
        (token({"username": "ann", "exp_date": "soon"}), None),  # nonsense expiry
        (token({"username": "ann", "exp_date": LATER}, algorithm="none"), None),  # unsigned
        (token({"username": "ann", "exp_date": LATER}, algorithm="HS512"), None),
    ],
)
def test_cookie_username(cookie: str | None, expected: str | None) -> None:
    assert cookie_username(cookie, KEY, {"ann"}, AT) == expected


def test_tampered_payload_is_refused() -> None:
    header, _payload, signature = token({"username": "ann", "exp_date": LATER}).split(".")
    forged = jwt.encode({"username": "admin", "exp_date": LATER}, "x" * 64, algorithm="HS256")
    tampered = ".".join([header, forged.split(".")[1], signature])
    assert cookie_username(tampered, KEY, {"ann", "admin"}, AT) is None


@pytest.mark.parametrize(
    ("failures", "delay"), [(0, 0.0), (1, 0.0), (3, 0.0), (4, 1.0), (5, 2.0), (7, 8.0), (30, 8.0)]
)
def test_repeated_failures_slow_down(failures: int, delay: float) -> None:
    assert users.login_delay_seconds(failures) == delay
