"""SLA clocks per lead, hand-computed: business hours, holidays, away periods, exemptions,
time zones and windows that cross a month end."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sla_core.sla.clocks import lead_clocks
from sla_core.sla.exemptions import exemption_reasons
from sla_core.sla.worktime import AwayPeriod, BusinessHours, TeamWorkTime, WorkSetup, WorkTime
from sla_core.terms import AgreementContent, Criterion, CriterionField, MQLDefinition, Windows
from tests.slaframes import sla_frame
from tests.test_sla_cohorts import CONTENT as COHORT_CONTENT
from tests.test_sla_cohorts import frame as cohort_frame
from tests.test_sla_cohorts import lead

# 16 working hours to disposition, 2 business days to work a lead, 3 follow-ups.
CONTENT = AgreementContent(
    windows=Windows(disposition_hours=16, work_within_days=2, follow_up_attempts=3)
)
OFFICE = WorkTime(hours=BusinessHours())  # Monday to Friday, 09:00-17:00
REF = datetime(2026, 3, 20, tzinfo=UTC)  # before every assignment below: all clocks run


def _deadline(work: WorkTime, assigned: str, zone: str = "UTC", **lead: object) -> pd.Timestamp:
    leads = sla_frame([{"assigned_at": assigned, **lead}])
    setup = WorkSetup(work_time=work, zone=zone, team_of={1: 10})
    return lead_clocks(leads, CONTENT, REF, setup)["disposition_deadline"].iloc[0]


@pytest.mark.parametrize(
    ("case", "work", "assigned", "deadline"),
    [
        ("around the clock: 16 hours later", WorkTime(), "2026-03-27 15:00", "2026-03-28 07:00"),
        ("Fri 2 h + Mon 8 h + Tue 6 h", OFFICE, "2026-03-27 15:00", "2026-03-31 15:00"),
        ("a holiday on Monday adds a day",
         WorkTime(hours=BusinessHours(), holidays=(date(2026, 3, 30),)),
         "2026-03-27 15:00", "2026-04-01 15:00"),
        ("the team's own holiday", WorkTime(
            hours=BusinessHours(), teams=(TeamWorkTime(team_id=10, holidays=(date(2026, 3, 30),)),)),
         "2026-03-27 15:00", "2026-04-01 15:00"),
        ("another team's holiday does not count", WorkTime(
            hours=BusinessHours(), teams=(TeamWorkTime(team_id=11, holidays=(date(2026, 3, 30),)),)),
         "2026-03-27 15:00", "2026-03-31 15:00"),
        ("assigned on Saturday: the clock starts on Monday 09:00", OFFICE,
         "2026-03-28 11:00", "2026-03-31 17:00"),
        ("crosses the month end: Tue 4 h, Wed 8 h, Thu 4 h", OFFICE,
         "2026-03-31 13:00", "2026-04-02 13:00"),
        ("away Mon-Tue: the clock pauses", WorkTime(
            hours=BusinessHours(),
            away=(AwayPeriod(user_id=1, start=date(2026, 3, 30), end=date(2026, 3, 31)),)),
         "2026-03-27 15:00", "2026-04-02 15:00"),
        ("someone else away: no pause", WorkTime(
            hours=BusinessHours(),
            away=(AwayPeriod(user_id=2, start=date(2026, 3, 30), end=date(2026, 3, 31)),)),
         "2026-03-27 15:00", "2026-03-31 15:00"),
        ("around the clock, away one day: 24 hours later", WorkTime(
            away=(AwayPeriod(user_id=1, start=date(2026, 3, 28), end=date(2026, 3, 28)),)),
         "2026-03-27 15:00", "2026-03-29 07:00"),
        ("a team's Saturday-Wednesday week", WorkTime(teams=(TeamWorkTime(
            team_id=10, hours=BusinessHours(weekdays=(5, 6, 0, 1, 2))),)),
         "2026-03-26 10:00", "2026-03-29 17:00"),
    ],
)  # fmt: skip
def test_disposition_deadline_counts_working_time(
    case: str, work: WorkTime, assigned: str, deadline: str
) -> None:
    assert _deadline(work, assigned) == pd.Timestamp(deadline, tz=UTC), case


def test_business_hours_are_local_to_the_organisation() -> None:
    # Tehran is UTC+03:30: 09:00-17:00 local is 05:30-13:30 UTC. Mon 09:00 local + 16 h.
    got = _deadline(OFFICE, "2026-03-02 05:30", zone="Asia/Tehran")
    assert got == pd.Timestamp("2026-03-03 13:30", tz=UTC)


def test_custom_hours_set_the_length_of_a_day() -> None:
    short = WorkTime(hours=BusinessHours(start=time(10, 0), end=time(14, 0)))  # 4 h days
    leads = sla_frame([{"mql_at": "2026-03-30 10:00"}])  # Monday
    clocks = lead_clocks(leads, CONTENT, REF, WorkSetup(work_time=short))
    # 2 business days of 4 h: Monday and Tuesday, due Tuesday 14:00
    assert clocks["work_deadline"].iloc[0] == pd.Timestamp("2026-03-31 14:00", tz=UTC)


AT = "2026-03-02 10:00"  # Monday; around the clock the disposition deadline is Tue 02:00


@pytest.mark.parametrize(
    ("case", "lead", "ref", "status", "share"),
    [
        ("not assigned", {"assigned_at": None}, "2026-03-02 11:00", "not_started", None),
        ("a quarter gone", {}, "2026-03-02 14:00", "on_track", 0.25),
        ("just under three quarters", {}, "2026-03-02 21:59", "on_track", None),
        ("three quarters gone", {}, "2026-03-02 22:00", "at_risk", 0.75),
        ("on the deadline, not done", {}, "2026-03-03 02:00", "at_risk", 1.0),
        ("a minute past the deadline", {}, "2026-03-03 02:01", "breached", None),
        ("done on the deadline", {"dispositioned_at": "2026-03-03 02:00"},
         "2026-03-09", "met", 1.0),
        ("done a minute late", {"dispositioned_at": "2026-03-03 02:01"},
         "2026-03-09", "breached", None),
        ("qualified to SQL without a disposition", {"stage": "sql", "sql_at": "2026-03-02 12:00"},
         "2026-03-09", "met", 0.125),
    ],
)  # fmt: skip
def test_disposition_status(
    case: str, lead: dict[str, object], ref: str, status: str, share: float | None
) -> None:
    leads = sla_frame([{"mql_at": AT, "assigned_at": AT, **lead}])
    clocks = lead_clocks(leads, CONTENT, pd.Timestamp(ref, tz=UTC).to_pydatetime())
    assert clocks["disposition_status"].iloc[0] == status, case
    if share is not None:
        assert clocks["disposition_share"].iloc[0] == pytest.approx(share), case


@pytest.mark.parametrize(
    ("case", "lead", "status", "follow_up"),
    [
        # Around the clock the 2-day work window of an MQL from Mar 30 12:00 ends Apr 1 12:00.
        ("touched in time, 1 of 3 follow-ups, window still open",
         {"first_touch_at": "2026-03-31 09:00", "touches": 1}, "met", "on_track"),
        ("first touch a minute late", {"first_touch_at": "2026-04-01 12:01", "touches": 1},
         "breached", "on_track"),
        ("never worked", {}, "breached", "on_track"),
        ("disqualified in time without a touch", {"stage": "disqualified",
         "dispositioned_at": "2026-03-31 09:00"}, "met", "met"),
        ("three touches", {"first_touch_at": "2026-03-30 13:00", "touches": 3}, "met", "met"),
    ],
)  # fmt: skip
def test_work_within_across_the_month_end(
    case: str, lead: dict[str, object], status: str, follow_up: str
) -> None:
    leads = sla_frame([{"mql_at": "2026-03-30 12:00", **lead}])
    ref = datetime(2026, 4, 1, 11, 0, tzinfo=UTC)  # 47 of 48 hours gone
    late = datetime(2026, 4, 1, 13, 0, tzinfo=UTC)  # the window closed an hour ago
    assert lead_clocks(leads, CONTENT, late)["work_status"].iloc[0] == status, case
    clocks = lead_clocks(leads, CONTENT, ref)
    expected = "at_risk" if follow_up == "on_track" else follow_up  # 98 % of the window gone
    assert clocks["follow_up_status"].iloc[0] == expected, case
    after = lead_clocks(leads, CONTENT, late)["follow_up_status"].iloc[0]
    assert after == ("breached" if follow_up == "on_track" else follow_up), case


def test_open_leads_show_their_next_deadline_and_the_worst_clock() -> None:
    leads = sla_frame([{"mql_at": "2026-03-30 12:00", "assigned_at": "2026-03-30 12:00"}])
    clocks = lead_clocks(leads, CONTENT, datetime(2026, 3, 30, 14, tzinfo=UTC)).iloc[0]
    assert clocks["next_deadline"] == pd.Timestamp("2026-03-31 04:00", tz=UTC)  # 16 h
    assert (clocks["status"], clocks["open"]) == ("on_track", True)


def test_a_lead_below_the_mql_definition_at_hand_off_is_exempt_with_its_reason() -> None:
    leads = sla_frame(
        [
            {"assigned_at": AT, "industry": "Education", "engagement": 10},  # 100-20-20 = 60
            {"assigned_at": AT, "industry": "Education", "department": "HR"},  # 100-20-15 = 65
            {"assigned_at": AT},
        ]
    )
    strict = CONTENT.model_copy(update={"mql": CONTENT.mql.model_copy(update={"threshold": 61})})
    clocks = lead_clocks(leads, strict, datetime(2026, 3, 9, tzinfo=UTC))
    assert clocks["exempt"].tolist() == [True, False, False]
    assert clocks["disposition_status"].tolist() == ["exempt", "breached", "breached"]
    assert exemption_reasons(clocks).tolist() == [
        "MQL score 60 was below the threshold 61 of the MQL definition in force at hand-off",
        "",
        "",
    ]


def test_exemption_uses_the_definition_in_force_at_hand_off() -> None:
    only_industry = MQLDefinition(
        criteria=(Criterion(field=CriterionField.INDUSTRY, weight=10, accepted=("Retail",)),),
        threshold=10,
    )
    history = (
        (pd.Timestamp("2026-01-01", tz=UTC), CONTENT.mql),  # a Software lead qualifies
        (pd.Timestamp("2026-03-01", tz=UTC), only_industry),  # only Retail qualifies
    )
    leads = sla_frame([{"assigned_at": "2026-02-27"}, {"assigned_at": "2026-03-02"}])
    clocks = lead_clocks(leads, CONTENT, REF, WorkSetup(mql_history=history))
    assert clocks["exempt"].tolist() == [False, True]


def test_an_away_rep_has_their_open_leads_flagged_for_reassignment() -> None:
    work = WorkTime(away=(AwayPeriod(user_id=1, start=date(2026, 3, 2), end=date(2026, 3, 6)),))
    leads = sla_frame(
        [
            {"assigned_at": AT},  # open, owner away
            {"assigned_at": AT, "owner_id": 2},  # open, owner at work
            {"assigned_at": AT, "stage": "disqualified", "dispositioned_at": AT,
             "mql_at": AT, "first_touch_at": AT},  # settled
        ]
    )  # fmt: skip
    clocks = lead_clocks(
        leads, CONTENT, datetime(2026, 3, 3, tzinfo=UTC), WorkSetup(work_time=work)
    )
    assert clocks["owner_away"].tolist() == [True, False, True]
    assert clocks["reassign"].tolist() == [True, False, False]


def test_clocks_computed_in_chunks_equal_those_computed_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Seven mixed leads, with exemptions given and not, two history spans, in chunks of 3
    (the last one short): the same frame, index and dtypes as one pass."""
    from sla_core.sla import clocks as module
    from sla_core.sla.exemptions import exempt_leads

    history = (
        (pd.Timestamp("2026-01-01", tz=UTC), CONTENT.mql),
        (pd.Timestamp("2026-03-03", tz=UTC), CONTENT.mql.model_copy(update={"threshold": 90})),
    )
    setup = WorkSetup(work_time=OFFICE, mql_history=history)
    leads = sla_frame(
        [
            {"assigned_at": AT, "mql_at": AT},
            {"assigned_at": "2026-03-04 09:00", "industry": "Education"},
            {"mql_at": AT, "first_touch_at": "2026-03-03 10:00"},
            {},
            {"assigned_at": AT, "dispositioned_at": "2026-03-02 12:00", "stage": "sql"},
            {"assigned_at": "2026-03-05 16:00", "owner_id": 2, "touches": 2, "mql_at": AT},
            {"assigned_at": "2026-02-27 08:00"},
        ]
    ).set_axis([70, 71, 72, 73, 74, 75, 76])
    ref = datetime(2026, 3, 6, 11, tzinfo=UTC)
    whole = lead_clocks(leads, CONTENT, ref, setup)
    monkeypatch.setattr(module, "CHUNK_ROWS", 3)
    for found in (None, exempt_leads(leads, CONTENT, setup)):
        chunked = lead_clocks(leads, CONTENT, ref, setup, exemptions=found)
        pd.testing.assert_frame_equal(chunked, whole)
    assert whole["exempt"].any() and not whole["exempt"].all()  # both kinds are in there


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(lead(), min_size=1, max_size=25),
    first=st.integers(0, 24 * 100),
    later=st.integers(0, 24 * 40),
    office=st.booleans(),
    away=st.booleans(),
)
def test_clocks_brought_to_a_later_minute_equal_judging_every_lead_again(
    rows: list[dict[str, Any]], first: int, later: int, office: bool, away: bool
) -> None:
    """A new minute judges again only the leads whose clocks can move with time
    (`retimed`): the same frame as `lead_clocks` at the later instant, whatever the leads,
    the instants (hours apart, across deadlines), working hours and an owner away."""
    from sla_core.sla.clocks import retimed

    start = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=first)
    then = start + timedelta(hours=later, minutes=1)
    leave = (AwayPeriod(user_id=2, start=then.date(), end=then.date()),) if away else ()
    setup = WorkSetup(work_time=WorkTime(hours=BusinessHours() if office else None, away=leave))
    leads = cohort_frame(rows)
    earlier = lead_clocks(leads, COHORT_CONTENT, start, setup)
    pd.testing.assert_frame_equal(
        retimed(earlier, start, leads, COHORT_CONTENT, then, setup),
        lead_clocks(leads, COHORT_CONTENT, then, setup),
    )


