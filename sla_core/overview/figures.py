"""The Overview's figures and targets, read from the one service-level computation.

No rule lives here: counts come from `sla.levels.service_levels` over the clocks of
`sla.clocks.lead_clocks` (the Compliance page, the CLI, the boards and the PDF read the
same), head counts from `people.headcount`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from sla_core.models import Role
from sla_core.people.roster import headcount
from sla_core.periods import Period
from sla_core.sla.levels import service_levels
from sla_core.terms import AgreementContent


@dataclass(frozen=True)
class GroupTargets:
    """What the agreement asks of the people in view for one month (`terms.Targets` holds
    the per-person quotas these are computed from)."""

    mqls: int
    opportunities: int
    conversion_pct: float
    disposition_pct: float


@dataclass(frozen=True)
class Overview:
    """The month's service levels; a percentage is None when nothing was due yet.

    `conversion_pct` is the cohort rate: `converted` (of the `received` MQLs handed off in
    the period, those won so far) over `received`; `won` counts the deals won in the
    period, shown beside. `disposition_running`: clocks not judged yet."""

    mqls: int
    disposition_due: int
    disposition_met: int
    disposition_pct: float | None
    won: int
    conversion_pct: float | None
    opportunities: int
    received: int = 0
    converted: int = 0
    disposition_running: int = 0


def overview(
    leads: pd.DataFrame,
    clocks: pd.DataFrame,
    content: AgreementContent,
    period: Period,
    ref: datetime,
    *,
    kept: pd.DataFrame | None = None,
) -> Overview:
    """The service levels of `period` as the Overview shows them: a thin reading of the one
    computation (`sla.levels.service_levels` on the clocks `sla.clocks.lead_clocks` gave at
    `ref`, in working time, with exemptions), so every surface shows the same figures.

    `leads` and `clocks` are the scope's (same index); `ref` is now, also for a past period:
    a deadline that fell after the period's end still judges the lead handed off in it.
    `kept`: the breaches reassignments left with the owners who missed them
    (`reassign.kept_breaches`, the scope's), counted due and not met.
    """
    return from_levels(
        service_levels(leads, content, period, ref, None, clocks=clocks, kept=kept).iloc[0]
    )


def from_levels(row: pd.Series) -> Overview:
    """The Overview's figures read from one row of the service levels (`service_levels`,
    or the Compliance page's `sla.views.scope_levels`, which the Overview page reads)."""
    due, met = int(row["disposition_due"]), int(row["dispositioned_in_time"])
    conversion = row["conversion_pct"]
    return Overview(
        mqls=int(row["mqls"]),
        disposition_due=due,
        disposition_met=met,
        disposition_pct=None if due == 0 else 100.0 * met / due,
        won=int(row["won"]),
        conversion_pct=None if pd.isna(conversion) else float(conversion),
        opportunities=int(row["opportunities"]),
        received=int(row["mqls_received"]),
        converted=int(row["converted"]),
        disposition_running=int(row["disposition_running"]),
    )


def month_targets(content: AgreementContent, *, marketers: int, reps: int) -> GroupTargets:
    """Monthly targets for a group: per-marketer MQLs and per-rep opportunities, times heads.

    A single rep's view passes marketers=0 and reps=1; their MQL target is then the minimum
    MQL load the agreement promises each rep.
    """
    targets = content.targets
    mqls = targets.mqls_per_marketer * marketers if marketers else targets.min_mqls_per_rep * reps
    return GroupTargets(
        mqls=mqls,
        opportunities=targets.opportunities_per_rep * reps,
        conversion_pct=float(targets.conversion_rate_pct),
        disposition_pct=float(content.service.disposition_target_pct),
    )


def targets_for(
    content: AgreementContent, people: pd.DataFrame, owner_id: int | None
) -> GroupTargets:
    """Targets of the view: one rep's own, or those of every marketer and rep who counts.

    Who counts is `people.placed` (active and placed by a manager): those an import created
    stay out of every head count until someone places them.
    """
    if owner_id is not None:
        return month_targets(content, marketers=0, reps=1)
    heads = headcount(people)
    return month_targets(content, marketers=heads[Role.MARKETER], reps=heads[Role.SALES_REP])
