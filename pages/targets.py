"""Targets & quotas: the numbers both teams owe, and the reverse funnel they come from."""

from decimal import Decimal
from typing import Any

import streamlit as st

from sla_core import agreement, org
from sla_core.access import Permission, can
from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.marketing import calculator, plan_checks, quotas
from sla_core.models import Role
from sla_core.people.roster import headcount
from ui.data import current_snapshot, current_user, get_engine
from ui.draft_editor import DraftEditor
from ui.i18n import _, num, period_name
from ui.marketing import people
from ui.navigation import framed
from ui.widgets import agreement_banner

framed()


with session_scope(get_engine()) as session:
    user = current_user(session)
    governing = agreement.governing_version(session=session)
    draft_editor = DraftEditor.open("targets", session=session)
    org_settings = org.load_org_settings(session=session)
    currency = org_settings.currency

editable = can(user, Permission.EDIT_AGREEMENT)
staff = people()
heads = headcount(staff)  # imported, unplaced people do not count
content = draft_editor.content
stamp = draft_editor.stamp
generation = draft_editor.generation
# Only the fields the plan fills get fresh widgets (a new key) when it is used: the
# calculator's numbers go into those quotas only, every other field keeps what was set.
PLAN_FIELDS = ("mqls_per_marketer", "opportunities_per_rep", "conversion_rate_pct")


def key_of(name: str) -> str:
    """The widget key of one quota field: a plan field's changes each time the plan is used."""
    suffix = f"_s{generation}" if generation and name in PLAN_FIELDS else ""
    return f"targets_{name}_{stamp}{suffix}"


t = content.targets.model_copy(update=draft_editor.loaded() or {})
w = content.windows

st.title(_("Targets & quotas"))
agreement_banner(governing)
draft_editor.header()

st.subheader(_("What each side owes"))
slots: dict[str, Any] = {}
values: dict[str, float | int | None] = {}
marketing_col, sales_col = st.columns(2, gap="large")


def slider(column, name: str, low: float, high: float, value: float, step: float) -> None:  # type: ignore[no-untyped-def]
    """One quota slider with its message slot below it."""
    values[name] = column.slider(
        _(quotas.LABELS[name]),
        low,
        max(high, value),
        value,
        step=step,
        key=key_of(name),
        disabled=not editable,
    )
    slots[name] = column.empty()


def number(column, name: str, value: int) -> None:  # type: ignore[no-untyped-def]
    values[name] = column.number_input(
        _(quotas.LABELS[name]), value=value, step=5, key=key_of(name),
        disabled=not editable,
    )  # fmt: skip
    slots[name] = column.empty()


with marketing_col:
    st.markdown(_("**Marketing**"))
    slider(st, "mqls_per_marketer", 0, 1000, t.mqls_per_marketer, 5)
    slider(st, "quality_pct", 0.0, 100.0, float(t.quality_pct), 0.5)
    st.markdown(_("**Caps per rep**"))
    low_col, high_col = st.columns(2)
    number(low_col, "min_mqls_per_rep", t.min_mqls_per_rep)
    number(high_col, "max_mqls_per_rep", t.max_mqls_per_rep)
with sales_col:
    st.markdown(_("**Sales**"))
    slider(st, "conversion_rate_pct", 0.0, 100.0, float(t.conversion_rate_pct), 0.5)
    slider(st, "opportunities_per_rep", 0, 100, t.opportunities_per_rep, 1)
    slider(st, "follow_up_attempts", 0, 10, w.follow_up_attempts, 1)
    slider(st, "disposition_hours", 1, 168, w.disposition_hours, 1)
    slider(st, "work_within_days", 1, 30, w.work_within_days, 1)

proposed, errors = quotas.check_quotas(values, content)

st.subheader(_("Reverse funnel: from the revenue goal to the MQLs needed"))
snap = current_snapshot()  # the history's defaults: once per data revision and month
history = calculator.memo_history_defaults(
    snap.frame,
    now(),
    zone=org_settings.time_zone,
    calendar=org_settings.calendar,
    actor=user,
    memo=snap.memo,
)
saved_plan = content.targets.plan
based_on = "" if history is None else history.months.label
start = calculator.starting_inputs(
    saved_plan, history, marketers=heads[Role.MARKETER], reps=heads[Role.SALES_REP]
)
if saved_plan is not None:
    st.caption(_("The calculator opens with the inputs saved with these quotas."))
elif history is not None:
    st.caption(
        _(
            "Based on {first} to {last}: the average deal won and the stage rates default to "
            "this organisation's history; change them to plan."
        ).format(first=period_name(history.first), last=period_name(history.last))
    )
else:
    st.caption(
        _("No closed deals yet: the stage rates start at typical values; change them to plan.")
    )
