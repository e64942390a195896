"""Issue 17: the leaderboard and the Compliance page read one disposition rule.

Cy's only March lead was disqualified an hour after hand-off with no reason (as imported
CRM data are: the app itself refuses a disqualification without one). The ledger counts
what happened: dispositioned in time. The board used to treat it as never dispositioned
(1 due, 0 in time) while the Compliance gauge said 1 of 1.
"""

from __future__ import annotations

import pandas as pd
import pytest
from sqlmodel import Session

from sla_core.agreement import governing_version
from sla_core.gamification import service, trace
from sla_core.periods import parse_period
from sla_core.sla.clocks import lead_clocks
from sla_core.sla.context import load_heads, load_setup
from sla_core.sla.views import Scope, ScopeKind, scope_gauges
from sla_core.store import snapshot
from sla_core.terms import PointLevel
from tests.gamification_world import at, build

MARCH = parse_period("2026-03")
LATER = at("2026-06-01 00:00")
# counted by hand from tests/gamification_world.LEADS: (due, dispositioned in time)
BY_HAND = {"ava": (2, 2), "bo": (2, 1), "cy": (1, 1)}


@pytest.fixture
def world(engine):  # type: ignore[no-untyped-def]
    return engine, build(engine)


def test_the_board_and_the_gauges_count_dispositions_alike(world) -> None:  # type: ignore[no-untyped-def]
    engine, ids = world
    leads = snapshot.read_leads(engine)
    with Session(engine) as session:
        board = service.board_for(session=session, leads=leads, period=MARCH, at=LATER)
        content = governing_version(session=session).content
        setup, heads = load_setup(session=session), load_heads(session=session)
    clocks = lead_clocks(leads, content, LATER, setup)
    people = board.people.set_index("subject_id")
    for short, (due, met) in BY_HAND.items():
        row = people.loc[ids[short]]
        assert (row["disposition_due"], row["dispositioned_in_time"]) == (due, met), short
        gauges = scope_gauges(
            leads, clocks, content, MARCH, LATER, Scope(ScopeKind.REP, ids[short]), heads
        ).set_index("level")
        assert (gauges.loc["disposition", "due"], gauges.loc["disposition", "done"]) == (due, met)


def test_the_trace_shows_the_reasonless_disposition_met(world) -> None:  # type: ignore[no-untyped-def]
    engine, ids = world
    leads = snapshot.read_leads(engine)
    with Session(engine) as session:
        content = governing_version(session=session).content
        setup = load_setup(session=session)
    behind = trace.leads_behind(
        leads, content, MARCH, LATER, ids["cy"], PointLevel.DISPOSITION, setup
    )
    assert list(behind["counted"]) == ["met"]
    assert pd.isna(behind["disposition_reason"].str.strip().replace("", None).iloc[0])
