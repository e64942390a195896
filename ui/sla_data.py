"""Cached SLA views for pages: the lead snapshot with its clocks, re-scored only on change."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
import streamlit as st

from sla_core import agreement, db, snapshot
from sla_core.clock import now
from sla_core.sla.clocks import lead_clocks
from sla_core.sla.context import load_setup
from sla_core.sla.exemptions import Exemptions, exempt_leads
from sla_core.sla.mailer import SmtpConfig
from sla_core.sla.reassign import kept_breaches
from sla_core.sla.worktime import WorkSetup
from sla_core.terms import AgreementContent
from ui.data import current_snapshot, engine_for


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


def setup_key(content: AgreementContent, setup: WorkSetup) -> tuple[str, ...]:
    """What the clocks depend on beside the leads and the instant, as a memo key."""
    return (
        content.model_dump_json(),
        setup.work_time.model_dump_json(),
        setup.zone,
        repr(sorted(setup.team_of.items())),
        repr([(str(at), d.model_dump_json()) for at, d in setup.mql_history]),
    )


def sla_view(owner_id: int | None) -> SlaView:
    """The snapshot (all, or one owner's) and every lead's SLA clocks as of this minute.

    The clocks are computed once per data revision, agreement and work-time settings,
    scope and minute (`Shared.memo`; `ref` is when they were computed), for every session: a rerun reuses them, a write
    (a new data revision) or the next minute recomputes them.
    """
    with db.session_scope(engine_for(db.database_url())) as session:
        governing = agreement.governing_version(session=session)
        setup = load_setup(session=session)
        kept = kept_breaches(session=session)
    content = governing.content
    shared = current_snapshot()  # re-read from the database only when the data changed
    frame = shared.for_owner(owner_id)
    # scoring every lead is the costly part of the clocks: once per revision and definition
    definitions = tuple((str(at), d.model_dump_json()) for at, d in setup.mql_history)
    found: Exemptions = shared.memo(
        ("sla_exemptions", owner_id, content.mql.model_dump_json(), definitions),
        lambda: exempt_leads(frame, content, setup),
    )

    def compute() -> tuple[datetime, pd.DataFrame]:
        ref = now()  # after any write of this revision: no lead is judged before its change
        return ref, snapshot.freeze(lead_clocks(frame, content, ref, setup, exemptions=found))

    minute = int(now().timestamp() // 60)  # a new minute replaces the clocks of the last one
    key = ("sla_clocks", owner_id, *setup_key(content, setup))
    ref, clocks = shared.memo(key, compute, stamp=minute)
    return SlaView(frame, clocks, content, governing, setup, ref, shared.revision, shared, kept)


def smtp_config() -> SmtpConfig | None:
    """SMTP settings from Streamlit secrets ([smtp] host, port, ...) or the environment."""
    try:
        section = dict(st.secrets["smtp"])
    except (FileNotFoundError, KeyError, st.errors.StreamlitSecretNotFoundError):
        section = {}
    if section:
        return SmtpConfig.from_mapping(section, prefix="")
    return SmtpConfig.from_mapping(os.environ)
