"""The reverse funnel: from the revenue goal back to the MQLs both teams must produce.

Each stage's count is the exact quotient rounded up once (never rounded at every step, so
rounding does not compound): deals = goal / deal size, opportunities = deals / win rate,
SQLs = opportunities / opportunity rate, MQLs = SQLs / SQL rate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import pandas as pd

from sla_core.access import require_organisation_figures
from sla_core.models import User
from sla_core.overview import revenue
from sla_core.periods import Calendar, Period, PeriodKind, month_containing, shift
from sla_core.stages import Stage
from sla_core.store.memo import Memo
from sla_core.terms import PlanInputs

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


# Every lead column `historical_rates` reads.
RATE_READS = ("stage", "mql_at", "sql_at", "opportunity_at")


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


@dataclass(frozen=True)
class History:
    """The calculator's defaults from what happened in `months` (the whole months read):
    the average deal won and the stage rates, opportunity -> won being the win rate (won
    out of won and lost, by close date). None where the history has no figure."""

    months: Period
    first: Period
    last: Period
    deal_size: Decimal | None
    rates: StageRates | None


def history_defaults(
    leads: pd.DataFrame,
    ref: pd.Timestamp,
    *,
    zone: str = "UTC",
    calendar: Calendar = Calendar.GREGORIAN,
    count: int = 12,
) -> History | None:
    """Defaults from the `count` months ending with the last month (up to `ref`) in which a
    deal closed; None when no deal has closed. The deal size and win rate are
    `overview.revenue`'s figures over those months; MQL -> SQL and SQL -> opportunity
    are `historical_rates` of the leads created in them."""
    closed = leads["stage"].isin([Stage.WON.value, Stage.LOST.value]) & leads["closed_at"].notna()
    stamps = leads.loc[closed.fillna(False).astype(bool), "closed_at"]
    stamps = stamps[stamps <= ref]
    if stamps.empty:
        return None
    last = month_containing(stamps.max(), zone=zone, calendar=calendar)
    first = shift(last, 1 - count)
    months = Period(first.start, last.end, f"{first.label}..{last.label}", PeriodKind.CUSTOM,
                    calendar, zone)  # fmt: skip
    total = revenue.totals(leads, months)
    # the columns the rates read only: the whole rows of a year's leads (text included)
    # were ~50 MiB at a million leads
    inside = months.contains(leads["created_at"]).to_numpy(dtype=bool)
    created = leads.loc[inside, [c for c in RATE_READS if c in leads]]
    rates = historical_rates(created) if len(created) else None
    if rates is not None and total.win_rate_pct:
        rates = StageRates(rates.mql_to_sql, rates.sql_to_opportunity, _tenth(total.win_rate_pct))
    deal = None if not total.avg_deal else Decimal(str(round(total.avg_deal, 2)))
    return History(months, first, last, deal, rates)


# Every lead column `history_defaults` reads (revenue's and the stage dates): a write that
# changes none of them (a call logged, a lead reassigned) carries the defaults over.
HISTORY_READS = tuple(dict.fromkeys((*revenue.READS, *RATE_READS)))


def memo_history_defaults(
    leads: pd.DataFrame,
    ref: pd.Timestamp | datetime,
    *,
    zone: str,
    calendar: Calendar,
    actor: User,
    memo: Memo,
) -> History | None:
    """`history_defaults` of the whole snapshot `leads` once per month and per data
    revision that changed what it reads (`memo`), for those who see the organisation's
    figures (checked before the memo)."""
    require_organisation_figures(actor)
    return memo(
        ("targets.history", zone, calendar),
        lambda: history_defaults(leads, pd.Timestamp(ref), zone=zone, calendar=calendar),
        stamp=pd.Timestamp(ref).strftime("%Y-%m"),
        reads=HISTORY_READS,
    )


def _tenth(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.1"))


def plan_inputs(inputs: FunnelInputs, based_on: str = "") -> PlanInputs:
    """The calculator's inputs as the agreement keeps them with the quotas they gave."""
    r = inputs.rates
    return PlanInputs(
        revenue_goal=inputs.revenue_goal,
        deal_size=inputs.deal_size,
        mql_to_sql=r.mql_to_sql,
        sql_to_opportunity=r.sql_to_opportunity,
        opportunity_to_won=r.opportunity_to_won,
        marketers=inputs.marketers,
        reps=inputs.reps,
        budget=inputs.budget,
        based_on=based_on,
    )


def starting_inputs(
    saved: PlanInputs | None, history: History | None, *, marketers: int, reps: int
) -> FunnelInputs:
    """What the calculator opens with: the inputs saved with the quotas; else the history's
    deal size and stage rates (each where it has one), typical values for the rest and
    the team as it is."""
    if saved is not None:
        return saved_inputs(saved)
    return FunnelInputs(
        revenue_goal=Decimal(100_000),
        deal_size=(history.deal_size if history else None) or Decimal(5_000),
        rates=(history.rates if history else None) or DEFAULT_RATES,
        marketers=marketers,
        reps=reps,
        budget=Decimal(20_000),
    )


def saved_inputs(saved: PlanInputs) -> FunnelInputs:
    """The inputs saved with the quotas, back in the calculator's form."""
    return FunnelInputs(
        revenue_goal=saved.revenue_goal,
        deal_size=saved.deal_size,
        rates=StageRates(saved.mql_to_sql, saved.sql_to_opportunity, saved.opportunity_to_won),
        marketers=saved.marketers,
        reps=saved.reps,
        budget=saved.budget,
    )
