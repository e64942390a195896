"""Sign-in and sign-out with streamlit-authenticator over the users in the database.

The authenticator draws the form and keeps its cookie; the checks are ours
(`sla_core.people.signin`): the password check costs the same for unknown names, failures slow
down and lock per account and per client address in the database, and every sign-in is a
server-side session whose id the cookie carries, so sign-out and revocation are real.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

import jwt
import streamlit as st
import streamlit_authenticator as stauth
from sqlalchemy.engine import Engine
from streamlit_authenticator.utilities import LoginError

from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.i18n.languages import N_
from sla_core.people import sessions, signin, users
from ui.flash import flash, pending, show_flash
from ui.i18n import _
from ui.widgets import plain

COOKIE_NAME = "leadpact_auth"
COOKIE_DAYS = sessions.SESSION_DAYS
WRONG_PASSWORD = N_("Username or password is incorrect.")
SID = "auth_session_id"  # st.session_state key: this browser's server-side session


def cookie_claims(token: str | None, key: str, at: datetime) -> tuple[str, str] | None:
    """(username, session id) the cookie carries; None when absent, forged or expired."""
    if not token:
        return None
    try:
        claims = jwt.decode(token, key, algorithms=["HS256"])
        username, expires = str(claims["username"]), float(claims["exp_date"])
        session_id = str(claims["sid"])
    except (jwt.PyJWTError, KeyError, TypeError, ValueError):
        return None
    if expires <= at.timestamp():
        return None
    return username, session_id


def cookie_username(engine: Engine, token: str | None, key: str, at: datetime) -> str | None:
    """Whose live session the cookie names, or None (forged, expired, signed out, revoked)."""
    claims = cookie_claims(token, key, at)
    if claims is None:
        return None
    username, session_id = claims
    with session_scope(engine) as session:
        user_id = sessions.live_user_id(session=session, session_id=session_id, at=at)
        user = users.get_by_username(session=session, username=username)
    if user is None or user_id is None or user.id != user_id:
        return None
    return username


def client_address() -> str | None:
    """The browser's address as the server sees it (None under AppTest)."""
    try:
        return st.context.ip_address
    except Exception:  # no browser connection (AppTest, bare mode)
        return None


def _checker(engine: Engine) -> Any:
    """Replaces the authenticator's password check with ours (throttled, session-making)."""

    def check_credentials(username: str, password: str) -> bool:
        with session_scope(engine) as session:
            result = signin.attempt(
                session=session, username=username, password=password, client=client_address()
            )
        if result.ok:
            st.session_state[SID] = result.session_id
            return True
        if result.locked_until is not None:
            minutes = max(1, round((result.locked_until - now()).total_seconds() / 60))
            flash(
                "signin",
                f"Too many failed sign-ins for this account or from this address: "
                f"try again in {minutes} minutes.",
                kind="error",
            )
        time.sleep(signin.delay_seconds(result.failures))
        return False

    return check_credentials


def _session_token(model: Any, key: str) -> Any:
    """The cookie's JWT, with this browser's session id beside the authenticator's claims."""

    def encode() -> str:
        claims = {
            "username": st.session_state["username"],
            "exp_date": model.exp_date,
            "sid": st.session_state.get(SID),
        }
        return jwt.encode(claims, key, algorithm="HS256")

    return encode


def _show_form(authenticator: stauth.Authenticate) -> None:
    """The sign-in form, centred, with one line when an attempt failed."""
    _left, middle, _right = st.columns([1, 2, 1])
    with middle:
        try:
            authenticator.login(
                location="main",
                key="login_form",
                fields={
                    "Form name": _("Sign in to LeadPact"),
                    "Username": _("Username"),
                    "Password": _("Password"),
                    "Login": _("Sign in"),
                },
            )
        except LoginError as exc:
            st.session_state["authentication_status"] = None
            st.error(plain(exc))
        if pending("signin"):
            show_flash("signin")
        elif st.session_state.get("authentication_status") is False:
            st.error(_(WRONG_PASSWORD))


def _authenticator(engine: Engine) -> stauth.Authenticate:
    with session_scope(engine) as session:
        creds: dict[str, Any] = users.credentials(session=session)
        key = users.secret(session=session, key="cookie_key")
    token = st.context.cookies.get(COOKIE_NAME)
    if token and not st.session_state.get("authentication_status"):
        username = cookie_username(engine, token, key, now())
        if username is None:
            # A forged, expired, signed-out or revoked cookie: ignore it and show the form.
            st.session_state["logout"] = True
        else:
            claims = cookie_claims(token, key, now())
            st.session_state[SID] = claims[1] if claims else None
    authenticator = stauth.Authenticate(
        creds, COOKIE_NAME, key, COOKIE_DAYS, auto_hash=False, login_sleep_time=0
    )
    model = authenticator.authentication_controller.authentication_model
    model.check_credentials = _checker(engine)
    cookie = authenticator.cookie_controller.cookie_model
    cookie._token_encode = _session_token(cookie, key)
    return authenticator


def _end_session(engine: Engine, authenticator: stauth.Authenticate) -> None:
    session_id = st.session_state.pop(SID, None)
    if session_id:
        with session_scope(engine) as session:
            sessions.end(session=session, session_id=session_id)
    if st.session_state.get("authentication_status"):
        authenticator.logout(location="unrendered")
    st.session_state.pop("user", None)


def _live(engine: Engine) -> dict[str, Any] | None:
    """The signed-in user, while their account and this browser's session are live."""
    session_id = st.session_state.get(SID)
    with session_scope(engine) as session:
        user = users.get_by_username(session=session, username=st.session_state["username"])
        owner = sessions.live_user_id(session=session, session_id=session_id or "")
        if user is None or not user.active or not user.password_hash or owner != user.id:
            return None
        return {"id": user.id, "username": user.username, "name": user.name, "role": user.role}


def sign_in(engine: Engine) -> tuple[stauth.Authenticate, dict[str, Any] | None]:
    """Show the sign-in form until someone signs in; returns the authenticator and the user.

    Create this once per run: the authenticator owns widgets with fixed keys.
    """
    authenticator = _authenticator(engine)
    if st.session_state.pop("app_logout_requested", False):
        _end_session(engine, authenticator)
    # The form's place, in every run: the page drawn below it keeps its place whether or not
    # the form showed. Without it, the run that signs someone in drew the page one place
    # lower than the next run (the one the sign-in cookie's component asks for), and while
    # the first load of the leads ran, the page's controls showed twice.
    slot = st.empty()
    if not st.session_state.get("authentication_status"):
        with slot.container():
            _show_form(authenticator)
    if not st.session_state.get("authentication_status"):
        return authenticator, None
    user = _live(engine)
    if user is None:
        _end_session(engine, authenticator)
        with slot.container():
            st.error(
                _("You were signed out (your password changed, or your account or session ended).")
            )
            _show_form(authenticator)
        return authenticator, None
    st.session_state["user"] = user
    return authenticator, user


def request_logout() -> None:
    """Sign out at the start of the next run, before anything else is drawn."""
    st.session_state["app_logout_requested"] = True
