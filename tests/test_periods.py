"""Months and quarters cut in the organisation's zone and calendar."""

from datetime import UTC, datetime

import pandas as pd
import pytest

from sla_core.periods import (
    Calendar,
    PeriodError,
    PeriodKind,
    labels_of,
    month_containing,
    parse_period,
    quarter_containing,
    recent,
    shift,
)

TEHRAN = "Asia/Tehran"  # UTC+03:30, no daylight saving since 2022


@pytest.mark.parametrize(
    ("ref", "zone", "calendar", "label", "start", "end"),
    [
        (
            datetime(2026, 5, 17, tzinfo=UTC),
            "UTC",
            Calendar.GREGORIAN,
            "2026-05",
            "2026-05-01 00:00",
            "2026-06-01 00:00",
        ),
        # 22:00 UTC on 31 May is already 1 June in Tehran
        (
            datetime(2026, 5, 31, 22, tzinfo=UTC),
            TEHRAN,
            Calendar.GREGORIAN,
            "2026-06",
            "2026-05-31 20:30",
            "2026-06-30 20:30",
        ),
        # 1 Ordibehesht 1405 = 21 April 2026; 1 Khordad 1405 = 22 May 2026
        (
            datetime(2026, 5, 1, tzinfo=UTC),
            TEHRAN,
            Calendar.JALALI,
            "1405-02",
            "2026-04-20 20:30",
            "2026-05-21 20:30",
        ),
        # the last day of Esfand 1404 (20 March 2026) vs Nowruz 1405 (21 March 2026)
        (
            datetime(2026, 3, 20, 12, tzinfo=UTC),
            TEHRAN,
            Calendar.JALALI,
            "1404-12",
            "2026-02-19 20:30",
            "2026-03-20 20:30",
        ),
        (
            datetime(2026, 3, 20, 21, tzinfo=UTC),
            TEHRAN,
            Calendar.JALALI,
            "1405-01",
            "2026-03-20 20:30",
            "2026-04-20 20:30",
        ),
    ],
)
def test_month_containing(ref, zone, calendar, label, start, end):
    period = month_containing(ref, zone=zone, calendar=calendar)
    assert (period.label, period.start, period.end) == (
        label,
        pd.Timestamp(start, tz="UTC"),
        pd.Timestamp(end, tz="UTC"),
    )


def test_quarter_and_parse_agree():
    ref = datetime(2026, 8, 9, tzinfo=UTC)
    assert quarter_containing(ref) == parse_period("2026-Q3")
    assert quarter_containing(ref).start == pd.Timestamp("2026-07-01", tz="UTC")
    assert parse_period("1405-Q1", zone=TEHRAN, calendar=Calendar.JALALI).end == pd.Timestamp(
        "2026-06-21 20:30", tz="UTC"
    )


@pytest.mark.parametrize("text", ["2026-13", "2026-Q5", "May 2026", "", "2026"])
def test_parse_refuses_what_names_no_period(text):
    with pytest.raises(PeriodError, match="period"):
        parse_period(text)


def test_unknown_zone_is_refused():
    with pytest.raises(PeriodError, match="time zone"):
        parse_period("2026-05", zone="Mars/Olympus")


def test_shift_crosses_years_and_recent_is_oldest_first():
    may = parse_period("2026-05")
    assert shift(may, -5).label == "2025-12"
    assert shift(parse_period("2026-Q1"), -1).label == "2025-Q4"
    assert [p.label for p in recent(may, 3)] == ["2026-03", "2026-04", "2026-05"]


def test_labels_of_is_vectorised_and_keeps_missing():
    instants = pd.Series(
        pd.to_datetime(["2026-03-20 20:00", "2026-03-20 21:00", None, "2026-06-30 23:00"], utc=True)
    )
    jalali = labels_of(instants, zone=TEHRAN, calendar=Calendar.JALALI)
    assert jalali.tolist()[:2] == ["1404-12", "1405-01"]
    assert pd.isna(jalali.iloc[2])
    quarters = labels_of(instants, PeriodKind.QUARTER)
    assert quarters.tolist()[0] == "2026-Q1" and quarters.tolist()[3] == "2026-Q2"


def test_contains_is_half_open():
    may = parse_period("2026-05")
    column = pd.Series(pd.to_datetime(["2026-05-01", "2026-06-01", None], utc=True))
    assert may.contains(column).tolist() == [True, False, False]


def test_org_settings_round_trip_and_only_admins_save(sqlite_engine):
    from sla_core import org
    from sla_core.access import PermissionDenied
    from sla_core.db import session_scope
    from sla_core.models import Role, User

    with session_scope(sqlite_engine) as session:
        assert org.load_org_settings(session=session).time_zone == "UTC"
        admin = User(username="a", name="A", role=Role.ADMIN)
        rep = User(username="r", name="R", role=Role.SALES_REP)
        session.add_all([admin, rep])
        session.flush()
        wanted = org.OrgSettings(time_zone=TEHRAN, calendar=Calendar.JALALI)
        with pytest.raises(PermissionDenied):
            org.save_org_settings(session=session, settings=wanted, actor=rep)
        org.save_org_settings(session=session, settings=wanted, actor=admin)
    with session_scope(sqlite_engine) as session:
        assert org.load_org_settings(session=session) == wanted
    with pytest.raises(ValueError, match="time zone"):
        org.OrgSettings(time_zone="Nowhere/Land")
