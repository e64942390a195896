"""Editing the agreement's quotas and time windows: field-by-field checks and a change log."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from sla_core.i18n.languages import N_
from sla_core.i18n.message import Figure, Message
from sla_core.terms import AgreementContent, PlanInputs, Targets, Windows

LABELS: dict[str, str] = {
    "mqls_per_marketer": N_("MQLs per marketer per month"),
    "conversion_rate_pct": N_("Conversion target (%)"),
    "opportunities_per_rep": N_("Opportunities per rep per month"),
    "min_mqls_per_rep": N_("Min MQLs per rep per month"),
    "max_mqls_per_rep": N_("Max MQLs per rep (per month)"),
    "quality_pct": N_("MQL quality target (% accepted by sales)"),
    "follow_up_attempts": N_("Follow-up attempts per lead"),
    "disposition_hours": N_("Disposition window (hours)"),
    "work_within_days": N_("Work every MQL within (days)"),
    "remind_before_hours": N_("Remind reps before a deadline (hours)"),
    "plan": N_("Reverse-funnel inputs"),
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
            errors[name] = Message.of(N_("Give a number."))
        elif value < 0:
            errors[name] = Message.of(N_("This cannot be negative."))
    for name in ("disposition_hours", "work_within_days"):
        if name in values and values[name] is not None and values[name] < 1 and name not in errors:
            errors[name] = Message.of(N_("A window must be at least 1."))
    for name in ("conversion_rate_pct", "quality_pct"):
        if values.get(name) is not None and values[name] > 100 and name not in errors:
            errors[name] = Message.of(N_("A percentage cannot be above 100."))
    low, high = values.get("min_mqls_per_rep"), values.get("max_mqls_per_rep")
    if low is not None and high is not None and low > high:
        errors["min_mqls_per_rep"] = Message.of(
            N_("The min ({low}) is above the max ({high})."), low=Figure(low), high=Figure(high)
        )
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


def _figure(value: object) -> object:
    """A number as a Message value (the reader's digits when shown); anything else as is."""
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        places = max(0, -exponent) if isinstance(exponent, int) else 0
        return Figure(value, places, english=str(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return Figure(value, english=str(value))
    return value


def _said(value: object) -> object:
    """A quota, or the calculator inputs, as the change log writes them."""
    if value is None:
        return Message.of(N_("none"))
    if not isinstance(value, PlanInputs):
        return _figure(value)
    said = Message.of(
        N_(
            "goal {goal}, deal {deal}, rates {mql_to_sql} / {sql_to_opportunity} / "
            "{opportunity_to_won} %, {marketers} marketers, {reps} reps, budget {budget}"
        ),
        goal=_figure(value.revenue_goal),
        deal=_figure(value.deal_size),
        mql_to_sql=_figure(value.mql_to_sql),
        sql_to_opportunity=_figure(value.sql_to_opportunity),
        opportunity_to_won=_figure(value.opportunity_to_won),
        marketers=_figure(value.marketers),
        reps=_figure(value.reps),
        budget=_figure(value.budget),
    )
    if not value.based_on:
        return said
    return Message.of(N_("{plan} (history {period})"), plan=said, period=value.based_on)


def describe_quota_changes(old: AgreementContent, new: AgreementContent) -> list[str]:
    """One line per changed quota or window: "Max MQLs per rep ...: 150 -> 120"."""
    lines: list[str] = []
    for group in ("targets", "windows"):
        before, after = getattr(old, group), getattr(new, group)
        for name in type(before).model_fields:
            was, now = getattr(before, name), getattr(after, name)
            if was != now:
                lines.append(
                    Message.of(
                        N_("{field}: {was} -> {now}"),
                        field=Message.of(LABELS[name]) if name in LABELS else name,
                        was=_said(was),
                        now=_said(now),
                    )
                )
    return lines