def test_a_new_minute_shares_the_clock_columns_it_leaves_as_they_were() -> None:
    """`retimed` copies only the columns whose values moved (at a million leads the clocks
    are ~86 MiB; a new minute held two copies of them): a lead whose disposition clock
    runs moves its share of the window but not its deadline, and a settled lead moves
    nothing."""
    import numpy as np

    from sla_core.sla.clocks import retimed

    leads = cohort_frame(
        [
            {"assigned_at": "2026-01-05 09:00", "owner_id": 2, "requalified_at": None},
            {
                "assigned_at": "2026-01-02 09:00",
                "owner_id": 2,
                "stage": "sql",
                "dispositioned_at": "2026-01-02 10:00",
                "sql_at": "2026-01-02 10:00",
                "requalified_at": None,
            },
        ]  # fmt: skip
    )
    start = datetime(2026, 1, 5, 10, tzinfo=UTC)
    earlier = lead_clocks(leads, COHORT_CONTENT, start, WorkSetup())
    later = retimed(earlier, start, leads, COHORT_CONTENT, start + timedelta(minutes=1))
    pd.testing.assert_frame_equal(
        later, lead_clocks(leads, COHORT_CONTENT, start + timedelta(minutes=1), WorkSetup())
    )

    def shared(name: str) -> bool:
        return np.shares_memory(
            np.asarray(earlier[name].array._ndarray), np.asarray(later[name].array._ndarray)
        )

    assert shared("disposition_deadline")  # the deadline stayed: one array for both minutes
    assert not np.shares_memory(
        earlier["disposition_share"].to_numpy(), later["disposition_share"].to_numpy()
    )  # the share of the window moved: copied, and the earlier minute's left as it was
    assert later["disposition_share"].iloc[0] > earlier["disposition_share"].iloc[0]


