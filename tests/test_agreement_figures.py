from datetime import UTC, datetime

import pandas as pd

from sla_core.agreement.figures import last_quarter
from sla_core.periods import Calendar
from sla_core.sla.worktime import WorkSetup
from tests.slaframes import QUALIFYING

COLUMNS = ("mql_at", "assigned_at", "dispositioned_at", "sql_at", "opportunity_at", "closed_at")


def _frame(rows):
    frame = pd.DataFrame(rows, columns=["marketer_id", "owner_id", "stage", *COLUMNS])
    for column in COLUMNS:
        frame[column] = pd.to_datetime(frame[column], utc=True).astype("datetime64[us, UTC]")
    frame["owner_id"] = frame["owner_id"].astype("Int64")
    return frame.assign(touches=0, disposition_reason="reason", **QUALIFYING)


def test_last_quarter_monthly_averages_by_hand():
    # ref in 2026-05 -> last quarter is 2026-Q1 (Jan-Mar); the April row does not count
    rows = [
        (
            1,
            10,
            "won",
            "2026-01-05",
            "2026-01-06",
            "2026-01-07",
            "2026-01-08",
            "2026-01-09",
            "2026-02-01",
        ),
        (1, 10, "mql", "2026-02-05", "2026-02-05", "2026-02-09", None, None, None),
        (2, 11, "sql", "2026-03-05", "2026-03-05", "2026-03-06", "2026-03-06", "2026-03-07", None),
        (2, 11, "mql", "2026-04-05", "2026-04-05", None, None, None, None),
    ]
    history = last_quarter(_frame(rows), ref=datetime(2026, 5, 10, tzinfo=UTC))
    assert history.period == "2026-Q1"
    assert history.mqls_per_marketer == 3 / 2 / 3  # 3 MQLs, 2 marketers, 3 months
    assert history.conversion_pct == 100 / 3  # of the 3 MQLs handed off in Q1, 1 won
    assert history.opportunities_per_rep == 2 / 2 / 3
    assert (history.min_mqls_per_rep, history.max_mqls_per_rep) == (1 / 3, 2 / 3)
    assert history.quality_pct == 100 * 2 / 3
    assert history.disposition_in_window_pct == 100 * 2 / 3  # the Feb one took 4 days
    assert history.sentence("mqls_per_marketer") == (
        "last quarter (2026-Q1): 0 MQLs per marketer per month"
    )


def test_no_leads_no_figures_and_jalali_labels():
    history = last_quarter(
        _frame([]),
        ref=datetime(2026, 5, 10, tzinfo=UTC),
        setup=WorkSetup(zone="Asia/Tehran"),
        calendar=Calendar.JALALI,
    )
    assert history.period == "1404-Q4"
    assert history.mqls_per_marketer is None and history.sentence("conversion_pct") is None
