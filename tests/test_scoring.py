"""MQL scoring against the default definition (weights 20/20/15/15/10/20, threshold 60)."""

from __future__ import annotations

import pandas as pd
import pytest

from sla_core.scoring import criterion_met, qualifies, score_leads
from sla_core.terms import Criterion, CriterionField, MQLDefinition, default_mql_definition

MQL = default_mql_definition()

FULL = {
    "industry": "Software",
    "company_size": 200,
    "department": "Sales",
    "job_title": "VP of Sales",
    "technographics": "Salesforce; Slack",
    "engagement": 75,
}


def _one(**overrides: object) -> pd.DataFrame:
    return pd.DataFrame([{**FULL, **overrides}])


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, 100),
        ({"industry": "Education"}, 80),
        ({"industry": "  software "}, 100),  # case and stray spaces do not matter
        ({"industry": "Software Consulting"}, 80),  # industry is an exact category
        ({"industry": None}, 80),
        ({"company_size": 49}, 80),
        ({"company_size": 50}, 100),  # range ends are inclusive
        ({"company_size": 5000}, 100),
        ({"company_size": 5001}, 80),
        ({"company_size": None}, 80),
        ({"department": "it"}, 100),
        ({"department": "Finance"}, 85),
        ({"job_title": "Regional sales manager"}, 100),  # a contained accepted word
        ({"job_title": "Analyst"}, 85),
        ({"job_title": None}, 85),
        ({"technographics": "hubspot; Zoom"}, 100),
        ({"technographics": "Zoho CRM; Mailchimp"}, 90),
        ({"technographics": ""}, 90),
        ({"engagement": 40}, 100),  # open maximum
        ({"engagement": 39}, 80),
        ({"engagement": 1000}, 100),
        ({"industry": "Education", "department": "HR", "job_title": "Analyst"}, 50),
        (
            {
                "industry": None,
                "company_size": None,
                "department": None,
                "job_title": None,
                "technographics": None,
                "engagement": None,
            },
            0,
        ),
    ],
)
def test_score_of_one_lead(overrides: dict[str, object], expected: int) -> None:
    assert score_leads(_one(**overrides), MQL).tolist() == [expected]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, True),
        ({"industry": "Education", "department": "HR"}, True),  # 100 - 20 - 15 = 65
        ({"industry": "Education", "engagement": 39}, True),  # exactly 60
        ({"industry": "Education", "department": "HR", "technographics": None}, False),  # 55
        ({"industry": "Education", "department": "HR", "job_title": "Analyst"}, False),  # 50
    ],
)
def test_qualifies_at_the_threshold(overrides: dict[str, object], expected: bool) -> None:
    assert qualifies(_one(**overrides), MQL).tolist() == [expected]


def test_numeric_text_is_read_as_a_number() -> None:
    frame = pd.DataFrame({"company_size": ["120", "abc", "7"]})
    criterion = Criterion(field=CriterionField.COMPANY_SIZE, weight=20, minimum=50)
    assert criterion_met(frame, criterion).tolist() == [True, False, False]


def test_a_missing_column_scores_zero() -> None:
    frame = pd.DataFrame({"industry": ["Software", "Retail"]})
    assert score_leads(frame, MQL).tolist() == [20, 20]


def test_the_score_keeps_the_frame_index() -> None:
    frame = pd.concat([_one(), _one(engagement=0)]).set_axis([17, 42])
    assert score_leads(frame, MQL).to_dict() == {17: 100, 42: 80}


def test_a_narrow_definition_changes_the_score() -> None:
    narrow = MQLDefinition(
        criteria=(
            Criterion(field=CriterionField.JOB_TITLE, weight=50, accepted=("chief",)),
            Criterion(field=CriterionField.ENGAGEMENT, weight=50, minimum=10, maximum=20),
        ),
        threshold=100,
    )
    frame = pd.DataFrame(
        {"job_title": ["Chief Revenue Officer", "VP Sales"], "engagement": [15, 15]}
    )
    assert score_leads(frame, narrow).tolist() == [100, 50]
    assert qualifies(frame, narrow).tolist() == [True, False]


def test_scoring_does_not_change_the_input() -> None:
    frame = _one(industry=" Software ")
    before = frame.copy()
    score_leads(frame, MQL)
    pd.testing.assert_frame_equal(frame, before)
