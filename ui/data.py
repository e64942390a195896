"""Cached access to the database for pages: the engine, the lead snapshot, the signed-in user."""

from __future__ import annotations

import threading

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine
from sqlmodel import Session

from sla_core import db, sessions, snapshot
from sla_core.models import User
from ui.auth import SID
from ui.i18n import _
from ui.widgets import plain


@st.cache_resource(show_spinner=False)
def engine_for(url: str) -> Engine:
    """One engine per database URL for the whole server, migrated once."""
    engine = db.make_engine(url)
    db.migrate(engine)
    return engine


def open_engine() -> Engine | None:
    """The configured database's engine, or None after one clear error line."""
    try:
        return engine_for(db.database_url())
    except db.DatabaseUnavailable as exc:
        st.error(
            _("The database cannot be used: {reason}").format(reason=plain(exc)),
            icon=":material/error:",
        )
        return None


def get_engine() -> Engine:
    """The configured database's engine; an unusable database stops the page with one line."""
    engine = open_engine()
    if engine is None:
        st.stop()
        raise RuntimeError("unreachable")  # st.stop() raises; this keeps type checkers honest
    return engine


@st.cache_resource(max_entries=2, show_spinner="Loading leads…")
def shared_snapshot(url: str, revision: str) -> snapshot.Shared:
    """The lead snapshot of one data revision, one object for every session of the server.

    Two entries: a new revision evicts all but the one before it (a run that started on the
    old one finishes with it). Never mutate what it holds (see `sla_core.snapshot`).
    """
    frame = snapshot.read_leads(engine_for(url), columns=snapshot.SNAPSHOT_COLUMNS)
    return snapshot.Shared(revision, frame)


@st.cache_resource(show_spinner=False)
def warm_up(url: str) -> threading.Thread:
    """Once per server and database, in the background: import the chart library (about a
    second) and load the lead snapshot, so that the first sign-in does not wait for them."""

    def work() -> None:
        try:
            import sla_core.charts  # noqa: F401

            with db.session_scope(engine_for(url)) as session:
                revision = snapshot.data_revision(session=session)
            shared_snapshot(url, revision)
        except Exception:  # noqa: BLE001 - the page that needs the snapshot reports it
            return

    thread = threading.Thread(target=work, name="leadpact-warm-up", daemon=True)
    thread.start()
    return thread


def current_snapshot() -> snapshot.Shared:
    """The shared snapshot of the data as it is now (one cheap revision query per call)."""
    url = db.database_url()
    with db.session_scope(engine_for(url)) as session:
        revision = snapshot.data_revision(session=session)
    return shared_snapshot(url, revision)


def leads_for(owner_id: int | None) -> pd.DataFrame:
    """The current leads (all, or one owner's): a shallow view of the shared snapshot.

    The view shares the snapshot's read-only arrays (no copy); adding a column to it does
    not change what other sessions see. Filter into new frames; never write into it.
    """
    return current_snapshot().for_owner(owner_id).copy(deep=False)


def current_user(session: Session) -> User:
    """The signed-in person as a full User, for permission checks in sla_core.

    Checked against the database on every call, so also in widget callbacks, which run
    before app.py's sign-in check: a session ended meanwhile (sign-out, a password reset,
    deactivation) gets no user, and its click writes nothing.
    """
    signed = st.session_state.get("user")
    user = session.get(User, signed["id"]) if signed else None
    session_id = st.session_state.get(SID) or ""
    if (
        user is not None
        and sessions.live_user_id(session=session, session_id=session_id) != user.id
    ):
        user = None
    if user is None or not user.active:
        st.error(_("You are not signed in (or your account was deactivated)."))
        st.stop()
        raise RuntimeError("unreachable")
    return user
