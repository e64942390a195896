"""Cached SLA views for pages: the lead snapshot with its clocks, re-scored only on change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
import streamlit as st

from sla_core import agreement, db
from sla_core.settings import Settings
from sla_core.sla import shared_clocks
from sla_core.sla.context import load_setup, setup_key
from sla_core.sla.mail_settings import effective_config
from sla_core.sla.mailer import SmtpConfig
from sla_core.sla.reassign import kept_of
from sla_core.sla.worktime import WorkSetup
from sla_core.store import snapshot
from sla_core.terms import AgreementContent

__all__ = ["SlaView", "setup_key", "sla_view", "smtp_config", "report_list"]

from ui.data import current_snapshot, engine_for, get_engine


@dataclass(frozen=True)
class SlaView:
    """The leads in view with their clocks at `ref`, and what they were judged by."""

    leads: pd.DataFrame
    clocks: pd.DataFrame
    content: AgreementContent
    governing: agreement.Governing
    setup: WorkSetup
    ref: datetime
    revision: str
    shared: snapshot.Shared  # memo(...) keeps derived figures for this data revision
    # the breaches reassignments left with the reps who missed them (reassign.kept_breaches)
    kept: pd.DataFrame | None = None


def sla_view(owner_id: int | None) -> SlaView:
    """The snapshot (all, or one owner's) and every lead's SLA clocks as of this minute.

    The clocks are the entry every page reads (`shared_clocks.clocked`: once per data
    revision, agreement, work setup, scope and minute for every session; `ref` is when they
    were judged).
    """
    with db.session_scope(engine_for(db.database_url())) as session:
        governing = agreement.governing_version(session=session)
        setup = load_setup(session=session)
    content = governing.content
    shared = current_snapshot()  # re-read from the database only when the data changed
    kept = _kept(shared)
    frame = shared.for_owner(owner_id)
    clocks = shared_clocks.clocked(shared, owner_id, frame, content, setup)
    return SlaView(
        frame, clocks.frame, content, governing, setup, clocks.ref, shared.revision, shared, kept
    )


def _kept(shared: snapshot.Shared) -> pd.DataFrame:
    """The breaches reassignments left (`reassign.kept_of`: once per data revision, after a
    write only the changed leads' read again; the entry the Workshop and Leaderboard read)."""
    with db.session_scope(engine_for(db.database_url())) as session:
        return kept_of(session=session, leads=shared.frame, memo=shared.memo)


def smtp_config() -> SmtpConfig | None:
    """SMTP settings from Streamlit secrets ([smtp] host, port, ...), else those stored on
    the Settings page with the environment's LEADPACT_SMTP_* winning over each stored value."""
    try:
        section = dict(st.secrets["smtp"])
    except (FileNotFoundError, KeyError, st.errors.StreamlitSecretNotFoundError):
        section = {}
    if section:
        return SmtpConfig.from_mapping(section, prefix="")
    with db.session_scope(get_engine()) as session:
        return effective_config(session=session, environ_values=Settings.from_environ().smtp_values)


def report_list() -> tuple[str, ...]:
    """Who gets the daily report when the settings name them (else the sales managers)."""
    return Settings.from_environ().daily_report_to
