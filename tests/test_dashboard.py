"""What the Overview shows: periods picked, teams, targets scaled to the period, signs."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import pytest

from sla_core.org import OrgSettings
from sla_core.overview import in_view
from sla_core.overview.in_view import PeriodChoice
from sla_core.periods import Calendar, PeriodError, PeriodKind
from sla_core.terms import AgreementContent

REF = datetime(2026, 5, 20, 15, 30, tzinfo=UTC)
TEHRAN = OrgSettings(time_zone="Asia/Tehran", calendar=Calendar.JALALI)
PEOPLE = pd.DataFrame(
    {
        "id": [1, 2, 3, 4, 5],
        "role": ["sales_rep", "sales_rep", "sales_rep", "marketer", "sales_rep"],
        "team": ["East", "East", "West", None, "East"],
        "active": [True, True, True, True, False],
        "can_sign_in": [True, True, True, True, True],
        "counts": [True, True, True, True, False],  # people.counts: 5 is inactive
    }
)
CONTENT = AgreementContent()  # 250 MQLs per marketer, 18 opportunities and 40 MQLs per rep


@pytest.mark.parametrize(
    ("choice", "org", "start", "end", "label"),
    [
        (PeriodChoice.THIS_MONTH, OrgSettings(), "2026-05-01", "2026-06-01", "2026-05"),
        (PeriodChoice.LAST_MONTH, OrgSettings(), "2026-04-01", "2026-05-01", "2026-04"),
        (PeriodChoice.THIS_QUARTER, OrgSettings(), "2026-04-01", "2026-07-01", "2026-Q2"),
        # Jalali 1405-02 (Ordibehesht) runs from 21 April to 21 May, at Tehran midnight
        (PeriodChoice.THIS_MONTH, TEHRAN, "2026-04-20 20:30", "2026-05-21 20:30", "1405-02"),
    ],
)
def test_period_for(choice: PeriodChoice, org: OrgSettings, start: str, end: str, label: str):
    period = in_view.period_for(choice, REF, org)
    assert (period.start, period.end, period.label) == (
        pd.Timestamp(start, tz=UTC),
        pd.Timestamp(end, tz=UTC),
        label,
    )


def test_custom_period_counts_both_days_and_needs_them() -> None:
    period = in_view.period_for(
        PeriodChoice.CUSTOM, REF, OrgSettings(), (date(2026, 5, 3), date(2026, 5, 4))
    )
    assert (period.start, period.end, period.kind) == (
        pd.Timestamp("2026-05-03", tz=UTC),
        pd.Timestamp("2026-05-05", tz=UTC),
        PeriodKind.CUSTOM,
    )
    with pytest.raises(PeriodError, match="pick the first and the last day"):
        in_view.period_for(PeriodChoice.CUSTOM, REF, OrgSettings())
    with pytest.raises(PeriodError, match="ends"):
        in_view.period_for(
            PeriodChoice.CUSTOM, REF, OrgSettings(), (date(2026, 5, 4), date(2026, 5, 3))
        )


def test_counted_until_is_now_or_the_end_of_a_past_period() -> None:
    april = in_view.period_for(PeriodChoice.LAST_MONTH, REF, OrgSettings())
    may = in_view.period_for(PeriodChoice.THIS_MONTH, REF, OrgSettings())
    assert in_view.counted_until(april, REF) == pd.Timestamp("2026-05-01", tz=UTC)
    assert in_view.counted_until(may, REF) == pd.Timestamp(REF)


def test_months_in() -> None:
    quarter = in_view.period_for(PeriodChoice.THIS_QUARTER, REF, OrgSettings())
    days = in_view.period_for(
        PeriodChoice.CUSTOM, REF, OrgSettings(), (date(2026, 1, 1), date(2026, 12, 31))
    )
    assert in_view.months_in(quarter) == 3.0
    assert in_view.months_in(days) == pytest.approx(365 / (365.2425 / 12))


def test_teams_and_their_reps() -> None:
    assert in_view.sales_teams(PEOPLE) == ["East", "West"]
    assert in_view.team_reps(PEOPLE, "East") == [1, 2]  # 5 is inactive


@pytest.mark.parametrize(
    ("owner_id", "team", "choice", "mqls", "opportunities", "owed"),
    [
        (None, None, PeriodChoice.THIS_MONTH, 250, 54, False),  # 1 marketer; 3 active reps
        (None, None, PeriodChoice.THIS_QUARTER, 750, 162, False),
        (None, "East", PeriodChoice.THIS_MONTH, 80, 36, True),  # 2 reps owed 40 each
        (1, None, PeriodChoice.THIS_QUARTER, 120, 54, True),  # one rep, three months
    ],
)
def test_view_targets(owner_id, team, choice, mqls, opportunities, owed) -> None:  # type: ignore[no-untyped-def]
    period = in_view.period_for(choice, REF, OrgSettings())
    view = in_view.view_targets(CONTENT, PEOPLE, owner_id=owner_id, team=team, period=period)
    assert (view.targets.mqls, view.targets.opportunities, view.mqls_owed) == (
        mqls,
        opportunities,
        owed,
    )


@pytest.mark.parametrize(("n", "text"), [(1000, "+1,000"), (-1000, "-1,000"), (0, "0")])
def test_signed(n: int, text: str) -> None:
    assert in_view.signed(n) == text
