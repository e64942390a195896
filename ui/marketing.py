"""Cached inputs of the marketing pages: the snapshot prepared for the criteria preview."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

import pandas as pd

from sla_core import browse, db, org
from sla_core.marketing import preview
from sla_core.models import User
from sla_core.store import snapshot
from sla_core.terms import MQLDefinition
from ui.data import current_snapshot, engine_for


def people() -> pd.DataFrame:
    """Every user (id, name, role, active), read fresh: people change rarely and it is small."""
    with db.session_scope(engine_for(db.database_url())) as session:
        return browse.people_frame(session=session)


@dataclass(frozen=True)
class Prepared:
    """The snapshot prepared for rescoring, the memo key it is kept under, its snapshot, and
    for whom (checked again by each comparison)."""

    key: Hashable
    base: preview.ProfileBase
    shared: snapshot.Shared
    actor: User


def prepared(staff: pd.DataFrame, actor: User) -> Prepared:
    """The whole snapshot prepared for rescoring, once per data revision (shared, read-only)."""
    with db.session_scope(engine_for(db.database_url())) as session:
        settings = org.load_org_settings(session=session)
    marketers = tuple(zip(staff["id"].tolist(), staff["name"].tolist(), strict=True))
    shared = current_snapshot()
    key, base = preview.prepared(
        shared.frame,
        actor=actor,
        memo=shared.memo,
        marketers=marketers,
        zone=settings.time_zone,
        calendar=settings.calendar,
    )
    return Prepared(key, base, shared, actor)


def comparison(
    ready: Prepared, in_force: MQLDefinition, proposal: MQLDefinition
) -> preview.Preview:
    """Who qualifies under the definition in force and under the proposal, with the
    breakdowns: once per data revision and pair of definitions (a rerun only draws)."""
    return preview.compared(
        ready.base, ready.key, in_force, proposal, actor=ready.actor, memo=ready.shared.memo
    )
