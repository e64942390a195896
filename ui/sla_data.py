"""Cached SLA views for pages: the lead snapshot with its clocks, re-scored only on change."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd
import streamlit as st

from sla_core import agreement, db
from sla_core.clock import now
from sla_core.settings import Settings
from sla_core.sla.clocks import lead_clocks, retimed
from sla_core.sla.context import load_setup, setup_key
from sla_core.sla.exemptions import Exemptions, exempt_leads
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

    The clocks are computed once per data revision, agreement and work-time settings,
    scope and minute (`Shared.memo`; `ref` is when they were computed), for every session: a rerun reuses them, a write
    (a new data revision) or the next minute recomputes them.
    """
    with db.session_scope(engine_for(db.database_url())) as session:
        governing = agreement.governing_version(session=session)
        setup = load_setup(session=session)
    content = governing.content
    shared = current_snapshot()  # re-read from the database only when the data changed
    kept = _kept(shared)
    frame = shared.for_owner(owner_id)
    # scoring every lead is the costly part of the clocks: once per revision and definition
    definitions = tuple((str(at), d.model_dump_json()) for at, d in setup.mql_history)
    # after a write only the leads it changed are scored and clocked again (`update`)
    found: Exemptions = shared.memo(
        ("sla_exemptions", owner_id, content.mql.model_dump_json(), definitions),
        lambda: _Scored(exempt_leads(frame, content, setup), frame.index),
        update=lambda old, _: _rescored(shared, old, frame, content, setup),
    ).found

    def compute() -> tuple[datetime, pd.DataFrame]:
        ref = now()  # after any write of this revision: no lead is judged before its change
        older = shared.earlier(key)  # the clocks of an earlier minute: judge what moves only
        if older is not None:
            then, clocks = older[1]
            if older[2]:  # the previous revision's: the leads written since are judged anew
                clocks = shared.spliced(clocks, frame, _judged(ref))
            return ref, snapshot.freeze(
                retimed(clocks, then, frame, content, ref, setup, exemptions=found)
            )
        return ref, snapshot.freeze(lead_clocks(frame, content, ref, setup, exemptions=found))

    def _judged(ref: datetime) -> Callable[[pd.DataFrame, np.ndarray], pd.DataFrame]:
        def clocks(rows: pd.DataFrame, at: np.ndarray) -> pd.DataFrame:
            return lead_clocks(rows, content, ref, setup, exemptions=found.take(at))

        return clocks

    def update(old: tuple[datetime, pd.DataFrame], _: object) -> tuple[datetime, pd.DataFrame]:
        ref = now()  # the changed leads judged now, the others within the same minute
        return ref, snapshot.freeze(shared.spliced(old[1], frame, _judged(ref)))

    minute = int(now().timestamp() // 60)  # a new minute replaces the clocks of the last one
    key = ("sla_clocks", owner_id, *setup_key(content, setup))
    ref, clocks = shared.memo(key, compute, stamp=minute, update=update)
    return SlaView(frame, clocks, content, governing, setup, ref, shared.revision, shared, kept)


def _kept(shared: snapshot.Shared) -> pd.DataFrame:
    """The breaches reassignments left (`reassign.kept_of`: once per data revision, after a
    write only the changed leads' read again; the entry the Workshop and Leaderboard read)."""
    with db.session_scope(engine_for(db.database_url())) as session:
        return kept_of(session=session, leads=shared.frame, memo=shared.memo)


@dataclass(frozen=True)
class _Scored:
    """The exemptions of the leads labelled `index` (by position)."""

    found: Exemptions
    index: pd.Index


def _rescored(
    shared: snapshot.Shared,
    old: _Scored,
    frame: pd.DataFrame,
    content: AgreementContent,
    setup: WorkSetup,
) -> _Scored:
    """`old` brought to this revision: the new and changed leads scored again (an array
    they leave as it was is shared: the arrays are never written once built)."""
    take, rows = shared.fresh_rows(old.index, frame)
    computed = exempt_leads(frame.iloc[rows], content, setup)
    kept = len(old.index)
    # the leads kept their places (new ones appended): a copy, not a gather
    in_place = snapshot.unmoved(take, kept)
    parts = []
    for before, now_ in zip(
        (old.found.exempt, old.found.score, old.found.threshold),
        (computed.exempt, computed.score, computed.threshold),
        strict=True,
    ):
        if in_place and len(take) == kept and np.array_equal(before[rows], now_):
            parts.append(before)  # a write that left the scores alone (a touch): shared
            continue
        if in_place:
            values = np.empty(len(take), dtype=np.asarray(before).dtype)
            values[:kept] = before
        else:
            values = np.take(before, np.maximum(take, 0))
        values[rows] = now_
        parts.append(values)
    return _Scored(Exemptions(*parts), frame.index)


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
