"""Property: a closed period's points never change unless its own data changes.

Hypothesis builds March and April leads for three reps; March is scored and fingerprinted
as a close would; then any edit confined to April (other owners, dispositions, reasons,
stages, new leads) and any later reference instant leave March's standings identical.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sla_core.gamification import closing
from sla_core.gamification.board import compute_board
from sla_core.gamification.rulebook import PeriodRules
from sla_core.periods import parse_period
from sla_core.terms import AgreementContent
from tests.gamification_world import PROFILE
from tests.leadframes import frame

MARCH = parse_period("2026-03")
RULES = PeriodRules(AgreementContent(), 1, 1, True)
REF = datetime(2026, 6, 1, tzinfo=UTC)
PEOPLE = pd.DataFrame(
    {
        "id": [1, 2, 3, 4],
        "name": ["Ava", "Bo", "Cy", "Mo"],
        "role": ["sales_rep"] * 3 + ["marketer"],
        "team_id": pd.array([1, 1, 2, 3], dtype="Int64"),
        "team": ["North", "North", "South", "Growth"],
        "joined_at": pd.Timestamp("2025-01-01", tz="UTC"),
    }
)


@st.composite
def lead(draw: st.DrawFn, month: int) -> dict[str, object]:
    start = datetime(2026, month, 1, tzinfo=UTC)
    assigned = start + timedelta(hours=draw(st.integers(0, 24 * 27)))
    delay = draw(st.one_of(st.none(), st.integers(0, 120)))
    stage = draw(st.sampled_from(["mql", "sql", "disqualified", "nurture", "won"]))
    done = None if delay is None or stage == "mql" else assigned + timedelta(hours=delay)
    won = stage == "won" and done is not None
    return {
        **PROFILE,
        "owner_id": draw(st.sampled_from([1, 2, 3])),
        "marketer_id": 4,
        "stage": stage if done is not None else "mql",
        "disposition_reason": draw(st.sampled_from([None, "", "No budget"])),
        "touches": draw(st.integers(0, 4)),
        "created_at": assigned.isoformat(),
        "mql_at": assigned.isoformat(),
        "assigned_at": assigned.isoformat(),
        "first_touch_at": None if done is None else done.isoformat(),
        "dispositioned_at": None if done is None else done.isoformat(),
        "sql_at": done.isoformat() if done is not None and stage in ("sql", "won") else None,
        "opportunity_at": done.isoformat() if won else None,
        "closed_at": (done + timedelta(hours=1)).isoformat() if won else None,
    }


def leads_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    out = frame(rows)
    for column in ("sql_at", "last_touch_at"):
        out[column] = pd.to_datetime(
            pd.Series([r.get(column) for r in rows], dtype="object"), utc=True, format="ISO8601"
        ).astype("datetime64[us, UTC]")
    for column, value in PROFILE.items():
        out[column] = value
    out["marketer_id"] = pd.array([4] * len(rows), dtype="Int64")
    out["disposition_reason"] = pd.Series([r["disposition_reason"] for r in rows], dtype="string")
    out["touches"] = [r["touches"] for r in rows]
    return out


def march_board(rows: list[dict[str, object]], ref: datetime = REF):  # type: ignore[no-untyped-def]
    return compute_board(leads_frame(rows), PEOPLE, MARCH, RULES, ref)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    march=st.lists(lead(3), min_size=0, max_size=12),
    april=st.lists(lead(4), min_size=0, max_size=8),
    april_edited=st.lists(lead(4), min_size=0, max_size=8),
    later=st.integers(0, 400),
)
def test_closed_points_change_only_with_their_own_data(march, april, april_edited, later):
    closed = march_board(march + april)
    again = march_board(march + april_edited, REF + timedelta(days=later))
    assert closing.fingerprint(again) == closing.fingerprint(closed)
    pd.testing.assert_series_equal(closed.people["points"], again.people["points"])
    assert list(closed.people["name"]) == list(again.people["name"])


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(march=st.lists(lead(3), min_size=1, max_size=10))
def test_an_edit_to_the_period_shows_in_its_fingerprint(march):
    before = march_board(march)
    changed = [dict(march[0], owner_id=march[0]["owner_id"] % 3 + 1)] + march[1:]
    after = march_board(changed)
    moved = not before.people[["subject_id", "mqls_received"]].equals(
        after.people[["subject_id", "mqls_received"]]
    )
    assert moved  # a lead changed hands in March: the counts moved...
    assert closing.fingerprint(after) != closing.fingerprint(before)  # ...and so did the print


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(march=st.lists(lead(3), min_size=1, max_size=8), idle=st.integers(1, 5))
def test_the_clocks_shortcut_equals_every_lead_s_own_clocks(march, idle):
    from sla_core.sla import shared_clocks
    from sla_core.sla.clocks import lead_clocks
    from sla_core.sla.exemptions import exempt_leads
    from sla_core.sla.worktime import WorkSetup

    rows = march + [
        {
            **PROFILE,
            "stage": "lead",
            "touches": n,
            "created_at": "2026-03-02T10:00:00+00:00",
            "owner_id": None,
            "disposition_reason": None,
        }  # fmt: skip
        for n in range(idle)
    ]
    leads = leads_frame(rows).sample(frac=1, random_state=idle)  # idle rows interleaved
    fast = shared_clocks.clocks_for(leads, RULES.content, REF, None)
    full = lead_clocks(leads, RULES.content, REF, None)
    pd.testing.assert_frame_equal(fast, full, check_dtype=True)
    # the exemptions handed over (the pages' shared entry) give the same clocks
    found = exempt_leads(leads, RULES.content, WorkSetup())
    given = shared_clocks.clocks_for(leads, RULES.content, REF, None, found)
    pd.testing.assert_frame_equal(given, full, check_dtype=True)
