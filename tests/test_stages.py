import pytest

from sla_core.stages import (
    DEFAULT_REASONS,
    TRANSITIONS,
    Disposition,
    IllegalTransition,
    Stage,
    check_disposition,
    check_transition,
    parse_stage,
)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (Stage.LEAD, Stage.MQL),
        (Stage.MQL, Stage.SAL),
        (Stage.SAL, Stage.SQL),
        (Stage.SQL, Stage.OPPORTUNITY),
        (Stage.OPPORTUNITY, Stage.WON),
        (Stage.OPPORTUNITY, Stage.LOST),
        (Stage.MQL, Stage.NURTURE),
        (Stage.NURTURE, Stage.MQL),
        (Stage.SAL, Stage.DISQUALIFIED),
    ],
)
def test_allowed_transitions(current, target):
    check_transition(current, target)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (Stage.LEAD, Stage.WON),
        (Stage.WON, Stage.LOST),
        (Stage.MQL, Stage.OPPORTUNITY),
        (Stage.DISQUALIFIED, Stage.SQL),
        (Stage.OPPORTUNITY, Stage.MQL),
    ],
)
def test_illegal_transitions_name_the_allowed_ones(current, target):
    with pytest.raises(IllegalTransition, match="allowed next"):
        check_transition(current, target)


def test_every_stage_has_transitions_defined():
    assert set(TRANSITIONS) == set(Stage)


def test_every_stage_but_won_can_be_left():
    assert [s for s, nxt in TRANSITIONS.items() if not nxt] == [Stage.WON]


@pytest.mark.parametrize(
    ("outcome", "reason", "expected"),
    [
        (Disposition.QUALIFY, None, Stage.SQL),
        (Disposition.DISQUALIFY, "No budget", Stage.DISQUALIFIED),
        (Disposition.NURTURE, "Bad timing", Stage.NURTURE),
    ],
)
def test_dispositions_lead_to_their_stage(outcome, reason, expected):
    assert check_disposition(Stage.MQL, outcome, reason) == expected


@pytest.mark.parametrize("outcome", [Disposition.DISQUALIFY, Disposition.NURTURE])
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_disqualify_and_nurture_need_a_reason(outcome, reason):
    with pytest.raises(IllegalTransition, match="needs a reason"):
        check_disposition(Stage.SAL, outcome, reason)


def test_only_open_mqls_are_dispositioned():
    with pytest.raises(IllegalTransition, match="only MQL or SAL"):
        check_disposition(Stage.WON, Disposition.QUALIFY, None)


def test_default_reasons_exist_for_reasoned_dispositions():
    assert DEFAULT_REASONS[Disposition.DISQUALIFY] and DEFAULT_REASONS[Disposition.NURTURE]


@pytest.mark.parametrize(("text", "stage"), [("MQL", Stage.MQL), (" won ", Stage.WON)])
def test_parse_stage(text, stage):
    assert parse_stage(text) is stage


def test_parse_unknown_stage():
    with pytest.raises(IllegalTransition, match="unknown stage 'hot'"):
        parse_stage("hot")
