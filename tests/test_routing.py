"""Routing: priority order, the min/max caps and fairness (pure planning)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sla_core.marketing.routing import plan, shares, water_fill


def reps(months: list[int]) -> pd.DataFrame:
    return pd.DataFrame({"id": range(101, 101 + len(months)), "month": months})


def leads(scores: list[int], since: list[int] | None = None) -> pd.DataFrame:
    since = since if since is not None else list(range(len(scores)))
    return pd.DataFrame({"id": range(1, len(scores) + 1), "score": scores, "since": since})


@pytest.mark.parametrize(
    ("base", "room", "count", "given"),
    [
        ([0, 0, 0], [10, 10, 10], 7, [3, 2, 2]),  # even, ties to the earlier slots
        ([5, 0, 2], [10, 10, 10], 6, [0, 4, 2]),  # the lowest rise first: 5, 4, 4
        ([0, 0], [1, 10], 6, [1, 5]),  # a full slot takes no more
        ([0, 0], [2, 2], 9, [2, 2]),  # more items than room: the rest stay out
        ([3], [0], 4, [0]),
    ],
)
def test_water_fill_by_hand(base: list[int], room: list[int], count: int, given: list[int]) -> None:
    assert water_fill(np.array(base), np.array(room), count).tolist() == given


def test_reps_below_the_monthly_min_are_filled_first() -> None:
    # min 10: rep A has 2 this month (owed 8), B 10 (owed 0)
    # 12 leads: 8 to A first, then 4 evened on loads 10 and 10 -> 2 each
    assert shares(reps([2, 10]), 12, min_cap=10, max_cap=100).tolist() == [10, 2]


def test_no_rep_passes_the_monthly_max() -> None:
    given = shares(reps([145, 0, 149]), 300, min_cap=0, max_cap=150)
    assert given.tolist() == [5, 150, 1]


def test_priority_is_score_then_age_and_the_best_leads_are_spread() -> None:
    # four leads for two equally loaded reps: the two best go one to each rep
    result = plan(leads([50, 90, 90, 70], since=[0, 5, 1, 0]), reps([0, 0]), 0, 10)
    assert result["lead_id"].tolist() == [3, 2, 4, 1]  # 90 older, 90 newer, 70, 50
    assert result["rep_id"].tolist() == [101, 102, 101, 102]


def test_fair_spread_over_many_leads() -> None:
    rng = np.random.default_rng(1)
    many = leads(rng.integers(0, 100, 1000).tolist())
    team = reps(rng.integers(0, 40, 7).tolist())
    result = plan(many, team, min_cap=0, max_cap=200)
    after = team["month"] + team["id"].map(result["rep_id"].value_counts()).fillna(0)
    assert len(result) == 1000 and result["lead_id"].is_unique
    assert after.max() - after.min() <= 1  # as even as whole leads allow


def test_leads_beyond_every_reps_room_stay_unassigned() -> None:
    result = plan(leads([1] * 10), reps([148, 149]), 0, 150)
    assert len(result) == 3


def test_no_rep_means_nothing_assigned() -> None:
    assert plan(leads([1, 2]), reps([]), 0, 10).empty
