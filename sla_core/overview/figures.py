"""Service levels of a period: MQL volume, disposition in time, conversion, opportunities.

Every function here is a pure, vectorised function of the lead snapshot DataFrame (the
frame `snapshot.read_leads` returns), the agreement's content, a period (`sla_core.periods`)
and a reference instant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from sla_core.models import Role
from sla_core.people.roster import placed
from sla_core.periods import Period
from sla_core.stages import Stage
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
    """The month's service levels; a percentage is None when nothing was due yet."""

    mqls: int
    disposition_due: int
    disposition_met: int
    disposition_pct: float | None
    won: int
    conversion_pct: float | None
    opportunities: int


def _within(column: pd.Series, period: Period) -> pd.Series:
    return period.contains(column)


def disposition_deadline(leads: pd.DataFrame, hours: int) -> pd.Series:
    """A lead must be dispositioned within `hours` of its assignment to a rep."""
    return leads["assigned_at"] + pd.Timedelta(hours=hours)


def disposition_outcome(leads: pd.DataFrame, hours: int, ref: datetime) -> pd.DataFrame:
    """Per lead: whether its disposition is due by `ref` and whether it came in time.

    A lead is due once it was dispositioned or its deadline has passed; one still inside
    its window and not yet dispositioned is neither met nor breached.
    """
    deadline = disposition_deadline(leads, hours)
    done = leads["dispositioned_at"].notna()
    due = leads["assigned_at"].notna() & (done | (deadline <= pd.Timestamp(ref)))
    met = due & done & (leads["dispositioned_at"] <= deadline)
    return pd.DataFrame({"due": due.astype(bool), "met": met.astype(bool)}, index=leads.index)


def conversion_pct(won: int, mqls: int) -> float | None:
    """Conversion = deals won in the period / MQLs of the period, in percent (None if no MQL)."""
    return None if mqls == 0 else 100.0 * won / mqls


def overview(
    leads: pd.DataFrame, content: AgreementContent, period: Period, ref: datetime
) -> Overview:
    """The service levels of `period`, counted up to `ref` (the end of a past period).

    MQLs: leads whose mql_at falls in the period. Disposition: of the leads assigned in the
    period whose disposition is due by `ref`, the share dispositioned within the window.
    Conversion: leads won (closed as won) in the period per MQL of the period.
    Opportunities: leads whose opportunity_at falls in the period.
    """
    mql_mask = _within(leads["mql_at"], period)
    mqls = int(mql_mask.sum())
    assigned = leads[_within(leads["assigned_at"], period)]
    outcome = disposition_outcome(assigned, content.windows.disposition_hours, ref)
    due, met = int(outcome["due"].sum()), int(outcome["met"].sum())
    won = int(((leads["stage"] == Stage.WON.value) & _within(leads["closed_at"], period)).sum())
    return Overview(
        mqls=mqls,
        disposition_due=due,
        disposition_met=met,
        disposition_pct=None if due == 0 else 100.0 * met / due,
        won=won,
        conversion_pct=conversion_pct(won, mqls),
        opportunities=int(_within(leads["opportunity_at"], period).sum()),
    )


def headcount(roles: pd.Series) -> dict[Role, int]:
    """How many active people hold each role (`roles`: one role string per active user)."""
    counts = roles.value_counts()
    return {role: int(counts.get(role.value, 0)) for role in Role}


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
    """Targets of the view: one rep's own, or those of every placed marketer and rep together.

    Only people a manager placed in a team count (`people.placed`): those an import created
    stay out of every head count until someone places them.
    """
    if owner_id is not None:
        return month_targets(content, marketers=0, reps=1)
    heads = headcount(placed(people)["role"])
    return month_targets(content, marketers=heads[Role.MARKETER], reps=heads[Role.SALES_REP])
