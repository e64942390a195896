"""Editing the agreement's quotas and time windows: field-by-field checks and a change log."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from sla_core.terms import AgreementContent, PlanInputs, Targets, Windows

LABELS: dict[str, str] = {
    "mqls_per_marketer": "MQLs per marketer per month",
    "conversion_rate_pct": "Conversion target (%)",
    "opportunities_per_rep": "Opportunities per rep per month",
    "min_mqls_per_rep": "Min MQLs per rep per month",
    "max_mqls_per_rep": "Max MQLs per rep (per month)",
    "quality_pct": "MQL quality target (% accepted by sales)",
    "follow_up_attempts": "Follow-up attempts per lead",
    "disposition_hours": "Disposition window (hours)",
    "work_within_days": "Work every MQL within (days)",
    "remind_before_hours": "Remind reps before a deadline (hours)",
    "plan": "Reverse-funnel inputs",
}
TARGET_FIELDS = tuple(Targets.model_fields)
WINDOW_FIELDS = tuple(Windows.model_fields)


def check_quotas(
    values: dict[str, Any], current: AgreementContent
) -> tuple[AgreementContent | None, dict[str, str]]:
    """The content with these quotas and windows, or the message for each wrong field."""
    errors: dict[str, str] = {}
    for name, value in values.items():
        if value is None:
            errors[name] = "Give a number."
        elif value < 0:
            errors[name] = "This cannot be negative."
    for name in ("disposition_hours", "work_within_days"):
        if name in values and values[name] is not None and values[name] < 1 and name not in errors:
            errors[name] = "A window must be at least 1."
    for name in ("conversion_rate_pct", "quality_pct"):
        if values.get(name) is not None and values[name] > 100 and name not in errors:
            errors[name] = "A percentage cannot be above 100."
    low, high = values.get("min_mqls_per_rep"), values.get("max_mqls_per_rep")
    if low is not None and high is not None and low > high:
        errors["min_mqls_per_rep"] = f"The min ({low}) is above the max ({high})."
    if errors:
        return None, errors

    def pick(fields: tuple[str, ...], model: Any) -> dict[str, Any]:
        return {
            f: Decimal(str(values[f])) if isinstance(getattr(model, f), Decimal) else values[f]
            for f in fields
            if f in values
        }

    try:
        targets = current.targets.model_copy(update=pick(TARGET_FIELDS, current.targets))
        windows = current.windows.model_copy(update=pick(WINDOW_FIELDS, current.windows))
        content = current.model_copy(
            update={
                "targets": Targets.model_validate(targets.model_dump()),
                "windows": Windows.model_validate(windows.model_dump()),
            }
        )
    except ValidationError as exc:
        return None, {"form": str(exc.errors()[0]["msg"])}
    return content, {}


def with_plan(content: AgreementContent, plan: PlanInputs | None) -> AgreementContent:
    """`content` whose targets keep the calculator inputs `plan` (unchanged without one)."""
    if plan is None:
        return content
    return content.model_copy(update={"targets": content.targets.model_copy(update={"plan": plan})})


def _said(value: object) -> str:
    """A quota, or the calculator inputs, as the change log writes them."""
    if value is None:
        return "none"
    return value.summary() if isinstance(value, PlanInputs) else str(value)


def describe_quota_changes(old: AgreementContent, new: AgreementContent) -> list[str]:
    """One line per changed quota or window: "Max MQLs per rep ...: 150 -> 120"."""
    lines = []
    for group in ("targets", "windows"):
        before, after = getattr(old, group), getattr(new, group)
        for name in type(before).model_fields:
            was, now = getattr(before, name), getattr(after, name)
            if was != now:
                lines.append(f"{LABELS.get(name, name)}: {_said(was)} -> {_said(now)}")
    return lines
