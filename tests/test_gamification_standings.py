"""Standings: the tie rule, adjustments, teams by average, and badges from the history."""

from __future__ import annotations

import pandas as pd
import pytest

from sla_core.gamification import badges, standings

PEOPLE = pd.DataFrame(
    {
        "id": [1, 2, 3, 4, 5],
        "name": ["Cleo", "Ava", "Bo", "Dan", "Eve"],
        "team_id": pd.array([10, 10, 20, 20, None], dtype="Int64"),
        "team": ["North", "North", "South", "South", None],
        "role": ["sales_rep"] * 5,
    }
)


def totals(rows: dict[int, tuple[int, float, int]]) -> pd.DataFrame:
    """subject -> (level points, pct_to_goal, levels met)."""
    frame = pd.DataFrame.from_dict(
        rows, orient="index", columns=["level_points", "pct_to_goal", "levels_met"]
    )
    frame["levels_scored"] = 5
    return frame


def metrics(won: dict[int, int]) -> pd.DataFrame:
    return pd.DataFrame({"won": pd.Series(won)})


@pytest.mark.parametrize(
    ("rows", "won", "order", "why"),
    [
        ({1: (30, 90.0, 3), 2: (20, 99.0, 2)}, {}, ["Cleo", "Ava"], "more points first"),
        ({1: (30, 90.0, 3), 2: (30, 95.0, 3)}, {}, ["Ava", "Cleo"], "then percent-to-goal"),
        ({1: (30, 90.0, 3), 2: (30, 90.0, 3)}, {1: 4, 2: 2}, ["Cleo", "Ava"], "then won"),
        ({1: (30, 90.0, 4), 2: (30, 90.0, 3)}, {}, ["Cleo", "Ava"], "then levels met"),
        ({1: (30, 90.0, 3), 2: (30, 90.0, 3)}, {}, ["Ava", "Cleo"], "then name A to Z"),
    ],
)
def test_tie_rule(rows, won, order, why):
    got = standings.person_standings(totals(rows), metrics(won), pd.Series(dtype="int64"), PEOPLE)
    assert list(got["name"]) == order, why
    assert list(got["rank"]) == [1, 2]


def test_adjustments_add_to_level_points_and_show_apart():
    got = standings.person_standings(
        totals({1: (30, 90.0, 3), 2: (20, 80.0, 2)}),
        metrics({}),
        pd.Series({2: 15}),
        PEOPLE,
    ).set_index("subject_id")
    assert got.loc[2, "points"] == 35
    assert got.loc[2, "adjustment"] == 15
    assert got.loc[2, "rank"] == 1


def test_teams_rank_by_average_per_level_so_size_does_not_win():
    rows = standings.person_standings(
        totals(
            {
                1: (40, 100.0, 4),
                2: (0, 50.0, 0),
                3: (25, 90.0, 2),
                4: (25, 90.0, 2),
                5: (99, 100.0, 5),
            }
        ),
        metrics({1: 2, 3: 1}),
        pd.Series(dtype="int64"),
        PEOPLE,
    )
    teams = standings.team_standings(rows).set_index("name")
    # per level scored (5 each): South (5 + 5) / 2 = 5.0; North (8 + 0) / 2 = 4.0
    assert teams.loc["South", "points"] == 5.0 and teams.loc["South", "rank"] == 1
    assert teams.loc["North", "points"] == 4.0 and teams.loc["North", "total_points"] == 40
    assert teams.loc["North", "won"] == 2
    assert len(teams) == 2  # Eve has no team


def test_same_inputs_same_standings():
    args = (totals({1: (30, 90.0, 3), 2: (30, 90.0, 3)}), metrics({}), pd.Series(dtype="int64"))
    first = standings.person_standings(*args, PEOPLE)
    again = standings.person_standings(*args, PEOPLE.sample(frac=1, random_state=3))
    pd.testing.assert_frame_equal(first, again)


def history(rows: list[tuple[str, int, int, int, int, int, float]]) -> pd.DataFrame:
    """(period, subject, levels_scored, levels_met, disposition_due, in_time, pct)."""
    return pd.DataFrame(
        rows,
        columns=[
            "period",
            "subject_id",
            "levels_scored",
            "levels_met",
            "disposition_due",
            "dispositioned_in_time",
            "pct_to_goal",
        ],
    )


