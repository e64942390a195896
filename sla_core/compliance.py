"""Service levels of a period: MQL volume, disposition in time, conversion, opportunities.

Every function here is a pure, vectorised function of the lead snapshot DataFrame (the
frame `leads.read_leads` returns), the agreement's content and a reference instant.
Periods are calendar months in UTC for now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

from sla_core.access import Permission, can, require
from sla_core.models import Role, User
from sla_core.terms import AgreementContent


@dataclass(frozen=True)
class Period:
    """A half-open interval [start, end) of aware UTC instants."""

    start: pd.Timestamp
    end: pd.Timestamp


@dataclass(frozen=True)
class Targets:
    """What the agreement asks of the people in view for one month."""

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


def month_of(ref: datetime) -> Period:
    """The calendar month (UTC) that contains `ref`."""
    stamp = pd.Timestamp(ref).tz_convert(UTC) if ref.tzinfo else pd.Timestamp(ref, tz=UTC)
    start = stamp.normalize().replace(day=1)
    return Period(start, start + pd.offsets.MonthBegin(1))


def _within(column: pd.Series, period: Period) -> pd.Series:
    return (column >= period.start) & (column < period.end)


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


def overview(leads: pd.DataFrame, content: AgreementContent, ref: datetime) -> Overview:
    """The service levels of the month containing `ref`, counted up to `ref`.

    MQLs: leads whose mql_at falls in the month. Disposition: of the leads assigned in the
    month whose disposition is due, the share dispositioned within the window. Conversion:
    leads won (closed as won) in the month per MQL of the month. Opportunities: leads whose
    opportunity_at falls in the month.
    """
    period = month_of(ref)
    mql_mask = _within(leads["mql_at"], period)
    mqls = int(mql_mask.sum())
    assigned = leads[_within(leads["assigned_at"], period)]
    outcome = disposition_outcome(assigned, content.windows.disposition_hours, ref)
    due, met = int(outcome["due"].sum()), int(outcome["met"].sum())
    won = int(((leads["stage"] == "won") & _within(leads["closed_at"], period)).sum())
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


def month_targets(content: AgreementContent, *, marketers: int, reps: int) -> Targets:
    """Monthly targets for a group: per-marketer MQLs and per-rep opportunities, times heads.

    A single rep's view passes marketers=0 and reps=1; their MQL target is then the minimum
    MQL load the agreement promises each rep.
    """
    targets = content.targets
    mqls = targets.mqls_per_marketer * marketers if marketers else targets.min_mqls_per_rep * reps
    return Targets(
        mqls=mqls,
        opportunities=targets.opportunities_per_rep * reps,
        conversion_pct=float(targets.conversion_rate_pct),
        disposition_pct=100.0,
    )


def overview_scope(user: User) -> int | None:
    """Whose numbers the overview shows: a rep their own, anyone else on the dashboard all."""
    require(user, Permission.VIEW_DASHBOARD)
    if can(user, Permission.VIEW_ALL_LEADS) or not can(user, Permission.WORK_OWN_QUEUE):
        return None
    return user.id


def targets_for(content: AgreementContent, people: pd.DataFrame, owner_id: int | None) -> Targets:
    """Targets of the view: one rep's own, or every active marketer's and rep's together."""
    if owner_id is not None:
        return month_targets(content, marketers=0, reps=1)
    heads = headcount(people.loc[people["active"], "role"])
    return month_targets(content, marketers=heads[Role.MARKETER], reps=heads[Role.SALES_REP])
