"""Cached inputs of the marketing pages: the snapshot prepared for the criteria preview."""

from __future__ import annotations

import pandas as pd

from sla_core import browse, db, org
from sla_core.marketing import preview
from ui.data import current_snapshot, engine_for


def people() -> pd.DataFrame:
    """Every user (id, name, role, active), read fresh: people change rarely and it is small."""
    with db.session_scope(engine_for(db.database_url())) as session:
        return browse.people_frame(session=session)


def profile_base(staff: pd.DataFrame) -> preview.ProfileBase:
    """The whole snapshot prepared for rescoring, once per data revision (shared, read-only)."""
    with db.session_scope(engine_for(db.database_url())) as session:
        settings = org.load_org_settings(session=session)
    marketers = tuple(zip(staff["id"].tolist(), staff["name"].tolist(), strict=True))
    shared = current_snapshot()
    return shared.memo(
        ("marketing.preview", marketers, settings.time_zone, settings.calendar.value),
        lambda: preview.prepare(
            shared.frame,
            marketers=dict(marketers),
            zone=settings.time_zone,
            calendar=settings.calendar,
        ),
    )
