"""Editing the MQL definition: the page's inputs checked field by field, and what changed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sla_core.i18n.languages import N_
from sla_core.terms import NUMERIC_CRITERIA, Criterion, CriterionField, MQLDefinition

# The criteria as the MQL criteria page names them (translated where shown).
LABELS: dict[CriterionField, str] = {
    CriterionField.INDUSTRY: N_("Industry"),
    CriterionField.COMPANY_SIZE: N_("Company size (employees)"),
    CriterionField.DEPARTMENT: N_("Department"),
    CriterionField.JOB_TITLE: N_("Job title"),
    CriterionField.TECHNOGRAPHICS: N_("Technographics"),
    CriterionField.ENGAGEMENT: N_("Content engagement"),
}
THRESHOLD = "threshold"


@dataclass(frozen=True)
class CriterionInput:
    """What the page holds for one criterion; weight 0 with nothing accepted leaves it out."""

    field: CriterionField
    weight: int
    accepted: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True)
class Checked:
    """A definition built from the inputs, or the message for each field that is wrong."""

    definition: MQLDefinition | None
    errors: dict[str, str]


def inputs_of(mql: MQLDefinition) -> list[CriterionInput]:
    """The six inputs for a stored definition (a criterion it lacks starts empty at 0)."""
    stored = {c.field: c for c in mql.criteria}
    out = []
    for field in CriterionField:
        c = stored.get(field)
        out.append(
            CriterionInput(field, 0)
            if c is None
            else CriterionInput(field, c.weight, c.accepted, c.minimum, c.maximum)
        )
    return out


def _check_one(item: CriterionInput) -> str | None:
    if not 0 <= item.weight <= 100:
        return "Points must be between 0 and 100."
    if item.field in NUMERIC_CRITERIA:
        if item.minimum is not None and item.maximum is not None and item.minimum > item.maximum:
            return f"The minimum ({item.minimum}) is above the maximum ({item.maximum})."
        if item.minimum is None and item.maximum is None and item.weight > 0:
            return "Give a minimum or a maximum: an empty range accepts no lead."
        for bound in (item.minimum, item.maximum):
            if bound is not None and bound < 0:
                return "A range cannot start below 0."
    elif item.weight > 0 and not [a for a in item.accepted if a.strip()]:
        return "Choose at least one accepted value, or set the points to 0."
    return None


def _is_empty(item: CriterionInput) -> bool:
    if item.field in NUMERIC_CRITERIA:
        return item.weight == 0 and item.minimum is None and item.maximum is None
    return item.weight == 0 and not [a for a in item.accepted if a.strip()]


def check_inputs(inputs: Sequence[CriterionInput], threshold: int) -> Checked:
    """Build the definition, or say beside which field what is wrong (nothing is built)."""
    errors: dict[str, str] = {}
    criteria = []
    for item in inputs:
        message = _check_one(item)
        if message:
            errors[item.field.value] = message
        elif not _is_empty(item):
            accepted = tuple(dict.fromkeys(a.strip() for a in item.accepted if a.strip()))
            numeric = item.field in NUMERIC_CRITERIA
            criteria.append(
                Criterion(
                    field=item.field,
                    weight=item.weight,
                    accepted=() if numeric else accepted,
                    minimum=item.minimum if numeric else None,
                    maximum=item.maximum if numeric else None,
                )
            )
    reachable = sum(c.weight for c in criteria)
    if threshold < 0:
        errors[THRESHOLD] = "The threshold cannot be negative."
    elif threshold > reachable and THRESHOLD not in errors:
        errors[THRESHOLD] = (
            f"No lead can reach {threshold} points: the criteria add up to {reachable} at most."
        )
    if errors:
        return Checked(None, errors)
    return Checked(MQLDefinition(criteria=tuple(criteria), threshold=threshold), {})


def _rule(c: Criterion | None) -> str:
    if c is None:
        return "not used"
    if c.field in NUMERIC_CRITERIA:
        low = "" if c.minimum is None else f"{c.minimum}"
        high = "" if c.maximum is None else f"{c.maximum}"
        return f"{c.weight} pts for {low or '…'}–{high or '…'}"
    return f"{c.weight} pts for {', '.join(c.accepted)}"


def describe_changes(old: MQLDefinition, new: MQLDefinition) -> list[str]:
    """One readable line per change between two definitions (empty when nothing changed)."""
    lines = []
    if old.threshold != new.threshold:
        lines.append(f"threshold {old.threshold} -> {new.threshold}")
    before = {c.field: c for c in old.criteria}
    after = {c.field: c for c in new.criteria}
    for field in CriterionField:
        was, now = before.get(field), after.get(field)
        if was == now:
            continue
        if was and now and field not in NUMERIC_CRITERIA and was.weight == now.weight:
            added = [a for a in now.accepted if a not in was.accepted]
            removed = [a for a in was.accepted if a not in now.accepted]
            parts = ([f"+{', '.join(added)}"] if added else []) + (
                [f"-{', '.join(removed)}"] if removed else []
            )
            lines.append(f"{LABELS[field]}: {'; '.join(parts)}")
        else:
            lines.append(f"{LABELS[field]}: {_rule(was)} -> {_rule(now)}")
    return lines
