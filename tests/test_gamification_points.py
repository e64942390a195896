"""Points on hand-made service-level frames: percent-to-goal, tiers, penalties, fairness."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
from pydantic import ValidationError

from sla_core.gamification import goals, points
from sla_core.terms import AgreementContent, BonusTier, LevelRule, PointLevel, PointRules

SALES = {
    PointLevel.DISPOSITION,
    PointLevel.WORKED,
    PointLevel.FOLLOW_UP,
    PointLevel.CONVERSION,
    PointLevel.OPPORTUNITIES,
}


def levels(**rows: dict[str, int]) -> pd.DataFrame:
    """A service-levels frame: one row per rep id (given as r1, r2, ...)."""
    frame = pd.DataFrame.from_dict(rows, orient="index").fillna(0).astype("int64")
    frame.index = pd.Index([int(k[1:]) for k in rows], dtype="int64")
    return frame


def month(share: dict[int, float] | None = None) -> goals.Footing:
    return goals.Footing(1, pd.Series(share or {}, dtype="float64"))


def scored_for(frame, content=None, wanted=SALES, footing=None) -> pd.DataFrame:
    content = content or AgreementContent()
    table = goals.percent_to_goal(frame, content, footing or month(), set(wanted))
    return points.score(table, content.points).set_index(["subject_id", "level"])


# Default agreement: met 10, +5 from 110 % of goal, no stick; conversion target 7 %,
# 18 opportunities for a full load (at least 40 MQLs), 250 MQLs per marketer, 60 % quality.
@pytest.mark.parametrize(
    ("row", "level", "pct", "status", "earned"),
    [
        ({"disposition_due": 10, "dispositioned_in_time": 10}, "disposition", 100.0, "met", 10),
        ({"disposition_due": 10, "dispositioned_in_time": 9}, "disposition", 90.0, "missed", 0),
        ({"disposition_due": 0, "dispositioned_in_time": 0}, "disposition", None, "not scored", 0),
        ({"worked_due": 4, "worked_in_time": 4}, "worked", 100.0, "met", 10),
        ({"follow_up_due": 5, "follow_up_met": 1}, "follow_up", 20.0, "missed", 0),
        # conversion: 3 won of 40 received = 7.5 % vs 7 % -> 107 %: met, not the 110 % tier
        ({"mqls_received": 40, "converted": 3}, "conversion", 7.5 / 7 * 100, "met", 10),
        # 4 of 40 = 10 % -> 142.9 % of goal: met and exceeded
        ({"mqls_received": 40, "converted": 4}, "conversion", 10 / 7 * 100, "exceeded", 15),
        # full load (40 MQLs): goal 18 opportunities; 20 -> 111 %
        (
            {"mqls_received": 40, "opportunities": 20},
            "opportunities",
            20 / 18 * 100,
            "exceeded",
            15,
        ),
        # half the minimum load: goal ceil(18 * 0.5) = 9; 9 opportunities meet it
        ({"mqls_received": 20, "opportunities": 9}, "opportunities", 100.0, "met", 10),
        # no leads received: nothing to score on opportunities
        ({"mqls_received": 0, "opportunities": 2}, "opportunities", None, "not scored", 0),
    ],
)
def test_one_level(row, level, pct, status, earned):
    got = scored_for(levels(r1=row)).loc[(1, level)]
    assert got["status"] == status
    assert got["points"] == earned
    if pct is None:
        assert pd.isna(got["pct_to_goal"])
    else:
        assert got["pct_to_goal"] == pytest.approx(pct)


def test_small_and_large_books_meet_the_same_goal_share():
    frame = levels(
        r1={"mqls_received": 10, "opportunities": 5},  # quarter load: goal ceil(4.5) = 5
        r2={"mqls_received": 150, "opportunities": 18},  # above minimum load: goal 18
    )
    got = scored_for(frame, wanted={PointLevel.OPPORTUNITIES})
    assert got.loc[(1, "opportunities"), "goal"] == 5
    assert got.loc[(2, "opportunities"), "goal"] == 18
    assert got.loc[(1, "opportunities"), "points"] == got.loc[(2, "opportunities"), "points"] == 10


def test_joined_mid_month_owes_part_of_the_volume():
    frame = levels(m7={"mqls": 130})
    half = goals.Footing(1, pd.Series({7: 0.5}))
    got = scored_for(frame, wanted={PointLevel.MQL_VOLUME}, footing=half)
    assert got.loc[(7, "mql_volume"), "goal"] == 125  # 250 * 0.5
    assert got.loc[(7, "mql_volume"), "status"] == "met"


def test_a_quarter_triples_the_volume_goals():
    frame = levels(m7={"mqls": 700})
    quarter = goals.Footing(3, pd.Series(dtype="float64"))
    got = scored_for(frame, wanted={PointLevel.MQL_VOLUME}, footing=quarter)
    assert got.loc[(7, "mql_volume"), "goal"] == 750
    assert got.loc[(7, "mql_volume"), "status"] == "missed"


def test_marketing_acceptance_against_the_quality_target():
    frame = levels(m3={"accepted": 6, "marketing_dispositioned": 10})
    got = scored_for(frame, wanted={PointLevel.ACCEPTANCE}).loc[(3, "acceptance")]
    assert (got["actual"], got["goal"], got["status"]) == (60.0, 60.0, "met")


RULES = PointRules(
    levels=(
        LevelRule(
            level=PointLevel.CONVERSION,
            met=20,
            tiers=(
                BonusTier(at_pct=Decimal(120), points=5),
                BonusTier(at_pct=Decimal(150), points=15),
            ),
            penalty=8,
        ),
    ),
)


@pytest.mark.parametrize(
    ("won", "stick", "earned", "tier"),
    [
        (2, False, 0, 0),  # 5 % of 7 %: missed, no stick -> 0
        (2, True, -8, 0),  # missed with the stick -> the penalty
        (3, True, 20, 0),  # 7.5 %: met
        (4, True, 25, 1),  # 10 % = 142.9 %: first tier only
        (5, True, 35, 2),  # 12.5 % = 178.6 %: the highest tier reached pays, not both
    ],
)
def test_tiers_and_the_stick(won, stick, earned, tier):
    content = AgreementContent(points=RULES.model_copy(update={"stick": stick}))
    got = scored_for(levels(r1={"mqls_received": 40, "converted": won}), content)
    assert got.loc[(1, "conversion"), "points"] == earned
    assert got.loc[(1, "conversion"), "tier"] == tier


def test_a_deleted_rule_scores_nothing():
    content = AgreementContent(points=RULES)  # only conversion has a rule
    got = scored_for(levels(r1={"disposition_due": 5, "dispositioned_in_time": 5}), content)
    assert got.loc[(1, "disposition"), "status"] == "not scored"
    assert got.loc[(1, "disposition"), "points"] == 0


def test_min_load_keeps_one_lucky_lead_from_scoring():
    content = AgreementContent(points=PointRules(min_load=3))
    got = scored_for(levels(r1={"disposition_due": 2, "dispositioned_in_time": 2}), content)
    assert got.loc[(1, "disposition"), "status"] == "not scored"


def test_old_versions_load_and_score_with_their_flat_numbers():
    stored = '{"met": 7, "exceeded": 3, "exceeded_by_pct": "20.0", "missed_penalty": 2}'
    rules = PointRules.model_validate_json(stored)
    assert rules.penalties_apply()  # an old penalty was the stick
    conversion = {r.level: r for r in rules.rules()}[PointLevel.CONVERSION]
    assert (conversion.met, conversion.tiers[0].at_pct, conversion.penalty) == (
        7,
        Decimal("120.0"),
        2,
    )


@pytest.mark.parametrize(
    "bad",
    [
        {"levels": [{"level": "worked"}, {"level": "worked"}]},
        {
            "levels": [
                {
                    "level": "worked",
                    "tiers": [{"at_pct": "150", "points": 1}, {"at_pct": "120", "points": 2}],
                }
            ]
        },
        {"levels": [{"level": "worked", "tiers": [{"at_pct": "90", "points": 1}]}]},
        {"levels": [{"level": "no_such_level"}]},
    ],
)
def test_bad_rules_are_refused(bad):
    with pytest.raises(ValidationError):
        PointRules.model_validate(bad)


def test_totals_per_person():
    frame = levels(
        r1={"disposition_due": 4, "dispositioned_in_time": 4, "mqls_received": 40, "converted": 1},
        r2={"disposition_due": 4, "dispositioned_in_time": 2},
    )
    table = goals.percent_to_goal(frame, AgreementContent(), month(), SALES)
    total = points.totals(points.score(table, PointRules()))
    assert total.loc[1, "level_points"] == 10  # disposition met; conversion 2.5 % missed
    assert total.loc[1, "levels_met"] == 1
    assert total.loc[1, "levels_scored"] == 3  # disposition, conversion, opportunities
    assert total.loc[2, "level_points"] == 0
    assert total.loc[2, "pct_to_goal"] == 50.0


@pytest.mark.parametrize(
    ("row", "level", "needed", "gain"),
    [
        # 7 of 10 in time, goal 100 %: 3 more leads in time earn the 10 points
        ({"disposition_due": 10, "dispositioned_in_time": 7}, "disposition", 3, 10),
        # 2 won of 40 received (5 % vs 7 %): ceil(2.8) = 3 wins, one more
        ({"mqls_received": 40, "converted": 2}, "conversion", 1, 10),
        # met at 3 of 40 (7.5 %): the 110 % tier needs 7.7 % -> ceil(3.08) = 4 wins, +5
        ({"mqls_received": 40, "converted": 3}, "conversion", 1, 5),
        # 12 of 18 opportunities on a full load: 6 more
        ({"mqls_received": 40, "opportunities": 12}, "opportunities", 6, 10),
    ],
)
def test_what_would_move_a_person_up(row, level, needed, gain):
    from sla_core.gamification.advice import moves_for

    rules = PointRules()
    scored = scored_for(levels(r1=row)).reset_index()
    mine = scored[scored["level"] == level]
    moves = moves_for(mine, rules.rules(), rules.penalties_apply())
    assert moves[["level", "needed", "points"]].values.tolist() == [[level, needed, gain]]


def test_the_stick_adds_the_penalty_saved_to_the_gain():
    from sla_core.gamification.advice import moves_for

    rules = PointRules(missed_penalty=4)  # an old-style stick
    scored = scored_for(levels(r1={"disposition_due": 4, "dispositioned_in_time": 3}),
                        AgreementContent(points=rules)).reset_index()  # fmt: skip
    moves = moves_for(scored[scored["level"] == "disposition"], rules.rules(), True)
    assert moves["points"].tolist() == [14]
