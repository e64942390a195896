"""Figures carried over a write that leaves what they read alone (`Shared.memo(reads=...)`):
the columns each names must be every lead column it reads, or a write would leave it stale."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import numpy as np
import pandas as pd
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

from sla_core.marketing import route_run
from sla_core.models import Lead
from sla_core.periods import month_containing
from sla_core.sla.levels import MARKETING_READS, marketing_levels, marketing_masks
from sla_core.store import snapshot

REF = datetime(2026, 3, 15, 12, tzinfo=UTC)


def _leads() -> pd.DataFrame:
    at = pd.to_datetime(
        ["2026-03-02", "2026-03-05", "2026-02-20", None, "2026-03-09", "2026-03-10"], utc=True
    )
    return pd.DataFrame(
        {
            "id": np.arange(1, 7),
            "mql_at": at,
            "marketer_id": pd.array([7, 7, 8, 7, None, 8], dtype="Int64"),
            "stage": pd.Categorical(["sal", "mql", "won", "lead", "disqualified", "nurture"]),
            "requalified_at": pd.to_datetime(
                [None, None, None, None, None, "2026-03-10"], utc=True
            ),
            "owner_id": pd.array([1, 2, None, 1, 2, 1], dtype="Int64"),
            "touches": [3, 0, 5, 1, 0, 2],
            "last_touch_at": pd.to_datetime(["2026-03-03"] * 6, utc=True),
        }
    )


def test_marketing_figures_read_only_the_columns_they_name() -> None:
    """A frame with just MARKETING_READS gives the same figures as every column: reading one
    more column would raise here, and a touch would leave the figures stale."""
    leads = _leads()
    period = month_containing(REF, zone="UTC")
    whole = marketing_masks(leads, period)
    named = marketing_masks(leads[list(MARKETING_READS)], period)
    assert whole.keys() == named.keys()
    for name in whole:
        assert np.array_equal(whole[name], named[name]), name
    pd.testing.assert_frame_equal(
        marketing_levels(leads, period, None),
        marketing_levels(leads[list(MARKETING_READS)], period, None),
    )
    assert set(MARKETING_READS) <= set(snapshot.SNAPSHOT_COLUMNS)
    # a touch changes none of them: the figures are carried over it
    assert not {"touches", "last_touch_at", "first_touch_at", "updated_at"} & set(MARKETING_READS)


def test_the_hand_off_counts_read_only_the_lead_columns_they_name(sqlite_engine: Engine) -> None:
    """Every lead column named in the SQL of the backlog and the reps' monthly loads is in
    HAND_OFF_READS (the statements are caught as they run)."""
    statements: list[str] = []

    def caught(_conn, _cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(sqlite_engine, "before_cursor_execute", caught)
    try:
        with Session(sqlite_engine) as session:
            route_run.backlog(session=session, ref=REF)
            route_run.reps_over_cap(session=session, ref=REF)
    finally:
        event.remove(sqlite_engine, "before_cursor_execute", caught)
    on_leads = [s for s in statements if re.search(r"\bFROM lead\b(?!event)", s)]
    assert len(on_leads) >= 2, statements  # the backlog and the loads
    columns = {c.name for c in Lead.__table__.columns} - {"id"}  # type: ignore[attr-defined]
    named = {c for s in on_leads for c in columns if re.search(rf"\b{c}\b", s)}
    assert named, on_leads
    assert named <= set(route_run.HAND_OFF_READS), named - set(route_run.HAND_OFF_READS)
    assert set(route_run.HAND_OFF_READS) <= set(snapshot.SNAPSHOT_COLUMNS)
