"""Service levels of a month, computed by hand on a handful of leads."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from sla_core.models import Role
from sla_core.overview import figures
from sla_core.periods import month_containing
from sla_core.terms import AgreementContent
from tests.leadframes import frame

REF = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
MARCH = month_containing(REF)
CONTENT = AgreementContent()  # 48-hour disposition window, 7 % conversion, 250 / 18 targets

MONTH = frame(
    [
        # A: dispositioned 24 h after assignment -> due and met
        {"stage": "sql", "mql_at": "2026-03-02 09:00", "assigned_at": "2026-03-02 10:00",
         "dispositioned_at": "2026-03-03 10:00"},
        # B: dispositioned 72 h after assignment -> due, breached
        {"stage": "disqualified", "mql_at": "2026-03-05", "assigned_at": "2026-03-05",
         "dispositioned_at": "2026-03-08"},
        # C: assigned a day ago, still inside its window -> not due yet
        {"stage": "mql", "mql_at": "2026-03-14 12:00", "assigned_at": "2026-03-14 12:00"},
        # D: never dispositioned, deadline passed -> due, breached
        {"stage": "mql", "mql_at": "2026-03-10", "assigned_at": "2026-03-10"},
        # E: MQL last month, became an opportunity and was won this month
        {"stage": "won", "mql_at": "2026-02-20", "assigned_at": "2026-02-20",
         "dispositioned_at": "2026-02-21", "opportunity_at": "2026-03-03",
         "closed_at": "2026-03-09"},
        # F: a plain lead
        {"stage": "lead", "created_at": "2026-03-01"},
        # G: dispositioned within the hour, an opportunity this month
        {"stage": "opportunity", "mql_at": "2026-03-01", "assigned_at": "2026-03-01",
         "dispositioned_at": "2026-03-01 01:00", "opportunity_at": "2026-03-04"},
        # H: lost this month: closed, but not a win
        {"stage": "lost", "mql_at": "2026-01-10", "closed_at": "2026-03-11"},
    ]
)  # fmt: skip


def test_overview_counts_the_month_by_hand() -> None:
    stats = figures.overview(MONTH, CONTENT, MARCH, REF)
    assert stats == figures.Overview(
        mqls=5,
        disposition_due=4,
        disposition_met=2,
        disposition_pct=50.0,
        won=1,
        conversion_pct=20.0,
        opportunities=2,
    )


def test_overview_of_no_leads_has_no_percentages() -> None:
    stats = figures.overview(MONTH.iloc[0:0], CONTENT, MARCH, REF)
    assert (stats.mqls, stats.disposition_pct, stats.conversion_pct) == (0, None, None)


@pytest.mark.parametrize(
    ("assigned", "dispositioned", "due", "met"),
    [
        ("2026-03-10 12:00", "2026-03-12 12:00", True, True),  # exactly on the deadline
        ("2026-03-10 12:00", "2026-03-12 12:01", True, False),  # a minute late
        ("2026-03-14 12:00", None, False, False),  # still inside the window
        ("2026-03-13 12:00", None, True, False),  # deadline reached at the reference time
        (None, None, False, False),  # never assigned: no clock running
        ("2026-03-14 12:00", "2026-03-14 13:00", True, True),  # early and done
    ],
)
def test_disposition_outcome(
    assigned: str | None, dispositioned: str | None, due: bool, met: bool
) -> None:
    leads = frame([{"assigned_at": assigned, "dispositioned_at": dispositioned}])
    outcome = figures.disposition_outcome(leads, 48, REF)
    assert (bool(outcome["due"].iloc[0]), bool(outcome["met"].iloc[0])) == (due, met)


@pytest.mark.parametrize(
    ("won", "mqls", "expected"), [(0, 0, None), (7, 100, 7.0), (3, 12, 25.0), (0, 9, 0.0)]
)
def test_conversion_pct(won: int, mqls: int, expected: float | None) -> None:
    assert figures.conversion_pct(won, mqls) == expected


@pytest.mark.parametrize(
    ("marketers", "reps", "mqls", "opportunities"),
    [(4, 12, 1000, 216), (0, 1, 40, 18), (1, 0, 250, 0)],
)
def test_month_targets(marketers: int, reps: int, mqls: int, opportunities: int) -> None:
    targets = figures.month_targets(CONTENT, marketers=marketers, reps=reps)
    assert (targets.mqls, targets.opportunities, targets.conversion_pct) == (
        mqls,
        opportunities,
        7.0,
    )


def test_targets_for_count_only_active_placed_people() -> None:
    """Issue 12.4: people an import created (no team) do not raise the targets."""
    people = pd.DataFrame(
        {
            "role": ["marketer", "marketer", "sales_rep", "sales_rep", "sales_rep", "admin"]
            + ["sales_rep"] * 50
            + ["marketer"] * 5,
            "active": [True, False, True, True, False, True] + [True] * 55,
            "team": ["Mkt", "Mkt", "Ent", "Ent", "Ent", None] + [None] * 55,
            # the 55 came from an import: no team, no login
            "can_sign_in": [True] * 6 + [False] * 55,
        }
    )
    targets = figures.targets_for(CONTENT, people, owner_id=None)
    assert (targets.mqls, targets.opportunities) == (250, 36)


def test_targets_for_one_rep_use_the_minimum_load() -> None:
    targets = figures.targets_for(
        CONTENT, pd.DataFrame({"role": [], "active": [], "team": [], "can_sign_in": []}), 7
    )
    assert (targets.mqls, targets.opportunities) == (40, 18)


def test_headcount() -> None:
    heads = figures.headcount(pd.Series(["marketer", "sales_rep", "sales_rep"]))
    assert (heads[Role.MARKETER], heads[Role.SALES_REP], heads[Role.ADMIN]) == (1, 2, 0)


def test_a_rep_given_a_login_counts_without_a_team() -> None:
    """Placed means a team or a login: an admin's new rep counts before joining a team."""
    people = pd.DataFrame(
        {
            "role": ["sales_rep", "sales_rep"],
            "active": [True, True],
            "team": [None, None],
            "can_sign_in": [True, False],
        }
    )
    assert figures.targets_for(CONTENT, people, owner_id=None).opportunities == 18
