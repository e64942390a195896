"""Cached inputs of the marketing pages: the snapshot prepared for the criteria preview."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

import pandas as pd

from sla_core import browse, db, org
from sla_core.marketing import preview
from sla_core.store import snapshot
from sla_core.terms import MQLDefinition
from ui.data import current_snapshot, engine_for


def people() -> pd.DataFrame:
    """Every user (id, name, role, active), read fresh: people change rarely and it is small."""
    with db.session_scope(engine_for(db.database_url())) as session:
        return browse.people_frame(session=session)


@dataclass(frozen=True)
class Prepared:
    """The snapshot prepared for rescoring, the memo key it is kept under, and its snapshot."""

    key: Hashable
    base: preview.ProfileBase
    shared: snapshot.Shared


def prepared(staff: pd.DataFrame) -> Prepared:
    """The whole snapshot prepared for rescoring, once per data revision (shared, read-only)."""
    with db.session_scope(engine_for(db.database_url())) as session:
        settings = org.load_org_settings(session=session)
    marketers = tuple(zip(staff["id"].tolist(), staff["name"].tolist(), strict=True))
    shared = current_snapshot()
    key = ("marketing.preview", marketers, settings.time_zone, settings.calendar.value)
    base = shared.memo(
        key,
        lambda: preview.prepare(
            shared.frame,
            marketers=dict(marketers),
            zone=settings.time_zone,
            calendar=settings.calendar,
        ),
    )
    return Prepared(key, base, shared)


def comparison(
    ready: Prepared, in_force: MQLDefinition, proposal: MQLDefinition
) -> preview.Preview:
    """Who qualifies under the definition in force and under the proposal, with the
    breakdowns: once per data revision and pair of definitions (a rerun only draws)."""
    base = ready.base
    return ready.shared.memo(
        ("marketing.compare", ready.key, in_force.model_dump_json(), proposal.model_dump_json()),
        lambda: preview.compare(
            base,
            preview.scores(base, in_force),
            in_force.threshold,
            preview.scores(base, proposal),
            proposal.threshold,
        ),
    )
