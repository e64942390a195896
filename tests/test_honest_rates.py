"""Issue 17, honest rates, counted by hand: conversion is a cohort rate, a running period
shows its running clocks (a clock past its deadline is breached at once) and judges volume
targets against a pro-rated pace."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from sla_core.periods import parse_period
from sla_core.sla.clocks import lead_clocks
from sla_core.sla.gauges import GaugeLevel, gauge_table, pace_of
from sla_core.sla.levels import service_levels
from sla_core.sla.views import Heads, Scope, ScopeKind, scope_gauges
from sla_core.terms import AgreementContent, Windows
from tests.slaframes import sla_frame

CONTENT = AgreementContent(windows=Windows(disposition_hours=48, work_within_days=7))
MARCH = parse_period("2026-03")
WON = {"stage": "won", "dispositioned_at": "2026-02-03", "sql_at": "2026-02-03"}


def levels_at(leads: pd.DataFrame, ref: datetime) -> pd.Series:
    clocks = lead_clocks(leads, CONTENT, ref)
    return service_levels(leads, CONTENT, MARCH, ref, None, clocks=clocks).iloc[0]


def test_conversion_is_the_cohort_won_so_far_never_above_100() -> None:
    """3 deals handed off in February and won in March, 2 MQLs handed off in March (1 won):
    the old rate was 4 won / 2 MQLs = 200 %; the cohort rate is 1 of 2 = 50 %, with the
    4 deals won in March shown beside."""
    leads = sla_frame(
        [{**WON, "mql_at": "2026-02-02", "assigned_at": "2026-02-02", "closed_at": "2026-03-05"}]
        * 3
        + [
            {**WON, "mql_at": "2026-03-02", "assigned_at": "2026-03-02",
             "dispositioned_at": "2026-03-02 05:00", "sql_at": "2026-03-02 05:00",
             "closed_at": "2026-03-20"},
            {"mql_at": "2026-03-03", "assigned_at": "2026-03-03", "stage": "sql",
             "dispositioned_at": "2026-03-03 05:00", "sql_at": "2026-03-03 05:00"},
        ]
    )  # fmt: skip
    row = levels_at(leads, datetime(2026, 4, 2, tzinfo=UTC))
    assert (row["mqls_received"], row["converted"], row["won"]) == (2, 1, 4)
    assert row["conversion_pct"] == 50.0
    gauges = gauge_table(
        service_levels(leads, CONTENT, MARCH, datetime(2026, 4, 2, tzinfo=UTC), None),
        CONTENT,
        reps=pd.Series({"all": 1}),
        marketers=pd.Series({"all": 0}),
    ).set_index("level")
    conversion = gauges.loc[GaugeLevel.CONVERSION.value]
    assert (conversion["done"], conversion["due"], conversion["won_in_period"]) == (1, 2, 4)


def test_a_running_week_shows_running_clocks_and_breaches_past_deadlines() -> None:
    """On 5 March: an MQL of 2 March, untouched, is still inside its 7-day work window
    (running, not due); one of 1 March at 00:00 judged on 9 March is breached though March
    still runs; the old page left both out until the month closed."""
    leads = sla_frame(
        [
            {"mql_at": "2026-03-02", "assigned_at": "2026-03-02"},
            {"mql_at": "2026-03-01", "assigned_at": "2026-03-01"},
        ]
    )
    early = levels_at(leads, datetime(2026, 3, 5, tzinfo=UTC))
    assert (early["worked_due"], early["worked_running"]) == (0, 2)
    assert (early["disposition_due"], early["disposition_running"]) == (2, 0)  # 48 h gone
    later = levels_at(leads, datetime(2026, 3, 9, 12, tzinfo=UTC))
    assert (later["worked_due"], later["worked_in_time"], later["worked_running"]) == (2, 0, 0)


@pytest.mark.parametrize(
    ("ref", "pace"),
    [
        (datetime(2026, 3, 11, tzinfo=UTC), 10 / 31),
        (datetime(2026, 2, 11, tzinfo=UTC), 0.0),
        (datetime(2026, 5, 1, tzinfo=UTC), 1.0),
    ],
)
def test_pace_is_the_share_of_the_period_gone(ref: datetime, pace: float) -> None:
    assert pace_of(MARCH.start, MARCH.end, ref) == pytest.approx(pace)


def test_a_running_month_judges_volume_against_its_pace() -> None:
    """On 11 March (10 of 31 days gone) a rep with 13 MQLs: the minimum load of 40 a month
    is 12.9 at this pace -> 13 is on pace (green); against the full 40 it read red."""
    ref = datetime(2026, 3, 11, tzinfo=UTC)
    leads = sla_frame(
        [{"mql_at": f"2026-03-0{1 + i % 9}", "assigned_at": f"2026-03-0{1 + i % 9}",
          "touches": 3, "stage": "sql", "dispositioned_at": f"2026-03-0{1 + i % 9} 01:00",
          "sql_at": f"2026-03-0{1 + i % 9} 01:00"} for i in range(13)]
    )  # fmt: skip
    clocks = lead_clocks(leads, CONTENT, ref)
    heads = Heads(reps=frozenset({1}), marketers=frozenset(), team_of={1: None})
    gauges = scope_gauges(
        leads, clocks, CONTENT, MARCH, ref, Scope(ScopeKind.REP, 1), heads
    ).set_index("level")
    volume = gauges.loc[GaugeLevel.MQL_VOLUME.value]
    assert volume["target"] == pytest.approx(40 * 10 / 31)
    assert (volume["value"], volume["band"]) == (13, "green")
    opportunities = gauges.loc[GaugeLevel.OPPORTUNITIES.value]
    assert opportunities["target"] == pytest.approx(18 * 10 / 31)
