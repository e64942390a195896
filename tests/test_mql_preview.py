"""The criteria preview: fast rescoring agrees with scoring, breakdowns, rep load, explain."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sla_core.marketing import criteria, preview
from sla_core.marketing.criteria import CriterionInput
from sla_core.scoring import score_leads
from sla_core.terms import Criterion, CriterionField, MQLDefinition, Targets

F = CriterionField


def leads() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [1, 2, 3, 4, 5],
            "lead_key": ["a", "b", "c", "d", "e"],
            "email": ["A@x.com", None, "c@x.com", "d@x.com", "e@x.com"],
            "industry": ["Software", "Retail", None, " software ", "Mining"],
            "company_size": [100, 10, 500, None, 60],
            "department": ["IT", "IT", "Sales", "HR", None],
            "job_title": ["VP Sales", "Intern", "Head of IT", "CEO", "Sales VP"],
            "technographics": [None, "HubSpot", "Salesforce; Slack", None, None],
            "engagement": [80, 10, 50, 90, 0],
            "source": ["Web", "Web", "Event", None, "Event"],
            "marketer_id": pd.array([7, 7, 8, None, 8], dtype="Int64"),
            "created_at": pd.to_datetime(
                ["2026-05-03", "2026-05-30", "2026-06-01", "2026-06-15", "2026-06-20"], utc=True
            ),
        }
    )


DEF = MQLDefinition(
    criteria=(
        Criterion(field=F.INDUSTRY, weight=30, accepted=("Software",)),
        Criterion(field=F.COMPANY_SIZE, weight=20, minimum=50, maximum=1000),
        Criterion(field=F.JOB_TITLE, weight=25, accepted=("VP", "Head")),
        Criterion(field=F.ENGAGEMENT, weight=25, minimum=50),
    ),
    threshold=50,
)
# hand-computed: a 30+20+25+25=100, b 0, c 20+25+25=70, d 30+25=55, e 20+25=45
EXPECTED = [100, 0, 70, 55, 45]


def test_fast_scores_agree_with_scoring_by_hand() -> None:
    base = preview.prepare(leads())
    assert preview.scores(base, DEF).tolist() == EXPECTED
    assert score_leads(leads(), DEF).tolist() == EXPECTED


def test_compare_counts_in_force_and_proposed_by_group() -> None:
    base = preview.prepare(leads(), marketers={7: "Mia", 8: "Omar"})
    s = preview.scores(base, DEF)
    result = preview.compare(base, s, 60, s, 50)  # in force 60: a, c; proposed 50: a, c, d
    assert (result.in_force, result.proposed, result.total) == (2, 3, 5)
    source = result.breakdown["source"].set_index("group")
    assert source.loc["Web", ["leads", "in_force", "proposed"]].tolist() == [2, 1, 1]
    assert source.loc["(none)", ["in_force", "proposed", "change"]].tolist() == [0, 1, 1]
    marketer = result.breakdown["marketer"].set_index("group")
    assert marketer.loc["Omar", "proposed"] == 1
    month = result.breakdown["month"]
    assert month["group"].tolist() == ["2026-05", "2026-06"]
    assert month["proposed"].tolist() == [1, 2]


def test_months_are_cut_in_the_organisations_zone() -> None:
    frame = leads().assign(created_at=pd.to_datetime(["2026-05-31T21:00Z"] * 5, utc=True))
    base = preview.prepare(frame, zone="Asia/Tehran")  # 00:30 on 1 June in Tehran
    assert base.groups["month"].labels == ("2026-06",)


@pytest.mark.parametrize(
    ("mqls", "reps", "verdict", "per_rep"),
    [(100, 4, "below min", 25.0), (400, 4, "within caps", 100.0), (700, 4, "above max", 175.0),
     (100, 0, "no active rep", None)],
)  # fmt: skip
def test_rep_load_against_caps(mqls: int, reps: int, verdict: str, per_rep: float | None) -> None:
    by_month = pd.DataFrame({"group": ["2026-05"], "proposed": [mqls]})
    load = preview.rep_load(by_month, reps, Targets(min_mqls_per_rep=40, max_mqls_per_rep=150))
    assert load["verdict"].tolist() == [verdict]
    assert (pd.isna(load["per_rep"][0]) and per_rep is None) or load["per_rep"][0] == per_rep


def test_explain_one_lead() -> None:
    lead = preview.find_lead(leads(), "d@X.com")
    assert lead is not None
    explained = preview.explain(lead, DEF)
    assert explained["points"].tolist() == [30, 0, 0, 25]
    assert preview.verdict(explained, 50) == (55, True)
    assert preview.find_lead(leads(), "3")["lead_key"] == "c"  # type: ignore[index]
    assert preview.find_lead(leads(), "nobody") is None


def _inputs(**changes: CriterionInput) -> list[CriterionInput]:
    out = criteria.inputs_of(DEF)
    return [changes.get(i.field.value, i) for i in out]


def test_inputs_round_trip_to_the_same_definition() -> None:
    checked = criteria.check_inputs(criteria.inputs_of(DEF), 50)
    assert checked.errors == {}
    assert checked.definition == DEF


@pytest.mark.parametrize(
    ("changes", "threshold", "field", "message"),
    [
        ({"company_size": CriterionInput(F.COMPANY_SIZE, 20, minimum=500, maximum=50)}, 50,
         "company_size", "The minimum (500) is above the maximum (50)."),
        ({"engagement": CriterionInput(F.ENGAGEMENT, 25)}, 50,
         "engagement", "Give a minimum or a maximum: an empty range accepts no lead."),
        ({"industry": CriterionInput(F.INDUSTRY, 30, accepted=(" ",))}, 50,
         "industry", "Choose at least one accepted value, or set the points to 0."),
        ({}, 101, "threshold", "No lead can reach 101 points: the criteria add up to 100 at most."),
        ({}, -1, "threshold", "The threshold cannot be negative."),
    ],
)  # fmt: skip
def test_bad_input_is_named_beside_its_field(
    changes: dict[str, CriterionInput], threshold: int, field: str, message: str
) -> None:
    checked = criteria.check_inputs(_inputs(**changes), threshold)
    assert checked.definition is None
    assert checked.errors[field] == message


def test_a_criterion_at_zero_points_with_nothing_accepted_is_left_out() -> None:
    checked = criteria.check_inputs(_inputs(industry=CriterionInput(F.INDUSTRY, 0)), 50)
    assert checked.definition is not None
    assert F.INDUSTRY not in [c.field for c in checked.definition.criteria]


def test_describe_changes_reads_like_a_sentence() -> None:
    new = criteria.check_inputs(
        _inputs(
            industry=CriterionInput(F.INDUSTRY, 30, accepted=("Software", "Retail")),
            engagement=CriterionInput(F.ENGAGEMENT, 30, minimum=40, maximum=90),
        ),
        55,
    ).definition
    assert new is not None
    assert criteria.describe_changes(DEF, new) == [
        "threshold 50 -> 55",
        "Industry: +Retail",
        "Content engagement: 25 pts for 50–… -> 30 pts for 40–90",
    ]
    assert criteria.describe_changes(DEF, DEF) == []


def test_prepare_does_not_touch_the_snapshot() -> None:
    frame = leads()
    before = frame.copy()
    preview.scores(preview.prepare(frame), DEF)
    pd.testing.assert_frame_equal(frame, before)
    assert np.array_equal(frame["id"], before["id"])


def test_present_values_most_frequent_first_from_the_prepared_base() -> None:
    frame = pd.DataFrame(
        {"industry": ["Retail", "Software", "Retail", None, "", " Retail"],
         "created_at": pd.Timestamp("2026-05-01", tz="UTC")}
    )  # fmt: skip
    base = preview.prepare(frame)
    assert preview.present_values(base, F.INDUSTRY) == ["Retail", "Software"]


def test_category_columns_score_like_text() -> None:
    cats = leads().astype(dict.fromkeys(("industry", "job_title", "source"), "category"))
    base = preview.prepare(cats.drop(columns=["lead_key"]))
    assert preview.scores(base, DEF).tolist() == EXPECTED
    assert preview.present_values(base, F.INDUSTRY)[0] == "Software"
    found = preview.find_lead(cats.drop(columns=["lead_key"]), "c@x.com")
    assert found is not None and found["id"] == 3
