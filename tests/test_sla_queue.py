"""A rep's work queue: open leads, overdue first, then the nearest deadline."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from sla_core.sla.clocks import lead_clocks
from sla_core.sla.queue import countdown, work_queue
from sla_core.terms import AgreementContent
from tests.slaframes import sla_frame

REF = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def test_overdue_first_then_the_nearest_deadline_and_settled_leads_left_out() -> None:
    leads = sla_frame(
        [
            {"id": 1, "first_name": "Due", "last_name": "Later", "assigned_at": "2026-03-10 06:00"},
            {"id": 2, "first_name": "Over", "last_name": "Due", "assigned_at": "2026-03-07 06:00"},
            {"id": 3, "first_name": "Due", "last_name": "Soon", "assigned_at": "2026-03-08 18:00"},
            {"id": 4, "first_name": "Done", "stage": "disqualified", "assigned_at": "2026-03-10",
             "dispositioned_at": "2026-03-10 01:00", "mql_at": "2026-03-10",
             "first_touch_at": "2026-03-10 01:00"},
        ]
    )  # fmt: skip
    queue = work_queue(leads, lead_clocks(leads, AgreementContent(), REF), REF)
    assert queue["id"].tolist() == [2, 3, 1]
    assert queue["name"].tolist() == ["Over Due", "Due Soon", "Due Later"]
    assert queue["countdown"].tolist() == ["-30 h 0 min", "6 h 0 min", "42 h 0 min"]
    assert queue["status"].tolist() == ["breached", "at_risk", "on_track"]


@pytest.mark.parametrize(
    ("hours", "text"),
    [(0.5, "0 h 30 min"), (47.99, "47 h 59 min"), (48.0, "2 d 0 h"), (-0.25, "-0 h 15 min")],
)
def test_countdown_text(hours: float, text: str) -> None:
    assert countdown(pd.Series([hours])).tolist() == [text]
