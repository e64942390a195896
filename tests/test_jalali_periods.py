"""Compliance and leaderboard periods cut on Jalali months in the organisation's zone.

Nowruz 1405 (1 Farvardin) begins at midnight in Tehran (+03:30): 2026-03-20 20:30 UTC.
A lead that became an MQL at 20:00 UTC counts in Esfand 1404, one at 21:00 UTC in
Farvardin 1405, though both fall on 20 March in the Gregorian calendar (and in UTC).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from sla_core.gamification.leaderboard import period_choices
from sla_core.gamification.levels import marketing_levels, touching
from sla_core.i18n.dates import period_name
from sla_core.i18n.languages import Language
from sla_core.periods import Calendar, PeriodKind, month_containing, quarter_containing
from sla_core.sla.levels import service_levels
from sla_core.terms import AgreementContent
from tests.slaframes import sla_frame

TEHRAN = "Asia/Tehran"
BEFORE = "2026-03-20T20:00:00Z"  # 23:30 on 29 Esfand 1404 in Tehran
AFTER = "2026-03-20T21:00:00Z"  # 00:30 on 1 Farvardin 1405 in Tehran
REF = datetime(2026, 4, 25, tzinfo=UTC)


def _leads() -> pd.DataFrame:
    return sla_frame(
        [
            {"mql_at": BEFORE, "assigned_at": BEFORE, "created_at": BEFORE},
            {"mql_at": AFTER, "assigned_at": AFTER, "created_at": AFTER},
            {"mql_at": AFTER, "assigned_at": AFTER, "created_at": AFTER, "marketer_id": 8},
        ]
    )


def _month(instant: str) -> object:
    return month_containing(pd.Timestamp(instant), zone=TEHRAN, calendar=Calendar.JALALI)


def test_the_jalali_month_starts_at_midnight_in_tehran() -> None:
    esfand, farvardin = _month(BEFORE), _month(AFTER)
    assert (esfand.label, farvardin.label) == ("1404-12", "1405-01")
    assert farvardin.start == pd.Timestamp("2026-03-20T20:30:00Z") == esfand.end
    assert period_name(farvardin, Language.PERSIAN) == "فروردین ۱۴۰۵"


def test_compliance_counts_each_mql_in_its_jalali_month() -> None:
    content, leads = AgreementContent(), _leads()
    esfand = service_levels(leads, content, _month(BEFORE), REF, by=None)
    farvardin = service_levels(leads, content, _month(AFTER), REF, by=None)
    assert (int(esfand["mqls"].sum()), int(farvardin["mqls"].sum())) == (1, 2)
    assert int(farvardin["mqls_received"].sum()) == 2
    # The Gregorian month in UTC would count all three in March.
    march = month_containing(pd.Timestamp(BEFORE), zone="UTC", calendar=Calendar.GREGORIAN)
    assert int(service_levels(leads, content, march, REF, by=None)["mqls"].sum()) == 3


def test_the_leaderboard_scores_marketers_on_jalali_months() -> None:
    leads = _leads()
    assert marketing_levels(leads, _month(BEFORE))["mqls"].to_dict() == {9: 1}
    assert marketing_levels(leads, _month(AFTER))["mqls"].to_dict() == {8: 1, 9: 1}
    assert touching(leads, _month(AFTER)).tolist() == [False, True, True]


def test_the_leaderboard_offers_jalali_months_and_quarters() -> None:
    ref = pd.Timestamp(AFTER)
    months = period_choices(PeriodKind.MONTH, ref=ref, zone=TEHRAN, calendar=Calendar.JALALI)
    assert [p.label for p in months[:3]] == ["1405-01", "1404-12", "1404-11"]
    quarters = period_choices(PeriodKind.QUARTER, ref=ref, zone=TEHRAN, calendar=Calendar.JALALI)
    assert quarters[0] == quarter_containing(ref, zone=TEHRAN, calendar=Calendar.JALALI)
    assert quarters[0].label == "1405-Q1" and quarters[1].label == "1404-Q4"
