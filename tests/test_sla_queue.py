"""A rep's work queue, ordered for action: saveable leads first, late ones in their own section."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from sla_core.i18n.languages import Language
from sla_core.i18n.message import Message
from sla_core.i18n.numbers import local_digits
from sla_core.sla.clocks import lead_clocks
from sla_core.sla.queue import LATE, SAVE, countdown, sections, work_queue
from sla_core.terms import AgreementContent
from tests.slaframes import sla_frame

REF = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def test_leads_that_can_be_saved_come_first_and_late_ones_in_their_own_section() -> None:
    """At risk, then on track (nearest deadline first); the breached lead comes after them,
    in the "already late" section, however long ago it was missed; settled leads are out."""
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
    assert queue["id"].tolist() == [3, 1, 2]
    assert queue["name"].tolist() == ["Due Soon", "Due Later", "Over Due"]
    assert queue["countdown"].tolist() == ["in 6 h", "in 42 h", "30 h late"]
    assert queue["status"].tolist() == ["at_risk", "on_track", "breached"]
    parts = sections(queue)
    assert parts[SAVE]["id"].tolist() == [3, 1] and parts[LATE]["id"].tolist() == [2]


def test_the_latest_breach_leads_the_late_section() -> None:
    """Of two late leads, the one missed hours ago comes before the one missed in January;
    an at-risk lead still comes before both."""
    leads = sla_frame(
        [
            {"id": 1, "first_name": "Long", "last_name": "Gone", "assigned_at": "2026-01-05 06:00"},
            {"id": 2, "first_name": "Just", "last_name": "Missed", "assigned_at": "2026-03-07 09:00"},
            {"id": 3, "first_name": "At", "last_name": "Risk", "assigned_at": "2026-03-08 18:00"},
        ]
    )  # fmt: skip
    queue = work_queue(leads, lead_clocks(leads, AgreementContent(), REF), REF)
    assert queue["id"].tolist() == [3, 2, 1]
    assert queue["late"].tolist() == [False, True, True]
    assert queue["countdown"].iloc[2].endswith("days late")


@pytest.mark.parametrize(
    ("hours", "text"),
    [
        (0.5, "in 30 min"),
        (10.2, "in 10 h"),
        (47.99, "in 47 h"),
        (48.0, "in 2 days"),
        (-0.25, "15 min late"),
        (-5.5, "5 h late"),
        (-4277.9, "178 days late"),
    ],
)
def test_countdown_in_words(hours: float, text: str) -> None:
    assert countdown(pd.Series([hours])).tolist() == [text]


def test_countdown_is_a_translatable_message_with_local_digits() -> None:
    """The words go through the i18n layer: a Persian reader gets Persian words and digits."""
    [words] = countdown(pd.Series([-72.0])).tolist()
    assert isinstance(words, Message) and words.template == "{n} days late"
    shown = words.pattern(Language.PERSIAN).format(
        n=local_digits(str(words.values["n"]), Language.PERSIAN)
    )
    assert "۳" in shown and "late" not in shown and "3" not in shown
    assert countdown(pd.Series([float("nan")])).tolist() == [""]
