"""What the Overview shows: the period picked, the team in view, and the targets for both.

Pure functions of the lead snapshot, the people frame (`browse.people_frame`), the
agreement's content and the organisation's settings; the page only draws the result.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

import pandas as pd

from sla_core import periods
from sla_core.i18n.languages import N_
from sla_core.org import OrgSettings
from sla_core.overview import figures
from sla_core.overview.figures import GroupTargets
from sla_core.people.roster import active_reps
from sla_core.periods import Period, PeriodKind
from sla_core.sla.gauges import pace_of
from sla_core.terms import AgreementContent

DAYS_PER_MONTH = 365.2425 / 12


class PeriodChoice(StrEnum):
    THIS_MONTH = "this_month"
    LAST_MONTH = "last_month"
    THIS_QUARTER = "this_quarter"
    CUSTOM = "custom"


PERIOD_LABELS: dict[PeriodChoice, str] = {
    PeriodChoice.THIS_MONTH: N_("This month"),
    PeriodChoice.LAST_MONTH: N_("Last month"),
    PeriodChoice.THIS_QUARTER: N_("This quarter"),
    PeriodChoice.CUSTOM: N_("Custom"),
}


def period_for(
    choice: PeriodChoice,
    ref: datetime,
    org: OrgSettings,
    days: tuple[date, date] | None = None,
    calendar: periods.Calendar | None = None,
) -> Period:
    """The period a choice names at `ref`, cut in the organisation's zone and in `calendar`
    (the reader's: a Persian reader's month is a Jalali month), else the organisation's.

    CUSTOM needs `days` (first and last day, both counted).
    """
    zone, calendar = org.time_zone, calendar or org.calendar
    if choice is PeriodChoice.CUSTOM:
        if days is None:
            raise periods.PeriodError("pick the first and the last day of the period")
        return periods.days_between(days[0], days[1], zone=zone, calendar=calendar)
    if choice is PeriodChoice.THIS_QUARTER:
        return periods.quarter_containing(ref, zone=zone, calendar=calendar)
    month = periods.month_containing(ref, zone=zone, calendar=calendar)
    return periods.shift(month, -1) if choice is PeriodChoice.LAST_MONTH else month


def counted_until(period: Period, ref: datetime) -> pd.Timestamp:
    """Figures are counted up to now, or to the end of a period that is over."""
    return min(pd.Timestamp(ref), period.end)


def months_in(period: Period) -> float:
    """How many months of targets a period holds: 1, 3, or its days over a mean month."""
    if period.kind is PeriodKind.MONTH:
        return 1.0
    if period.kind is PeriodKind.QUARTER:
        return 3.0
    return float((period.end - period.start) / pd.Timedelta(days=DAYS_PER_MONTH))


def sales_teams(people: pd.DataFrame) -> list[str]:
    """The teams that sales reps who count (`people.active_reps`) belong to, by name, sorted."""
    return sorted(str(t) for t in active_reps(people)["team"].dropna().unique())


def team_reps(people: pd.DataFrame, team: str) -> list[int]:
    """The ids of the sales reps who count (`people.active_reps`) in `team`."""
    reps = active_reps(people)
    return [int(i) for i in reps.loc[reps["team"] == team, "id"]]


def owned_by(leads: pd.DataFrame, owner_ids: list[int]) -> pd.DataFrame:
    """The leads owned by any of `owner_ids` (a new frame)."""
    return leads[leads["owner_id"].isin(owner_ids)]


@dataclass(frozen=True)
class ViewTargets:
    """Targets of the view for its period; `mqls_owed`: the MQL figure is a minimum the
    people in view are owed by marketing (a rep, a sales team), not a quota they must meet."""

    targets: GroupTargets
    mqls_owed: bool


def view_targets(
    content: AgreementContent,
    people: pd.DataFrame,
    *,
    owner_id: int | None,
    team: str | None,
    period: Period,
    ref: datetime | None = None,
) -> ViewTargets:
    """The agreement's monthly targets for the people in view, scaled to the period; with
    `ref`, count targets of a running period are pro-rated to the share gone (the pace)."""
    if team is not None and owner_id is None:
        monthly = figures.month_targets(content, marketers=0, reps=len(team_reps(people, team)))
    else:
        monthly = figures.targets_for(content, people, owner_id)
    months = months_in(period) * (1.0 if ref is None else pace_of(period.start, period.end, ref))
    scaled = replace(
        monthly,
        mqls=round(monthly.mqls * months),
        opportunities=round(monthly.opportunities * months),
    )
    return ViewTargets(scaled, mqls_owed=owner_id is not None or team is not None)


def signed(number: int) -> str:
    """A whole number with its sign and thousands separators: "+1,000", "-1,000", "0"."""
    return f"{number:+,}" if number else "0"