def test_clocks_hold_scores_in_two_bytes_and_counts_in_four_even_for_absurd_counts() -> None:
    """At a million leads int64 scores, thresholds and follow-up counts held ~40 MiB more,
    between the clocks and the exemptions. A count no four bytes hold (a CRM file's touches,
    an agreement owing a trillion follow-ups) is held at the most, never an overflow error."""
    import numpy as np

    from sla_core.sla.exemptions import exempt_leads

    leads = cohort_frame(
        [
            {
                "assigned_at": "2026-01-05 09:00",
                "mql_at": "2026-01-05 09:00",
                "owner_id": 2,
                "requalified_at": None,
            }
        ]
        * 2  # fmt: skip
    )
    leads["touches"] = [3, 10**12]
    owed = COHORT_CONTENT.model_copy(
        update={"windows": COHORT_CONTENT.windows.model_copy(update={"follow_up_attempts": 10**12})}
    )
    clocks = lead_clocks(leads, owed, datetime(2026, 1, 5, 10, tzinfo=UTC), WorkSetup())
    assert clocks["mql_score"].dtype == clocks["mql_threshold"].dtype == np.int16
    assert clocks["follow_ups_made"].dtype == clocks["follow_ups_required"].dtype == np.int32
    most = np.iinfo(np.int32).max
    assert clocks["follow_ups_made"].tolist() == [3, most]
    assert clocks["follow_ups_required"].tolist() == [most, most]
    assert clocks["follow_up_status"].tolist() == ["on_track", "met"]  # a trillion made, owed
    found = exempt_leads(leads, COHORT_CONTENT, WorkSetup())
    assert found.score.dtype == found.threshold.dtype == np.int16
    assert found.threshold.tolist() == [COHORT_CONTENT.mql.threshold] * 2
