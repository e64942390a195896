"""A rep's work queue, ordered for action: saveable leads first, late ones in their own section."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
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


def _one_by_one(hours: float) -> str:
    """The rule of `countdown` for one value, written out: whole minutes under an hour,
    whole hours under two days, whole days from two days; late below zero."""
    if np.isnan(hours):
        return ""
    minutes = int(round(abs(hours) * 60))
    late = hours < 0
    if minutes < 60:
        return f"{minutes} min late" if late else f"in {minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h late" if late else f"in {minutes // 60} h"
    days = minutes // (24 * 60)
    unit = "day" if days == 1 else "days"
    return f"{days} {unit} late" if late else f"in {days} {unit}"


def test_a_long_list_of_countdowns_reads_as_each_one_alone() -> None:
    """`countdown` words each different minute once for the whole list: every row still
    reads what its own hours say, at the edges (0 min, late by a few seconds, 48 h) too."""
    rng = np.random.default_rng(5)
    edges = [0.0, -0.0, -1e-9, 1e-9, -0.0083, 0.0083, 0.99, -0.99, 47.999, -47.999, 48.0]
    hours = np.concatenate([rng.normal(0, 60, 3000), rng.normal(0, 0.4, 3000), edges])
    hours[rng.integers(0, len(hours), 40)] = np.nan
    shown = countdown(pd.Series(hours, index=np.arange(len(hours)) * 7))
    assert shown.index.tolist() == (np.arange(len(hours)) * 7).tolist()
    assert shown.tolist() == [_one_by_one(h) for h in hours]
