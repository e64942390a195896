"""Criteria suggestions: lifts from outcomes, a proposal, and its held-out check."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sla_core.marketing import suggestions as sg
from sla_core.terms import Criterion, CriterionField, MQLDefinition

CURRENT = MQLDefinition(
    criteria=(Criterion(field=CriterionField.DEPARTMENT, weight=50, accepted=("IT",)),),
    threshold=50,
)


def history(n: int = 800, seed: int = 3) -> pd.DataFrame:
    """Software leads win 60 % of the time, the rest 10 %; department is noise."""
    rng = np.random.default_rng(seed)
    industry = np.where(rng.random(n) < 0.4, "Software", "Retail")
    won = rng.random(n) < np.where(industry == "Software", 0.6, 0.1)
    lost_kind = np.array(["lost", "disqualified", "nurture"])[rng.integers(0, 3, n)]
    return pd.DataFrame(
        {
            "industry": industry,
            "department": np.where(rng.random(n) < 0.5, "IT", "HR"),
            "engagement": rng.integers(0, 100, n),
            "stage": np.where(won, "won", lost_kind),
            "created_at": pd.date_range("2026-01-01", periods=n, freq="h", tz="UTC"),
        }
    )


def test_lift_is_the_smoothed_win_rate_over_the_base_rate() -> None:
    frame = pd.DataFrame(
        {"industry": ["A"] * 4 + ["B"] * 4, "won": [True, True, True, False] + [False] * 4,
         "created_at": pd.Timestamp("2026-01-01", tz="UTC")}
    )  # fmt: skip
    table = sg.lift_table(frame).set_index("value")
    # base rate 3/8; A: (3+1)/(4+2) = 0.667 -> lift 1.78; B: (0+1)/6 = 0.167 -> 0.44
    assert table.loc["A", ["leads", "won", "win_pct", "lift"]].tolist() == [4, 3, 75.0, 1.78]
    assert table.loc["B", "lift"] == 0.44


def test_the_suggestion_finds_the_value_that_wins_and_beats_noise_on_held_out_leads() -> None:
    result = sg.suggest(history(), CURRENT)
    fields = {c.field: c for c in result.definition.criteria}
    assert fields[CriterionField.INDUSTRY].accepted == ("Software",)
    assert CriterionField.DEPARTMENT not in fields  # noise earns no points
    assert (result.trained_on, result.held_out) == (600, 200)
    evaluation = result.evaluation.set_index("definition")
    assert list(evaluation.index) == ["current", "suggested"]
    assert evaluation.loc["suggested", "precision_pct"] > evaluation.loc["current", "precision_pct"]
    assert evaluation.loc["suggested", "recall_pct"] > 60


def test_the_current_definition_is_measured_on_the_same_held_out_leads() -> None:
    frame = sg.outcomes(history()).iloc[600:]
    measured = sg.measure(frame, CURRENT, "current")
    flagged = frame["department"] == "IT"
    assert measured["mqls"] == int(flagged.sum())
    hits = int((flagged & frame["won"]).sum())
    assert measured["precision_pct"] == round(100 * hits / flagged.sum(), 1)


def test_open_leads_count_as_not_won_only_when_asked() -> None:
    frame = history().assign(stage=lambda f: np.where(f["stage"] == "won", "won", "lead"))
    with pytest.raises(sg.NotEnoughOutcomes, match="some won and some not"):
        sg.suggest(frame, CURRENT)
    result = sg.suggest(frame, CURRENT, open_as_not_won=True)
    assert result.definition.criteria[0].field is CriterionField.INDUSTRY


def test_too_few_outcomes_are_refused() -> None:
    with pytest.raises(sg.NotEnoughOutcomes, match="at least 80"):
        sg.suggest(history(50), CURRENT)
