"""The Overview reads the Compliance page's counts: a breach a reassignment left with the rep
who missed it counts on the Overview as on Compliance and the CLI (issue 17, item 2)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine

from sla_core import agreement, leads
from sla_core.db import session_scope
from sla_core.models import User
from sla_core.overview import scoped
from sla_core.sla import views
from sla_core.sla.clocks import lead_clocks
from sla_core.sla.context import load_heads, load_setup
from sla_core.sla.reassign import kept_breaches
from sla_core.stages import Disposition
from sla_core.store.memo import no_memo
from sla_core.store.snapshot import read_leads
from tests.test_sla_history import MARCH, T0, _assigned_lead, _people


def _overview(engine: Engine, reader: User, team: str | None = None) -> tuple[int, int]:
    """The Overview's "dispositioned in time" (met, due) for March as `reader` sees it."""
    ref = T0 + timedelta(days=3)
    with session_scope(engine) as session:
        setup = load_setup(session=session)
        governing = agreement.governing_version(session=session)
        heads = load_heads(session=session)
        kept = kept_breaches(session=session)
    frame = read_leads(engine)
    if reader.role.value == "sales_rep":
        frame = frame[frame["owner_id"] == reader.id]
    within = scoped.InView(
        frame, lead_clocks(frame, governing.content, ref, setup), governing.content, ("s",), ref,
        MARCH, ref, team, views.Scope(), heads, governing.version.id, "UTC", "monday", kept,
    )  # fmt: skip
    rows = scoped.rows(within, actor=reader, memo=no_memo)
    stats = scoped.period_figures(within, rows, actor=reader, memo=no_memo)
    return stats.disposition_met, stats.disposition_due


def test_the_overview_counts_the_breach_a_reassignment_left_with_who_missed_it(
    engine: Engine,
) -> None:
    """Ann misses L1's 48 h; at T0 + 50 h the manager gives it to Bob, who qualifies it at
    T0 + 51 h. March, as on Compliance and the CLI: company 1 of 2, Ann 0 of 1, Bob 1 of 1."""
    ann, bob, boss = _people(engine)
    lead_id = _assigned_lead(engine, ann)
    with session_scope(engine) as session:
        leads.reassign(session=session, lead_id=lead_id, to_owner=bob.id or 0, actor=boss,
                       seen_owner=ann.id, at=T0 + timedelta(hours=50))  # fmt: skip
        leads.disposition(session=session, lead_id=lead_id, outcome=Disposition.QUALIFY,
                          actor=bob, at=T0 + timedelta(hours=51))  # fmt: skip
    assert _overview(engine, boss) == (1, 2)
    assert _overview(engine, ann) == (0, 1)
    assert _overview(engine, bob) == (1, 1)


def test_the_kept_breaches_are_read_from_their_own_index(engine: Engine) -> None:
    """The breaches are a handful among every lead's events: SQLite answers their query
    from the partial index of breaches (`ix_leadevent_breach`), not by reading every event,
    and finds the breach the reassignment left."""
    from sqlalchemy import event

    ann, bob, boss = _people(engine)
    lead_id = _assigned_lead(engine, ann)
    with session_scope(engine) as session:
        leads.reassign(session=session, lead_id=lead_id, to_owner=bob.id or 0, actor=boss,
                       seen_owner=ann.id, at=T0 + timedelta(hours=50))  # fmt: skip
    statements: list[tuple[str, object]] = []

    def seen(conn, cursor, statement, params, context, executemany) -> None:  # type: ignore[no-untyped-def]
        statements.append((statement, params))

    event.listen(engine, "before_cursor_execute", seen)
    try:
        with session_scope(engine) as session:
            kept = kept_breaches(session=session)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert kept[["lead_id", "owner_id", "clock"]].values.tolist() == [
        [lead_id, ann.id, "disposition"]
    ]
    (statement, params), *_ = [s for s in statements if "FROM leadevent" in s[0]]
    if engine.url.get_backend_name() == "sqlite":
        with engine.connect() as conn:
            plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params).all()
        assert "USING INDEX ix_leadevent_breach" in " ".join(str(row[-1]) for row in plan)
