"""The reverse-funnel calculator, with worked examples checked by hand."""

from __future__ import annotations

from decimal import Decimal as D

import pandas as pd
import pytest

from sla_core.marketing.calculator import FunnelInputs, StageRates, historical_rates, plan
from sla_core.marketing.plan_checks import contradictions, problems
from sla_core.terms import Targets

# 100,000 / 5,000 = 20 deals; / 25 % = 80 opportunities; / 40 % = 200 SQLs; / 20 % = 1,000 MQLs
EXAMPLE = FunnelInputs(
    revenue_goal=D(100_000),
    deal_size=D(5_000),
    rates=StageRates(D(20), D(40), D(25)),
    marketers=4,
    reps=8,
    budget=D(50_000),
)


def test_worked_example() -> None:
    result = plan(EXAMPLE)
    assert (result.deals, result.opportunities, result.sqls, result.mqls) == (20, 80, 200, 1000)
    assert result.mqls_per_marketer == 250  # 1,000 / 4
    assert result.mqls_per_rep == 125  # 1,000 / 8
    assert result.opportunities_per_rep == 10  # 80 / 8
    assert result.conversion_pct == D("2.00")  # 20 % x 40 % x 25 %
    assert result.cost_per_mql == D("50.00")  # 50,000 / 1,000


def test_rounds_up_once_not_at_every_step() -> None:
    # 10,000 / 3,000 = 3.33 deals -> 4; / 30 % = 11.1 opps -> 12; / 50 % = 22.2 SQLs -> 23;
    # / 30 % = 74.07 MQLs -> 75 (rounding at every step would say 94)
    inputs = FunnelInputs(D(10_000), D(3_000), StageRates(D(30), D(50), D(30)), 3, 0)
    result = plan(inputs)
    assert (result.deals, result.opportunities, result.sqls, result.mqls) == (4, 12, 23, 75)
    assert result.mqls_per_marketer == 25
    assert result.mqls_per_rep is None  # no reps: nothing to divide by
    assert result.cost_per_mql == D("0.00")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"deal_size": D(0)}, "deal_size"),
        ({"revenue_goal": D(-1)}, "revenue_goal"),
        ({"budget": D(-5)}, "budget"),
        ({"rates": StageRates(D(0), D(40), D(25))}, "mql_to_sql"),
        ({"rates": StageRates(D(20), D(40), D(101))}, "opportunity_to_won"),
        ({"reps": -1}, "reps"),
    ],
)
def test_unusable_inputs_are_named(changes: dict[str, object], field: str) -> None:
    from dataclasses import replace

    assert field in problems(replace(EXAMPLE, **changes))  # type: ignore[arg-type]
    assert problems(EXAMPLE) == {}


def test_contradictions_with_the_quotas() -> None:
    targets = Targets(
        mqls_per_marketer=200, max_mqls_per_rep=100, min_mqls_per_rep=10,
        conversion_rate_pct=D("7.0"),
    )  # fmt: skip
    found = contradictions(plan(EXAMPLE), targets, EXAMPLE)
    assert found["max_mqls_per_rep"] == (
        "Each rep must receive 125 MQLs a month, above the max of 100: "
        "raise the cap or grow sales to 10 reps."
    )
    assert found["mqls_per_marketer"].startswith("4 marketers at 200 MQLs each make 800, short")
    assert "no team size reaches it" in found["conversion_rate_pct"]
    fine = Targets(mqls_per_marketer=250, max_mqls_per_rep=150, conversion_rate_pct=D("2.0"))
    assert contradictions(plan(EXAMPLE), fine, EXAMPLE) == {}


def test_a_zero_cap_is_a_target_no_team_size_can_reach() -> None:
    targets = Targets(max_mqls_per_rep=0, min_mqls_per_rep=0, conversion_rate_pct=D(1))
    assert "no team size" in contradictions(plan(EXAMPLE), targets, EXAMPLE)["max_mqls_per_rep"]


def test_historical_rates_from_the_snapshot() -> None:
    # 10 reached MQL; 6 reached SQL (sql, opportunity, won x2, lost, and the nurtured lead
    # stamped sql_at); 4 reached opportunity (opportunity, won x2, lost); closed: 2 won, 1 lost
    stages = ["mql"] * 4 + ["nurture", "sql", "opportunity", "won", "won", "lost"]
    frame = pd.DataFrame(
        {
            "stage": stages,
            "mql_at": [1] * 10,
            "sql_at": [None] * 4 + [1] + [None] * 5,
            "opportunity_at": [None] * 10,
        }
    )
    assert historical_rates(frame) == StageRates(D("60.0"), D("66.7"), D("66.7"))
    assert historical_rates(frame.assign(stage="lead", mql_at=None, sql_at=None)) is None


def test_quota_edits_are_checked_beside_their_field() -> None:
    from sla_core.marketing.quotas import check_quotas, describe_quota_changes
    from sla_core.terms import AgreementContent

    current = AgreementContent()
    content, errors = check_quotas({"min_mqls_per_rep": 200, "max_mqls_per_rep": 150}, current)
    assert content is None
    assert errors == {"min_mqls_per_rep": "The min (200) is above the max (150)."}
    _, errors = check_quotas({"mqls_per_marketer": -1, "disposition_hours": 0}, current)
    assert errors == {
        "mqls_per_marketer": "This cannot be negative.",
        "disposition_hours": "A window must be at least 1.",
    }
    content, errors = check_quotas(
        {"max_mqls_per_rep": 120, "conversion_rate_pct": 8.5, "disposition_hours": 24}, current
    )
    assert errors == {} and content is not None
    assert content.targets.conversion_rate_pct == D("8.5")
    assert describe_quota_changes(current, content) == [
        "Conversion target (%): 7.0 -> 8.5",
        "Max MQLs per rep (per month): 150 -> 120",
        "Disposition window (hours): 48 -> 24",
    ]
