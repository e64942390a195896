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


def test_the_calculators_history_reads_only_the_columns_it_names() -> None:
    """The Targets page's defaults (average deal, stage rates) from a frame with just
    HISTORY_READS equal those from every column, and a touch changes none of them."""
    from sla_core.marketing.calculator import HISTORY_READS, history_defaults

    rng = np.random.default_rng(3)
    n = 400
    created = pd.Timestamp("2025-01-01", tz="UTC") + pd.to_timedelta(
        rng.integers(0, 430 * 24, n), unit="h"
    )
    stage = rng.choice(["lead", "mql", "sql", "opportunity", "won", "lost", "nurture"], n)
    later = created + pd.to_timedelta(rng.integers(1, 60 * 24, n), unit="h")
    # a lead's dates say how far it came, whatever its stage now (nurtured after an SQL)
    came = rng.integers(0, 4, n)
    leads = pd.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "stage": pd.Categorical(stage),
            "created_at": created,
            "mql_at": later.where(came >= 1),
            "sql_at": later.where(came >= 2),
            "opportunity_at": later.where(came >= 3),
            "closed_at": later.where(np.isin(stage, ["won", "lost"])),
            "deal_value": np.where(stage == "won", rng.integers(1, 90, n) * 100.0, np.nan),
            "owner_id": pd.array(rng.integers(1, 5, n), dtype="Int64"),
            "source": rng.choice(["Webinar", "Ads"], n),
            "touches": rng.integers(0, 4, n),
            "last_touch_at": later,
        }
    )
    ref = pd.Timestamp(REF)
    whole = history_defaults(leads, ref)
    assert whole is not None and whole.rates is not None and whole.deal_size is not None
    assert history_defaults(leads[list(HISTORY_READS)], ref) == whole
    assert set(HISTORY_READS) <= set(snapshot.SNAPSHOT_COLUMNS)
    assert not {"touches", "last_touch_at", "first_touch_at", "updated_at"} & set(HISTORY_READS)


def test_the_closed_loop_reports_read_only_the_columns_they_name() -> None:
    """The Reports page's tables from a frame with just REPORT_READS (the times to each
    stage: TIMES_READS) equal those from every column; a call logged on a lead touched
    before changes none of them, and only the times read the first touch."""
    from sla_core.marketing import closed_loop
    from sla_core.periods import Calendar

    rng = np.random.default_rng(11)
    n = 500
    created = pd.Timestamp("2026-01-01", tz="UTC") + pd.to_timedelta(
        rng.integers(0, 90 * 24, n), unit="h"
    )

    def later(share: float) -> pd.Series:
        hours = pd.to_timedelta(rng.integers(1, 40 * 24, n), unit="h")
        return pd.Series(created + hours).where(rng.random(n) < share)

    stage = rng.choice(["lead", "mql", "sal", "sql", "won", "lost", "nurture", "disqualified"], n)
    leads = pd.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "created_at": created,
            "stage": pd.Categorical(stage),
            "mql_at": later(0.6),
            "assigned_at": later(0.5),
            "first_touch_at": later(0.4),
            "dispositioned_at": later(0.3),
            "sql_at": later(0.3),
            "opportunity_at": later(0.2),
            "closed_at": later(0.1),
            "source": rng.choice(["Webinar", "Ads", None], n),
            "campaign": rng.choice(["Spring", "Fall"], n),
            "marketer_id": pd.array(rng.choice([7, 8, None], n), dtype="Int64"),
            "disposition_reason": rng.choice(["budget", "timing", None], n),
            "industry": rng.choice(["Retail", "Software"], n),
            "company_size": rng.integers(1, 900, n),
            "department": rng.choice(["IT", "Sales"], n),
            "job_title": rng.choice(["CTO", "VP"], n),
            "technographics": rng.choice(["AWS", "GCP"], n),
            "engagement": rng.integers(0, 100, n),
            "touches": rng.integers(0, 4, n),
            "last_touch_at": later(0.5),
            "owner_id": pd.array(rng.integers(1, 5, n), dtype="Int64"),
        }
    )
    start, end = datetime(2026, 1, 10).date(), datetime(2026, 3, 20).date()
    for by in closed_loop.GROUP_BY:
        for reason_by in ("source", "industry", by):
            ask = closed_loop.Ask(start, end, "Asia/Tehran", Calendar.GREGORIAN, by, reason_by,
                                  ((7, "Mina"),), 40, Calendar.JALALI)  # fmt: skip
            whole = closed_loop.report(leads, ask)
            named = closed_loop.report(leads[list(closed_loop.REPORT_READS)], ask)
            assert whole.leads == named.leads > 0 and whole.months == named.months
            for table in ("funnel", "reasons", "marketers"):
                pd.testing.assert_frame_equal(getattr(whole, table), getattr(named, table))
    kept = closed_loop.in_range(leads, start, end, "Asia/Tehran")
    pd.testing.assert_frame_equal(
        closed_loop.time_to_stages(kept),
        closed_loop.time_to_stages(kept[list(closed_loop.TIMES_READS)]),
    )
    touch = {"touches", "last_touch_at", "updated_at"}
    assert not touch & set(closed_loop.REPORT_READS) and not touch & set(closed_loop.TIMES_READS)
    assert "first_touch_at" in closed_loop.TIMES_READS
    assert set(closed_loop.REPORT_READS + closed_loop.TIMES_READS) <= set(snapshot.SNAPSHOT_COLUMNS)
