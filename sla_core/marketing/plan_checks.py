"""What the reverse-funnel calculator cannot work with, and where its plan and the
agreement's quotas disagree: by field, as Messages the Targets page shows in the reader's
words and digits."""

from __future__ import annotations

import math
from decimal import Decimal

from sla_core.i18n.languages import N_
from sla_core.i18n.message import Figure, Message
from sla_core.marketing.calculator import HUNDRED, FunnelInputs, FunnelPlan
from sla_core.terms import Targets


def problems(inputs: FunnelInputs) -> dict[str, str]:
    """Inputs the calculator cannot work with, by field (empty when all can be used)."""
    out: dict[str, str] = {}
    money = {"revenue_goal": inputs.revenue_goal, "budget": inputs.budget}
    for name, value in money.items():
        if value < 0:
            out[name] = Message.of(N_("This cannot be negative."))
    if inputs.deal_size <= 0:
        out["deal_size"] = Message.of(N_("The average deal size must be above 0."))
    for name in ("mql_to_sql", "sql_to_opportunity", "opportunity_to_won"):
        rate: Decimal = getattr(inputs.rates, name)
        if rate <= 0:
            out[name] = Message.of(
                N_("A stage rate of 0 % means no lead ever passes it: no goal can be reached.")
            )
        elif rate > HUNDRED:
            out[name] = Message.of(N_("A stage rate cannot be above 100 %."))
    for name in ("marketers", "reps"):
        if getattr(inputs, name) < 0:
            out[name] = Message.of(N_("A team size cannot be negative."))
    return out


def places(value: Decimal) -> int:
    """The decimal places `value` is written with ("6.92": 2, "7": 0)."""
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _pct(value: Decimal) -> Figure:
    """A percentage as a Message value: the English text as before ("6.92"), the reader's
    digits when shown."""
    return Figure(value, places(value), english=str(value))


def contradictions(result: FunnelPlan, targets: Targets, inputs: FunnelInputs) -> dict[str, str]:
    """Where the plan and the agreement's quotas disagree, by the field to change."""
    out: dict[str, str] = {}
    if targets.max_mqls_per_rep == 0 and result.mqls > 0:
        out["max_mqls_per_rep"] = Message.of(
            N_("A max of 0 MQLs per rep means no team size can take the goal.")
        )
    elif result.mqls_per_rep is not None and result.mqls_per_rep > targets.max_mqls_per_rep:
        need = math.ceil(result.mqls / targets.max_mqls_per_rep)
        out["max_mqls_per_rep"] = Message.of(
            N_(
                "Each rep must receive {mqls} MQLs a month, above the max of {cap}: raise the "
                "cap or grow sales to {need} reps."
            ),
            mqls=Figure(result.mqls_per_rep),
            cap=Figure(targets.max_mqls_per_rep),
            need=Figure(need),
        )
    elif result.mqls_per_rep is not None and result.mqls_per_rep < targets.min_mqls_per_rep:
        out["min_mqls_per_rep"] = Message.of(
            N_("The goal gives each rep {mqls} MQLs a month, below the min of {floor}."),
            mqls=Figure(result.mqls_per_rep),
            floor=Figure(targets.min_mqls_per_rep),
        )
    if inputs.reps == 0:
        out["reps"] = Message.of(N_("With no sales rep, nobody can work the MQLs."))
    if inputs.marketers == 0:
        out["marketers"] = Message.of(N_("With no marketer, nobody produces the MQLs."))
    if targets.mqls_per_marketer == 0 and result.mqls > 0:
        out["mqls_per_marketer"] = Message.of(
            N_("A quota of 0 MQLs per marketer can never reach the goal.")
        )
    elif inputs.marketers and targets.mqls_per_marketer * inputs.marketers < result.mqls:
        need = math.ceil(result.mqls / targets.mqls_per_marketer)
        out["mqls_per_marketer"] = Message.of(
            N_(
                "{marketers} marketers at {quota} MQLs each make {made}, short of the {mqls} "
                "the goal needs: raise the quota to {per_marketer} or grow to {need} marketers."
            ),
            marketers=Figure(inputs.marketers, english=str(inputs.marketers)),
            quota=Figure(targets.mqls_per_marketer),
            made=Figure(targets.mqls_per_marketer * inputs.marketers),
            mqls=Figure(result.mqls),
            per_marketer=Figure(result.mqls_per_marketer or 0),
            need=Figure(need),
        )
    if targets.conversion_rate_pct > result.conversion_pct:
        out["conversion_rate_pct"] = Message.of(
            N_(
                "The conversion target ({target} %) is above what the stage rates give "
                "({rates} %): no team size reaches it at these rates."
            ),
            target=_pct(targets.conversion_rate_pct),
            rates=_pct(result.conversion_pct),
        )
    return out