goal_col, deal_col, budget_col = st.columns(3)
goal = goal_col.number_input(
    _("Revenue goal per month ({currency})").format(currency=currency),
    value=float(start.revenue_goal), step=10_000.0, key="targets_goal",
)  # fmt: skip
deal = deal_col.number_input(
    _("Average deal size ({currency})").format(currency=currency),
    value=float(start.deal_size), step=500.0, key="targets_deal",
)  # fmt: skip
budget = budget_col.number_input(
    _("Marketing budget per month ({currency})").format(currency=currency),
    value=float(start.budget), step=1_000.0, key="targets_budget",
)  # fmt: skip
rate_cols = st.columns(3)
rate_names = ("mql_to_sql", "sql_to_opportunity", "opportunity_to_won")
rate_labels = (_("MQL → SQL (%)"), _("SQL → opportunity (%)"), _("Opportunity → won (%)"))
rate_values = [
    col.number_input(
        label, value=float(getattr(start.rates, name)), step=1.0, key=f"targets_{name}"
    )
    for col, name, label in zip(rate_cols, rate_names, rate_labels, strict=True)
]
team_cols = st.columns(3)
marketers = team_cols[0].number_input(
    _("Marketers"), value=start.marketers, step=1,
    key="targets_marketers",
)  # fmt: skip
reps = team_cols[1].number_input(
    _("Sales reps"), value=start.reps, step=1,
    key="targets_reps",
)  # fmt: skip
inputs = calculator.FunnelInputs(
    revenue_goal=Decimal(str(goal)),
    deal_size=Decimal(str(deal)),
    rates=calculator.StageRates(*(Decimal(str(v)) for v in rate_values)),
    marketers=int(marketers),
    reps=int(reps),
    budget=Decimal(str(budget)),
)
problems = plan_checks.problems(inputs)
for name, message in problems.items():
    where = {"revenue_goal": goal_col, "deal_size": deal_col, "budget": budget_col}
    where |= dict(zip(rate_names, rate_cols, strict=True))
    where |= {"marketers": team_cols[0], "reps": team_cols[1]}
    where[name].error(_(message), icon=":material/error:")

if not problems:
    result = calculator.plan(inputs)
    cells = st.columns(4)
    cells[0].metric(_("Deals needed"), num(result.deals), border=True)
    cells[1].metric(_("Opportunities"), num(result.opportunities), border=True)
    cells[2].metric(_("SQLs"), num(result.sqls), border=True)
    cells[3].metric(_("MQLs needed per month"), num(result.mqls), border=True)
    cells = st.columns(4)
    dash = "—"
    cells[0].metric(
        _("MQLs per marketer"),
        dash if result.mqls_per_marketer is None else num(result.mqls_per_marketer),
        border=True,
    )
    cells[1].metric(
        _("MQLs per rep"),
        dash if result.mqls_per_rep is None else num(result.mqls_per_rep),
        border=True,
    )
    cells[2].metric(
        _("Opportunities per rep"),
        dash if result.opportunities_per_rep is None else num(result.opportunities_per_rep),
        border=True,
    )
    cells[3].metric(
        _("Cost per MQL"),
        dash if result.cost_per_mql is None else f"{num(float(result.cost_per_mql), 2)} {currency}",
        border=True,
        help=_("The marketing budget divided by the MQLs needed."),
    )
    conversion = num(float(result.conversion_pct), plan_checks.places(result.conversion_pct))
    st.caption(_("MQL to won at these rates: {pct} %.").format(pct=conversion))
    from_plan = {
        "mqls_per_marketer": result.mqls_per_marketer,
        "opportunities_per_rep": result.opportunities_per_rep,
        "conversion_rate_pct": result.conversion_pct,
        "plan": calculator.plan_inputs(inputs, based_on),  # saved with the quotas
    }
    if editable:
        st.button(
            _("Use these numbers as the quotas"),
            key="targets_use_plan",
            on_click=draft_editor.load,
            args=({k: v for k, v in from_plan.items() if v is not None},),
            help=_("Sets MQLs per marketer, opportunities per rep and the conversion target."),
        )
    checked_targets = (proposed or content).targets
    for name, message in plan_checks.contradictions(result, checked_targets, inputs).items():
        if name in slots and name not in errors:
            slots[name].warning(_(message), icon=":material/warning:")
        elif name in ("marketers", "reps"):
            team_cols[0 if name == "marketers" else 1].warning(_(message))

for name, message in errors.items():
    if name in slots:
        slots[name].error(_(message), icon=":material/error:")
    else:
        st.error(_(message), icon=":material/error:")

if editable and proposed is not None:
    proposed = quotas.with_plan(proposed, (draft_editor.loaded() or {}).get("plan"))
    draft_editor.save_button(
        _("Save quotas to the draft"),
        content=proposed,
        sections=("targets", "windows"),
        changes=quotas.describe_quota_changes(content, proposed),
        action="edit_targets",
        actor=user,
    )