def test_streak_counts_the_trailing_run_only():
    hist = history(
        [
            ("01", 1, 2, 2, 0, 0, 0),
            ("02", 1, 2, 1, 0, 0, 0),
            ("03", 1, 2, 2, 0, 0, 0),
            ("04", 1, 2, 2, 0, 0, 0),
            ("01", 2, 2, 2, 0, 0, 0),
            ("02", 2, 2, 2, 0, 0, 0),
            ("03", 2, 2, 2, 0, 0, 0),
            ("04", 2, 2, 2, 0, 0, 0),
        ]
    )
    streak = badges.trailing_streak(hist, badges.on_target(hist))
    assert streak.to_dict() == {1: 2, 2: 4}


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # every lead in time: one month bronze, two silver, three gold
        ([("01", 1, 1, 0, 3, 3, 90.0)], {(1, "every_lead_in_time", "bronze")}),
        (
            [("01", 1, 1, 0, 3, 3, 90.0), ("02", 1, 1, 0, 2, 2, 90.0)],
            {(1, "every_lead_in_time", "silver")},
        ),
        (
            [("01", 1, 1, 0, 3, 3, 0.0), ("02", 1, 1, 0, 2, 2, 0.0), ("03", 1, 1, 0, 1, 1, 0.0)],
            {(1, "every_lead_in_time", "gold")},
        ),
        # nothing due: no badge for an empty month
        ([("01", 1, 0, 0, 0, 0, 0.0)], set()),
        # three months on target: bronze (and every lead in time for three months: gold)
        (
            [(p, 1, 2, 2, 1, 1, 100.0) for p in ("01", "02", "03")],
            {(1, "on_target", "bronze"), (1, "every_lead_in_time", "gold")},
        ),
        # most improved: the top risers get gold, silver, bronze; a fall earns nothing
        (
            [
                ("01", 1, 1, 0, 0, 0, 50.0),
                ("02", 1, 1, 0, 0, 0, 80.0),
                ("01", 2, 1, 0, 0, 0, 50.0),
                ("02", 2, 1, 0, 0, 0, 60.0),
                ("01", 3, 1, 0, 0, 0, 90.0),
                ("02", 3, 1, 0, 0, 0, 40.0),
            ],
            {(1, "most_improved", "gold"), (2, "most_improved", "silver")},
        ),
    ],
)
def test_monthly_badges(rows, expected):
    got = badges.monthly_badges(history(rows))
    assert set(zip(got["subject_id"], got["badge"], got["tier"], strict=True)) == expected


def test_closer_of_the_quarter_follows_the_standings_on_ties():
    quarter = pd.DataFrame({"subject_id": [4, 2, 9, 7], "won": [12, 12, 3, 0]})
    got = badges.quarter_badges(quarter)
    assert list(zip(got["subject_id"], got["tier"], strict=True)) == [
        (4, "gold"),
        (2, "silver"),
        (9, "bronze"),
    ]


def test_a_two_level_team_competes_with_a_five_level_team():
    people = PEOPLE.assign(role=["marketer", "sales_rep", "sales_rep", "sales_rep", "sales_rep"])
    frame = totals({1: (30, 150.0, 2), 3: (50, 100.0, 5)})
    frame.loc[1, "levels_scored"] = 2
    rows = standings.person_standings(frame, metrics({}), pd.Series(dtype="int64"), people)
    teams = standings.team_standings(rows).set_index("name")
    assert teams.loc["North", "points"] == 15.0  # 30 points over 2 levels
    assert teams.loc["South", "points"] == 10.0  # 50 over 5


def test_each_side_is_ranked_on_its_own_and_has_its_own_leader():
    """Issue 17: a marketing team with no deals "led" every quarter against sales teams;
    now people and teams are ranked within their side, each side from 1."""
    people = PEOPLE.assign(
        role=["marketer", "marketer", "sales_rep", "sales_rep", "sales_rep"],
        team=["Growth", "Growth", "South", "South", None],
    )
    frame = totals({1: (90, 150.0, 2), 2: (80, 140.0, 2), 3: (50, 100.0, 5), 4: (40, 90.0, 4)})
    rows = standings.person_standings(frame, metrics({}), pd.Series(dtype="int64"), people)
    ranked = rows.set_index("name")[["side", "rank"]]
    assert ranked.loc["Cleo"].tolist() == ["marketing", 1]
    assert ranked.loc["Bo"].tolist() == ["sales", 1]
    assert ranked.loc["Dan"].tolist() == ["sales", 2]
    teams = standings.team_standings(rows).set_index("name")[["side", "rank"]]
    assert teams.loc["Growth"].tolist() == ["marketing", 1]
    assert teams.loc["South"].tolist() == ["sales", 1]
