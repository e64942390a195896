"""The Overview's figures, read from the one service-level computation, counted by hand."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from sla_core.models import Role
from sla_core.overview import figures
from sla_core.people import roster
from sla_core.periods import month_containing
from sla_core.sla.clocks import lead_clocks
from sla_core.sla.worktime import BusinessHours, WorkSetup, WorkTime
from sla_core.terms import AgreementContent
from tests.slaframes import sla_frame

REF = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
MARCH = month_containing(REF)
CONTENT = AgreementContent()  # 48-hour disposition window, 7 % conversion, 250 / 18 targets

MONTH = sla_frame(
    [
        # A: dispositioned 24 h after assignment -> due and met
        {"stage": "sql", "mql_at": "2026-03-02 09:00", "assigned_at": "2026-03-02 10:00",
         "dispositioned_at": "2026-03-03 10:00", "sql_at": "2026-03-03 10:00"},
        # B: dispositioned 72 h after assignment -> due, breached
        {"stage": "disqualified", "mql_at": "2026-03-05", "assigned_at": "2026-03-05",
         "dispositioned_at": "2026-03-08", "disposition_reason": "no budget"},
        # C: assigned a day ago, still inside its window -> not due yet
        {"stage": "mql", "mql_at": "2026-03-14 12:00", "assigned_at": "2026-03-14 12:00"},
        # D: never dispositioned, deadline passed -> due, breached
        {"stage": "mql", "mql_at": "2026-03-10", "assigned_at": "2026-03-10"},
        # E: MQL last month, became an opportunity and was won this month
        {"stage": "won", "mql_at": "2026-02-20", "assigned_at": "2026-02-20",
         "dispositioned_at": "2026-02-21", "sql_at": "2026-02-21", "opportunity_at": "2026-03-03",
         "closed_at": "2026-03-09"},
        # F: a plain lead
        {"stage": "lead", "created_at": "2026-03-01"},
        # G: dispositioned within the hour, an opportunity this month
        {"stage": "opportunity", "mql_at": "2026-03-01", "assigned_at": "2026-03-01",
         "dispositioned_at": "2026-03-01 01:00", "sql_at": "2026-03-01 01:00",
         "opportunity_at": "2026-03-04"},
        # H: lost this month: closed, but not a win
        {"stage": "lost", "mql_at": "2026-01-10", "closed_at": "2026-03-11"},
    ]
)  # fmt: skip


def overview(leads: pd.DataFrame, period=MARCH, ref=REF, setup=None):  # type: ignore[no-untyped-def]
    clocks = lead_clocks(leads, CONTENT, ref, setup)
    return figures.overview(leads, clocks, CONTENT, period, ref)


def test_overview_counts_the_month_by_hand() -> None:
    stats = overview(MONTH)
    assert (stats.mqls, stats.disposition_due, stats.disposition_met) == (5, 4, 2)
    assert (stats.disposition_pct, stats.opportunities) == (50.0, 2)


def test_overview_of_no_leads_has_no_percentages() -> None:
    stats = overview(MONTH.iloc[0:0])
    assert (stats.mqls, stats.disposition_pct, stats.conversion_pct) == (0, None, None)


def test_a_deadline_after_the_month_end_still_judges_the_lead() -> None:
    """Issue 17: leads assigned on 31 March at 22:00, never dispositioned, breach on 2 April;
    March counts them (the old Overview left them out for good)."""
    late = sla_frame([{"mql_at": "2026-03-31 22:00", "assigned_at": "2026-03-31 22:00"}] * 3)
    stats = overview(late, ref=datetime(2026, 4, 10, tzinfo=UTC))
    assert (stats.disposition_due, stats.disposition_met) == (3, 0)


def test_the_window_is_counted_in_working_hours() -> None:
    """Issue 17: assigned Friday 16:00, dispositioned Monday 10:00 = 2 working hours of 48
    (Mon-Fri 9-17): met; the wall clock (66 hours) called it breached."""
    lead = sla_frame(
        [{"stage": "disqualified", "mql_at": "2026-03-06 16:00", "assigned_at": "2026-03-06 16:00",
          "dispositioned_at": "2026-03-09 10:00", "disposition_reason": "no budget"}]
    )  # fmt: skip
    office = WorkSetup(work_time=WorkTime(hours=BusinessHours()))
    stats = overview(lead, setup=office)
    assert (stats.disposition_due, stats.disposition_met) == (1, 1)
    assert overview(lead).disposition_met == 0  # around the clock: 66 hours, late


def test_an_exempt_lead_does_not_count_against_sales() -> None:
    """A lead below the MQL threshold at hand-off is exempt: not due, whatever its clock."""
    exempt = sla_frame(
        [{"mql_at": "2026-03-02", "assigned_at": "2026-03-02", "industry": "Education",
          "engagement": 5}]
    )  # fmt: skip
    strict = CONTENT.model_copy(update={"mql": CONTENT.mql.model_copy(update={"threshold": 61})})
    clocks = lead_clocks(exempt, strict, REF)
    assert figures.overview(exempt, clocks, strict, MARCH, REF).disposition_due == 0


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


def test_targets_for_count_only_the_people_who_count() -> None:
    """Issue 12.4: people who do not count (`roster.counts`: an import created them) do not
    raise the targets (the rule itself is tested on the database in test_people)."""
    staff = pd.DataFrame(
        {
            "role": ["marketer", "marketer", "sales_rep", "sales_rep", "sales_rep", "admin"]
            + ["sales_rep"] * 50
            + ["marketer"] * 5,
            "counts": [True, False, True, True, False, True] + [False] * 55,
        }
    )
    targets = figures.targets_for(CONTENT, staff, owner_id=None)
    assert (targets.mqls, targets.opportunities) == (250, 36)


def test_targets_for_one_rep_use_the_minimum_load() -> None:
    targets = figures.targets_for(CONTENT, pd.DataFrame({"role": [], "counts": []}), 7)
    assert (targets.mqls, targets.opportunities) == (40, 18)


def test_headcount() -> None:
    staff = pd.DataFrame(
        {"role": ["marketer", "sales_rep", "sales_rep", "sales_rep"],
         "counts": [True, True, True, False]}
    )  # fmt: skip
    heads = roster.headcount(staff)
    assert (heads[Role.MARKETER], heads[Role.SALES_REP], heads[Role.ADMIN]) == (1, 2, 0)
