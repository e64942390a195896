"""The reverse funnel: from the revenue goal back to the MQLs both teams must produce.

Each stage's count is the exact quotient rounded up once (never rounded at every step, so
rounding does not compound): deals = goal / deal size, opportunities = deals / win rate,
SQLs = opportunities / opportunity rate, MQLs = SQLs / SQL rate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from sla_core.access import require_organisation_figures
from sla_core.models import User
from sla_core.stages import Stage
from sla_core.store.memo import Memo
from sla_core.terms import Targets

HUNDRED = Decimal(100)
# Main-path stages at or after each milestone (won and lost both passed the opportunity).
_AT_OR_AFTER = {
    "mql": {Stage.MQL, Stage.SAL, Stage.SQL, Stage.OPPORTUNITY, Stage.WON, Stage.LOST},
    "sql": {Stage.SQL, Stage.OPPORTUNITY, Stage.WON, Stage.LOST},
    "opportunity": {Stage.OPPORTUNITY, Stage.WON, Stage.LOST},
}


@dataclass(frozen=True)
class StageRates:
    """Percentages: MQL -> SQL, SQL -> opportunity, opportunity -> won."""

    mql_to_sql: Decimal
    sql_to_opportunity: Decimal
    opportunity_to_won: Decimal


DEFAULT_RATES = StageRates(Decimal("30"), Decimal("50"), Decimal("30"))


@dataclass(frozen=True)
class FunnelInputs:
    """What the calculator is given (money per month, in the organisation's currency)."""

    revenue_goal: Decimal
    deal_size: Decimal
    rates: StageRates
    marketers: int
    reps: int
    budget: Decimal = Decimal(0)


@dataclass(frozen=True)
class FunnelPlan:
    """What the goal needs each month, in total and per person."""

    deals: int
    opportunities: int
    sqls: int
    mqls: int
    mqls_per_marketer: int | None
    mqls_per_rep: int | None
    opportunities_per_rep: int | None
    conversion_pct: Decimal
    cost_per_mql: Decimal | None


def _up(value: Decimal) -> int:
    return math.ceil(value)


def _per(total: int, people: int) -> int | None:
    return math.ceil(total / people) if people > 0 else None


def plan(inputs: FunnelInputs) -> FunnelPlan:
    """The counts the goal needs; call `problems` first (a zero rate or deal size divides)."""
    r = inputs.rates
    deals = inputs.revenue_goal / inputs.deal_size
    opportunities = deals / (r.opportunity_to_won / HUNDRED)
    sqls = opportunities / (r.sql_to_opportunity / HUNDRED)
    mqls = sqls / (r.mql_to_sql / HUNDRED)
    n_mqls = _up(mqls)
    conversion = r.mql_to_sql * r.sql_to_opportunity * r.opportunity_to_won / HUNDRED / HUNDRED
    return FunnelPlan(
        deals=_up(deals),
        opportunities=_up(opportunities),
        sqls=_up(sqls),
        mqls=n_mqls,
        mqls_per_marketer=_per(n_mqls, inputs.marketers),
        mqls_per_rep=_per(n_mqls, inputs.reps),
        opportunities_per_rep=_per(_up(opportunities), inputs.reps),
        conversion_pct=conversion.quantize(Decimal("0.01")),
        cost_per_mql=(inputs.budget / n_mqls).quantize(Decimal("0.01")) if n_mqls else None,
    )


def problems(inputs: FunnelInputs) -> dict[str, str]:
    """Inputs the calculator cannot work with, by field (empty when all can be used)."""
    out: dict[str, str] = {}
    money = {"revenue_goal": inputs.revenue_goal, "budget": inputs.budget}
    for name, value in money.items():
        if value < 0:
            out[name] = "This cannot be negative."
    if inputs.deal_size <= 0:
        out["deal_size"] = "The average deal size must be above 0."
    for name in ("mql_to_sql", "sql_to_opportunity", "opportunity_to_won"):
        rate: Decimal = getattr(inputs.rates, name)
        if rate <= 0:
            out[name] = "A stage rate of 0 % means no lead ever passes it: no goal can be reached."
        elif rate > HUNDRED:
            out[name] = "A stage rate cannot be above 100 %."
    for name in ("marketers", "reps"):
        if getattr(inputs, name) < 0:
            out[name] = "A team size cannot be negative."
    return out


def contradictions(result: FunnelPlan, targets: Targets, inputs: FunnelInputs) -> dict[str, str]:
    """Where the plan and the agreement's quotas disagree, by the field to change."""
    out: dict[str, str] = {}
    if targets.max_mqls_per_rep == 0 and result.mqls > 0:
        out["max_mqls_per_rep"] = "A max of 0 MQLs per rep means no team size can take the goal."
    elif result.mqls_per_rep is not None and result.mqls_per_rep > targets.max_mqls_per_rep:
        need = math.ceil(result.mqls / targets.max_mqls_per_rep)
        out["max_mqls_per_rep"] = (
            f"Each rep must receive {result.mqls_per_rep:,} MQLs a month, above the max of "
            f"{targets.max_mqls_per_rep:,}: raise the cap or grow sales to {need:,} reps."
        )
    elif result.mqls_per_rep is not None and result.mqls_per_rep < targets.min_mqls_per_rep:
        out["min_mqls_per_rep"] = (
            f"The goal gives each rep {result.mqls_per_rep:,} MQLs a month, below the min of "
            f"{targets.min_mqls_per_rep:,}."
        )
    if inputs.reps == 0:
        out["reps"] = "With no sales rep, nobody can work the MQLs."
    if inputs.marketers == 0:
        out["marketers"] = "With no marketer, nobody produces the MQLs."
    if targets.mqls_per_marketer == 0 and result.mqls > 0:
        out["mqls_per_marketer"] = "A quota of 0 MQLs per marketer can never reach the goal."
    elif inputs.marketers and targets.mqls_per_marketer * inputs.marketers < result.mqls:
        need = math.ceil(result.mqls / targets.mqls_per_marketer)
        out["mqls_per_marketer"] = (
            f"{inputs.marketers} marketers at {targets.mqls_per_marketer:,} MQLs each make "
            f"{targets.mqls_per_marketer * inputs.marketers:,}, short of the {result.mqls:,} "
            f"the goal needs: raise the quota to {result.mqls_per_marketer:,} or grow to "
            f"{need:,} marketers."
        )
    if targets.conversion_rate_pct > result.conversion_pct:
        out["conversion_rate_pct"] = (
            f"The conversion target ({targets.conversion_rate_pct} %) is above what the stage "
            f"rates give ({result.conversion_pct} %): no team size reaches it at these rates."
        )
    return out


def historical_rates(leads: pd.DataFrame) -> StageRates | None:
    """Stage rates from the snapshot: leads reaching each milestone (None without history).

    Opportunity -> won counts closed opportunities only (won / (won + lost)), so deals still
    open do not pull the rate down.
    """
    stage = leads["stage"]

    def reached(milestone: str, column: str) -> pd.Series:
        passed = stage.isin([s.value for s in _AT_OR_AFTER[milestone]])
        if column in leads:
            passed |= leads[column].notna()
        return passed

    mqls = int(reached("mql", "mql_at").sum())
    sqls = int(reached("sql", "sql_at").sum())
    opportunities = int(reached("opportunity", "opportunity_at").sum())
    won = int((stage == Stage.WON.value).sum())
    lost = int((stage == Stage.LOST.value).sum())
    if not (mqls and sqls and opportunities and won + lost):
        return None

    def pct(part: int, whole: int) -> Decimal:
        return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(Decimal("0.1"))

    return StageRates(pct(sqls, mqls), pct(opportunities, sqls), pct(won, won + lost))


def memo_historical_rates(leads: pd.DataFrame, *, actor: User, memo: Memo) -> StageRates | None:
    """`historical_rates` of the whole snapshot `leads`, once per data revision (`memo`),
    for those who see the organisation's figures (checked before the memo)."""
    require_organisation_figures(actor)
    return memo(("targets.rates",), lambda: historical_rates(leads))
