"""Cached access to the database for pages: the engine, the lead snapshot, the signed-in user."""

from __future__ import annotations

import importlib
import logging
import threading

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from sla_core import db
from sla_core.models import User
from sla_core.people import sessions
from sla_core.settings import Settings, SettingsError
from sla_core.store import refresh, snapshot, snapshot_file
from ui.auth import SID
from ui.i18n import _
from ui.widgets import clause, plain

LOG = logging.getLogger(__name__)

# What a page catches around a write, beside its domain errors: the database refused it
# (a full disk, a lost connection, a value it cannot hold). Shown as `storage_problem`.
STORAGE_ERRORS = (SQLAlchemyError,)


def storage_problem(exc: BaseException) -> str:
    """One line for a write the database refused; the unit of work was rolled back whole."""
    reason = db.one_line(exc)
    LOG.warning(reason, exc_info=exc)  # the whole error, for whoever runs the server
    if len(reason) > 160:
        reason = reason[:159] + "…"
    return _(
        "The database did not save this ({reason}). Nothing was changed: try again, "
        "or tell an admin if it happens again."
    ).format(reason=plain(reason))


@st.cache_resource(show_spinner=False)
def engine_for(url: str) -> Engine:
    """One engine per database URL for the whole server, migrated once."""
    engine = db.make_engine(url)
    db.migrate(engine)
    return engine


@st.cache_resource(show_spinner=False)
def _watch(url: str) -> refresh.Watch:
    """Whether `url`'s data changed since the last probe, without a query (`refresh.Watch`)."""
    return refresh.Watch(engine_for(url))


def open_engine() -> Engine | None:
    """The configured database's engine, or None after one clear error line."""
    try:
        return engine_for(db.database_url())
    except db.DatabaseUnavailable as exc:
        st.error(
            _("The database cannot be used: {reason}").format(reason=clause(exc)),
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


@st.cache_resource(show_spinner=False)
def _latest(url: str) -> dict[str, snapshot.Shared]:
    """The newest snapshot loaded for `url` (under "shared"): the next one starts from it."""
    return {}


@st.cache_resource(max_entries=2, show_spinner=False)
def shared_snapshot(url: str, revision: str, _mark: refresh.Mark) -> snapshot.Shared:
    """The lead snapshot of one data revision, one object for every session of the server.

    Built from the newest one before it with the rows written since (a full read only at
    the first load or after many changes: `refresh.load`). Two entries: a new revision
    evicts all but the one before it (a run that started on the old one finishes with it).
    Never mutate what it holds (see `sla_core.store.snapshot`).
    """
    latest = _latest(url)
    newest = latest.get("shared")
    keeper = _keeper(url)
    # a server's first load starts from the snapshot kept on disk, when there is one
    before = newest if newest is not None or keeper is None else keeper.first()
    shared = refresh.load(engine_for(url), _mark, before)
    if newest is None or newest.mark is None or _mark.at >= newest.mark.at:
        latest["shared"] = shared
    if keeper is not None:
        keeper.loaded(shared, whole=shared is not before and shared.delta is None)
    return shared


@st.cache_resource(show_spinner=False)
def _keeper(url: str) -> snapshot_file.Keeper | None:
    """Where `url`'s snapshot is kept between server starts (None: it is not)."""
    folder = Settings.from_environ().snapshot_dir
    return None if folder is None else snapshot_file.Keeper(engine_for(url), folder)


# What the Overview (the page after sign-in) imports beyond what the sign-in page did: about
# half a second at a server's start, imported while the snapshot is read.
FIRST_PAGE_MODULES = ("sla_core.overview.charts", "sla_core.overview.scoped",
                      "sla_core.overview.in_view", "sla_core.overview.revenue", "ui.revenue",
                      "ui.tables", "ui.charts", "ui.sla_data", "ui.dates")  # fmt: skip


@st.cache_resource(show_spinner=False)
def warm_up(url: str) -> threading.Thread:
    """Once per server and database, in the background: load the lead snapshot and, beside
    it, import the first page's modules and have altair draw its first chart (its schema is
    read then), so that the first sign-in does not wait for them. The thread returned ends
    when both are done."""

    def prepare() -> None:
        try:
            for name in FIRST_PAGE_MODULES:
                importlib.import_module(name)
            from sla_core.charts.parts import spec_of
            from sla_core.overview.charts import gauge

            spec_of(gauge(None, 100.0, ""))
        except Exception:  # noqa: BLE001 - the page itself imports and draws, and reports
            return

    def work() -> None:
        beside = threading.Thread(target=prepare, name="leadpact-warm-up-imports", daemon=True)
        beside.start()
        try:
            with db.session_scope(engine_for(url)) as session:
                mark = _watch(url).probe(session=session)
            shared_snapshot(url, mark.revision, mark)
        except Exception:  # noqa: BLE001 - the page that needs the snapshot reports it
            pass
        beside.join()

    thread = threading.Thread(target=work, name="leadpact-warm-up", daemon=True)
    thread.start()
    return thread


def current_snapshot() -> snapshot.Shared:
    """The shared snapshot of the data as it is now (one cheap revision query per call).

    While a revision not loaded yet is read, the page says so in the reader's language (from
    half a second on): not the cache's own spinner, whose words are fixed when the module
    loads, and which the warm-up's thread, outside any page, could not show (Streamlit
    logged a warning at every server start)."""
    url = db.database_url()
    with db.session_scope(engine_for(url)) as session:
        mark = _watch(url).probe(session=session)
    newest = _latest(url).get("shared")
    if newest is not None and newest.revision == mark.revision:
        return shared_snapshot(url, mark.revision, mark)  # loaded: nothing to wait for
    with st.spinner(_("Loading leads…")):
        return shared_snapshot(url, mark.revision, mark)


def newest_revision() -> str | None:
    """The data revision of the newest snapshot this server loaded (None: none yet), without
    a query: what a run's hand-back of memory follows (`process.give_back_soon`)."""
    try:
        url = db.database_url()
    except SettingsError:  # the run said so already; nothing was loaded either
        return None
    newest = _latest(url).get("shared")
    return None if newest is None else newest.revision


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
