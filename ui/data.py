"""Cached access to the database for pages: the engine, the lead snapshot, the signed-in user."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine
from sqlmodel import Session

from sla_core import db, leads
from sla_core.models import User


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
        st.error(f"The database cannot be used: {exc}", icon=":material/error:")
        return None


def get_engine() -> Engine:
    """The configured database's engine; an unusable database stops the page with one line."""
    engine = open_engine()
    if engine is None:
        st.stop()
        raise RuntimeError("unreachable")  # st.stop() raises; this keeps type checkers honest
    return engine


@st.cache_data(ttl="5m", max_entries=16, show_spinner="Loading leads…")
def load_leads(url: str, revision: str, owner_id: int | None) -> pd.DataFrame:
    """The lead snapshot (all, or one owner's); `revision` keys the cache to the data."""
    del revision  # only part of the cache key
    return leads.read_leads(engine_for(url), owner_id=owner_id)


def leads_for(owner_id: int | None) -> pd.DataFrame:
    """The current lead snapshot (all, or one owner's), re-read only when the data changed."""
    url = db.database_url()
    with db.session_scope(engine_for(url)) as session:
        revision = leads.data_revision(session=session)
    return load_leads(url, revision, owner_id)


def current_user(session: Session) -> User:
    """The signed-in person as a full User, for permission checks in sla_core."""
    signed = st.session_state.get("user")
    user = session.get(User, signed["id"]) if signed else None
    if user is None or not user.active:
        st.error("You are not signed in (or your account was deactivated).")
        st.stop()
        raise RuntimeError("unreachable")
    return user
