"""The lead lifecycle: stages, the transitions both teams agreed on, and dispositions."""

from __future__ import annotations

from enum import StrEnum

from sla_core.i18n.languages import N_


class Stage(StrEnum):
    LEAD = "lead"
    MQL = "mql"
    SAL = "sal"
    SQL = "sql"
    OPPORTUNITY = "opportunity"
    WON = "won"
    LOST = "lost"
    NURTURE = "nurture"
    DISQUALIFIED = "disqualified"


STAGE_LABELS: dict[Stage, str] = {
    Stage.LEAD: "Lead",
    Stage.MQL: "MQL",
    Stage.SAL: "SAL (sales accepted)",
    Stage.SQL: "SQL (sales qualified)",
    Stage.OPPORTUNITY: "Opportunity",
    Stage.WON: "Won",
    Stage.LOST: "Lost",
    Stage.NURTURE: "Nurture (back to marketing)",
    Stage.DISQUALIFIED: "Disqualified",
}

# The main path, in funnel order; Nurture and Disqualified leave it.
FUNNEL: tuple[Stage, ...] = (
    Stage.LEAD,
    Stage.MQL,
    Stage.SAL,
    Stage.SQL,
    Stage.OPPORTUNITY,
    Stage.WON,
)

TRANSITIONS: dict[Stage, frozenset[Stage]] = {
    Stage.LEAD: frozenset({Stage.MQL, Stage.NURTURE, Stage.DISQUALIFIED}),
    Stage.MQL: frozenset({Stage.SAL, Stage.SQL, Stage.NURTURE, Stage.DISQUALIFIED}),
    Stage.SAL: frozenset({Stage.SQL, Stage.NURTURE, Stage.DISQUALIFIED}),
    Stage.SQL: frozenset({Stage.OPPORTUNITY, Stage.NURTURE, Stage.DISQUALIFIED}),
    Stage.OPPORTUNITY: frozenset({Stage.WON, Stage.LOST}),
    Stage.WON: frozenset(),
    Stage.LOST: frozenset({Stage.NURTURE}),
    Stage.NURTURE: frozenset({Stage.MQL, Stage.DISQUALIFIED}),
    Stage.DISQUALIFIED: frozenset({Stage.NURTURE}),
}

# Stages where sales still owes the lead a disposition.
AWAITING_DISPOSITION: frozenset[Stage] = frozenset({Stage.MQL, Stage.SAL})
CLOSED: frozenset[Stage] = frozenset({Stage.WON, Stage.LOST, Stage.DISQUALIFIED})


class Disposition(StrEnum):
    QUALIFY = "qualify"
    DISQUALIFY = "disqualify"
    NURTURE = "nurture"


DISPOSITION_TARGET: dict[Disposition, Stage] = {
    Disposition.QUALIFY: Stage.SQL,
    Disposition.DISQUALIFY: Stage.DISQUALIFIED,
    Disposition.NURTURE: Stage.NURTURE,
}

DEFAULT_REASONS: dict[Disposition, tuple[str, ...]] = {
    Disposition.DISQUALIFY: (
        N_("No budget"),
        N_("Not a decision maker"),
        N_("Outside the ideal customer profile"),
        N_("Competitor or partner"),
        N_("Bad or fake contact data"),
        N_("Duplicate lead"),
        N_("Student or job seeker"),
    ),
    Disposition.NURTURE: (
        N_("Bad timing"),
        N_("No response after all follow-up attempts"),
        N_("Early research, not ready to buy"),
        N_("Budget expected next quarter"),
        N_("Wrong contact, needs re-targeting"),
    ),
}


class TouchKind(StrEnum):
    """The ways a rep reaches a lead; each logged touch is one follow-up attempt."""

    CALL = "call"
    EMAIL = "email"
    MEETING = "meeting"
    VOICEMAIL = "voicemail"


class EventKind(StrEnum):
    """What a LeadEvent records: the lead's creation, an assignment, a touch or a move."""

    CREATED = "created"
    ASSIGNED = "assigned"
    TOUCH = "touch"
    STAGE = "stage"
    DISPOSITION = "disposition"
    # a clock the previous owner had breached when the lead was reassigned (stays theirs)
    BREACH = "breach"


def parse_touch(value: str) -> TouchKind:
    """The TouchKind named by `value`, or a ValueError naming the valid ones."""
    try:
        return TouchKind(value.strip().lower())
    except ValueError:
        valid = ", ".join(t.value for t in TouchKind)
        raise ValueError(f"unknown touch {value!r}: use {valid}") from None


class IllegalTransition(ValueError):
    """A stage change the agreement does not allow."""


def parse_stage(value: str) -> Stage:
    """The Stage named by `value` (case-insensitive), or IllegalTransition naming the valid ones."""
    try:
        return Stage(value.strip().lower())
    except ValueError:
        valid = ", ".join(s.value for s in Stage)
        raise IllegalTransition(f"unknown stage {value!r}; the stages are: {valid}") from None


def check_transition(current: Stage, target: Stage) -> None:
    """Refuse a stage change the lifecycle does not allow, saying which ones it does."""
    if target in TRANSITIONS[current]:
        return
    options = ", ".join(STAGE_LABELS[s] for s in sorted(TRANSITIONS[current])) or "none (final)"
    raise IllegalTransition(
        f"a lead in {STAGE_LABELS[current]} cannot move to {STAGE_LABELS[target]}; "
        f"allowed next: {options}"
    )


def check_disposition(current: Stage, disposition: Disposition, reason: str | None) -> Stage:
    """The stage a disposition leads to; disqualify and nurture need a reason."""
    if current not in AWAITING_DISPOSITION:
        raise IllegalTransition(
            f"only MQL or SAL leads are dispositioned; this lead is {STAGE_LABELS[current]}"
        )
    if disposition is not Disposition.QUALIFY and not (reason and reason.strip()):
        raise IllegalTransition(f"a {disposition.value} disposition needs a reason")
    target = DISPOSITION_TARGET[disposition]
    check_transition(current, target)
    return target
