"""Stage counts and weekly MQL volume, checked by hand."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from sla_core.overview import funnel
from sla_core.stages import Stage
from tests.leadframes import frame


def test_stage_counts_list_every_stage_in_lifecycle_order() -> None:
    leads = frame([{"stage": "mql"}, {"stage": "mql"}, {"stage": "won"}, {"stage": "nurture"}])
    counts = funnel.stage_counts(leads)
    assert counts["stage"].tolist() == [s.value for s in Stage]
    assert dict(zip(counts["stage"], counts["leads"], strict=True)) == {
        "lead": 0,
        "mql": 2,
        "sal": 0,
        "sql": 0,
        "opportunity": 0,
        "won": 1,
        "lost": 0,
        "nurture": 1,
        "disqualified": 0,
    }


def test_weekly_mqls_bucket_by_monday_up_to_the_reference() -> None:
    ref = datetime(2026, 3, 18, 12, 0, tzinfo=UTC)  # a Wednesday
    leads = frame(
        [
            {"mql_at": "2026-03-01 23:00"},  # Sunday before the first week: left out
            {"mql_at": "2026-03-02 00:00"},  # Monday of week 1
            {"mql_at": "2026-03-08 23:59"},  # Sunday of week 1
            {"mql_at": "2026-03-16 08:00"},  # week 3
            {"mql_at": "2026-03-18 13:00"},  # after the reference: left out
            {"mql_at": None},
        ]
    )
    weeks = funnel.weekly_mqls(leads, ref, weeks=3)
    assert weeks["week"].tolist() == [
        pd.Timestamp("2026-03-02", tz=UTC),
        pd.Timestamp("2026-03-09", tz=UTC),
        pd.Timestamp("2026-03-16", tz=UTC),
    ]
    assert weeks["mqls"].tolist() == [2, 0, 1]


def test_weekly_mqls_of_no_leads_are_zeros() -> None:
    weeks = funnel.weekly_mqls(frame([]), datetime(2026, 3, 18, tzinfo=UTC), weeks=4)
    assert weeks["mqls"].tolist() == [0, 0, 0, 0]


def test_weekly_mqls_start_on_saturday_in_tehran_for_a_persian_team() -> None:
    ref = datetime(2026, 3, 18, 12, 0, tzinfo=UTC)  # Wednesday, 15:30 in Tehran
    leads = frame(
        [
            {"mql_at": "2026-03-13 20:29"},  # Friday 23:59 Tehran: the week before
            {"mql_at": "2026-03-13 20:31"},  # Saturday 00:01 Tehran: this week
            {"mql_at": "2026-03-16 08:00"},
        ]
    )
    weeks = funnel.weekly_mqls(leads, ref, weeks=2, zone="Asia/Tehran", week_start="saturday")
    assert [w.strftime("%Y-%m-%d %a") for w in weeks["week"]] == [
        "2026-03-07 Sat",
        "2026-03-14 Sat",
    ]
    assert weeks["mqls"].tolist() == [1, 2]
