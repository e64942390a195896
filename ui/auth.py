"""Sign-in and sign-out with streamlit-authenticator over the users in the database."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

import jwt
import streamlit as st
import streamlit_authenticator as stauth
from sqlalchemy.engine import Engine
from streamlit_authenticator.utilities import LoginError

from sla_core import users
from sla_core.clock import now
from sla_core.db import session_scope

COOKIE_NAME = "leadpact_auth"
COOKIE_DAYS = 7.0
WRONG_PASSWORD = "Username or password is incorrect."


def cookie_username(token: str | None, key: str, known: set[str], at: datetime) -> str | None:
    """Whose sign-in the cookie carries, or None when it is absent, forged, expired or stale."""
    if not token:
        return None
    try:
        claims = jwt.decode(token, key, algorithms=["HS256"])
        username, expires = str(claims["username"]), float(claims["exp_date"])
    except (jwt.PyJWTError, KeyError, TypeError, ValueError):
        return None
    if username not in known or expires <= at.timestamp():
        return None
    return username


def _record_success(engine: Engine) -> Any:
    def on_login(details: dict[str, Any]) -> None:
        with session_scope(engine) as session:
            users.record_login(session=session, username=details["username"], success=True)

    return on_login


def _record_failures(engine: Engine, before: dict[str, int], creds: dict[str, Any]) -> None:
    """The authenticator counts a failure in the credentials dict; persist it and slow down."""
    for username, entry in creds["usernames"].items():
        if int(entry.get("failed_login_attempts", 0)) > before.get(username, 0):
            with session_scope(engine) as session:
                failures = users.record_login(session=session, username=username, success=False)
            time.sleep(users.login_delay_seconds(failures))


def _signed_in_user(engine: Engine, username: str) -> dict[str, Any] | None:
    with session_scope(engine) as session:
        user = users.get_by_username(session=session, username=username)
        if user is None or not user.active or not user.password_hash:
            return None
        return {"id": user.id, "username": user.username, "name": user.name, "role": user.role}


def _show_form(
    authenticator: stauth.Authenticate, engine: Engine, before: dict[str, int], creds: Any
) -> None:
    """The sign-in form, centred; a failed attempt is counted and answered only after a delay."""
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        try:
            authenticator.login(
                location="main",
                key="login_form",
                fields={
                    "Form name": "Sign in to LeadPact",
                    "Username": "Username",
                    "Password": "Password",
                    "Login": "Sign in",
                },
                callback=_record_success(engine),
            )
        except LoginError as exc:
            st.session_state["authentication_status"] = None
            st.error(str(exc))
        _record_failures(engine, before, creds)
        if st.session_state.get("authentication_status") is False:
            st.error(WRONG_PASSWORD)


def sign_in(engine: Engine) -> tuple[stauth.Authenticate, dict[str, Any] | None]:
    """Show the sign-in form until someone signs in; returns the authenticator and the user.

    Create this once per run: the authenticator owns widgets with fixed keys.
    """
    with session_scope(engine) as session:
        creds: dict[str, Any] = users.credentials(session=session)
        key = users.secret(session=session, key="cookie_key")
    before = {u: int(c.get("failed_login_attempts", 0)) for u, c in creds["usernames"].items()}
    token = st.context.cookies.get(COOKIE_NAME)
    if token and not cookie_username(token, key, set(creds["usernames"]), now()):
        # A forged, expired or orphaned cookie: ignore it and show the form.
        st.session_state["logout"] = True
    authenticator = stauth.Authenticate(
        creds, COOKIE_NAME, key, COOKIE_DAYS, auto_hash=False, login_sleep_time=0
    )
    if st.session_state.pop("app_logout_requested", False) and st.session_state.get(
        "authentication_status"
    ):
        authenticator.logout(location="unrendered")
        st.session_state.pop("user", None)
    if not st.session_state.get("authentication_status"):
        _show_form(authenticator, engine, before, creds)
    if not st.session_state.get("authentication_status"):
        return authenticator, None
    user = _signed_in_user(engine, st.session_state["username"])
    if user is None:
        authenticator.logout(location="unrendered")
        st.error("This account can no longer sign in. Ask an admin.")
        return authenticator, None
    st.session_state["user"] = user
    return authenticator, user


def request_logout() -> None:
    """Sign out at the start of the next run, before anything else is drawn."""
    st.session_state["app_logout_requested"] = True
