"""Closed-loop reports: what became of marketing's leads, by source, campaign, marketer, month.

A lead "reached" a stage when its milestone is stamped or its current stage lies at or
past it on the main path (a CRM export may carry the stage without the dates). Rates:
`conversion_pct` is won / leads; `mql_to_won_pct` is won / MQLs; a sales acceptance rate
is the MQLs sales qualified out of those it dispositioned.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from sla_core.access import Permission, require
from sla_core.i18n.languages import N_
from sla_core.models import User
from sla_core.periods import Calendar, labels_of, zone_info
from sla_core.sla.levels import sales_verdict
from sla_core.stages import Stage
from sla_core.store.memo import Memo
from sla_core.terms import CriterionField

GROUP_BY = ("source", "campaign", "marketer", "month")
NONE_LABEL = "(none)"
_PAST = {
    "mql": (Stage.MQL, Stage.SAL, Stage.SQL, Stage.OPPORTUNITY, Stage.WON, Stage.LOST),
    "sql": (Stage.SQL, Stage.OPPORTUNITY, Stage.WON, Stage.LOST),
    "opportunity": (Stage.OPPORTUNITY, Stage.WON, Stage.LOST),
}
MILESTONES = {"mql": "mql_at", "sql": "sql_at", "opportunity": "opportunity_at"}
LATER = (
    (N_("assigned"), "assigned_at"),
    (N_("first touch"), "first_touch_at"),
    (N_("dispositioned"), "dispositioned_at"),
    ("SQL", "sql_at"),
    (N_("opportunity"), "opportunity_at"),
    (N_("closed"), "closed_at"),
)


def reached(leads: pd.DataFrame, milestone: str) -> pd.Series:
    """Whether each lead reached `milestone` (mql, sql or opportunity)."""
    passed = leads["stage"].isin([s.value for s in _PAST[milestone]])
    column = MILESTONES[milestone]
    if column in leads:
        passed = passed | leads[column].notna()
    return passed.fillna(False).astype(bool)


def in_range(
    leads: pd.DataFrame, start: date | None, end: date | None, zone: str = "UTC"
) -> pd.DataFrame:
    """The leads created from `start` to `end` inclusive (local days in `zone`)."""
    keep = pd.Series(True, index=leads.index)
    tz = zone_info(zone)
    if start is not None:
        keep &= leads["created_at"] >= pd.Timestamp(start, tz=tz)
    if end is not None:
        keep &= leads["created_at"] < pd.Timestamp(end, tz=tz) + pd.Timedelta(days=1)
    return leads[keep.fillna(False)]


def group_labels(
    leads: pd.DataFrame,
    by: str,
    *,
    marketers: Mapping[int, str] | None = None,
    zone: str = "UTC",
    calendar: Calendar = Calendar.GREGORIAN,
) -> pd.Series:
    """The group each lead falls in: its source, campaign, marketer's name or created month."""
    if by not in GROUP_BY:
        raise ValueError(f"cannot group by {by!r}: use one of {', '.join(GROUP_BY)}")
    if by == "month":
        labels = labels_of(leads["created_at"], zone=zone, calendar=calendar)
    elif by == "marketer":
        ids = leads["marketer_id"].astype("Int64")
        labels = ids.map(dict(marketers or {}), na_action="ignore")
        labels = labels.fillna(ids.astype("string").radd("user "))
    else:
        labels = leads[by]
    return labels.astype("string").fillna(NONE_LABEL)


def _pct(part: pd.Series, whole: pd.Series) -> pd.Series:
    return (part * 100 / whole.where(whole > 0)).round(1)


def funnel_by(leads: pd.DataFrame, groups: pd.Series, *, by_label: bool = False) -> pd.DataFrame:
    """Per group: leads, MQLs, SQLs, opportunities, won, lost, nurture, disqualified, rates.

    Largest group first, or in label order with `by_label` (months read oldest first).
    """
    stage = leads["stage"]
    counts = pd.DataFrame(
        {
            "group": groups,
            "leads": 1,
            "mqls": reached(leads, "mql"),
            "sqls": reached(leads, "sql"),
            "opportunities": reached(leads, "opportunity"),
            "won": stage == Stage.WON.value,
            "lost": stage == Stage.LOST.value,
            "nurture": stage == Stage.NURTURE.value,
            "disqualified": stage == Stage.DISQUALIFIED.value,
        },
        index=leads.index,
    )
    out = counts.groupby("group", sort=True).sum().astype("int64").reset_index()
    out["conversion_pct"] = _pct(out["won"], out["leads"])
    out["mql_to_won_pct"] = _pct(out["won"], out["mqls"])
    out["win_rate_pct"] = _pct(out["won"], out["won"] + out["lost"])
    if by_label:
        return out
    return out.sort_values(["leads", "group"], ascending=[False, True], ignore_index=True)


def time_to_stages(leads: pd.DataFrame) -> pd.DataFrame:
    """Days from becoming MQL to each later milestone: how many got there, median and mean."""
    rows = []
    start = leads["mql_at"]
    for name, column in LATER:
        if column not in leads:
            continue
        days = (leads[column] - start).dt.total_seconds() / 86_400
        days = days[days.notna() & (days >= 0)]
        rows.append(
            {
                "milestone": name,
                "leads": int(len(days)),
                "median_days": round(float(days.median()), 1) if len(days) else np.nan,
                "mean_days": round(float(days.mean()), 1) if len(days) else np.nan,
            }
        )
    return pd.DataFrame(rows, columns=["milestone", "leads", "median_days", "mean_days"])


def reasons(leads: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    """Disqualification and nurture reasons per group (source, or a criterion's value)."""
    returned = leads["stage"].isin([Stage.DISQUALIFIED.value, Stage.NURTURE.value])
    frame = pd.DataFrame(
        {
            "group": groups[returned],
            "stage": leads.loc[returned, "stage"].astype("string"),
            "reason": leads.loc[returned, "disposition_reason"]
            .astype("string")
            .fillna("(no reason)"),
        }
    )
    out = frame.astype("string").value_counts().rename("leads").reset_index()
    totals = out.groupby("group")["leads"].transform("sum")
    out["share_pct"] = _pct(out["leads"], totals)
    return out.sort_values(["group", "leads"], ascending=[True, False], ignore_index=True)


def marketer_scorecard(
    leads: pd.DataFrame, groups: pd.Series, target_per_month: int, months: int
) -> pd.DataFrame:
    """Per marketer: MQLs vs the target for the months shown, and sales' acceptance rate
    (MQL quality, the Compliance page's rule `sla.levels.sales_verdict`: of the MQLs sales
    decided on, the share it accepted)."""
    mql = reached(leads, "mql")
    accepted, decided = sales_verdict(leads["stage"])
    frame = pd.DataFrame(
        {
            "marketer": groups,
            "mqls": mql,
            "dispositioned": mql & decided,
            "accepted": mql & accepted,
        }
    )
    out = frame.groupby("marketer", sort=True).sum().astype("int64").reset_index()
    out["target"] = target_per_month * max(months, 1)
    out["target_pct"] = _pct(out["mqls"], out["target"])
    out["acceptance_pct"] = _pct(out["accepted"], out["dispositioned"])
    return out.sort_values(["mqls", "marketer"], ascending=[False, True], ignore_index=True)


def months_spanned(
    leads: pd.DataFrame, *, zone: str = "UTC", calendar: Calendar = Calendar.GREGORIAN
) -> int:
    """How many months (in the org's zone and calendar) the leads were created in."""
    if leads.empty:
        return 0
    return int(labels_of(leads["created_at"], zone=zone, calendar=calendar).nunique())


# The lead columns the reports read. A write that changes none of them (a call logged on a
# lead touched before, a reassignment) carries the reports over to the next data revision;
# the times to each stage also read the first touch, so only they follow a first touch.
REPORT_READS = (
    "created_at", "stage", "mql_at", "sql_at", "opportunity_at", "source", "campaign",
    "marketer_id", "disposition_reason", *(f.value for f in CriterionField),
)  # fmt: skip
TIMES_READS = ("created_at", "mql_at", *(column for _name, column in LATER))


@dataclass(frozen=True)
class Ask:
    """What the Reports page shows: leads created from `start` to `end` (local days in
    `zone`) grouped `by` a GROUP_BY, their reasons by `reason_by` (the grouping, "source" or
    a criterion), marketers named by `marketers` ((id, name) pairs), months in `calendar`,
    the marketers' target `target_per_month` MQLs."""

    start: date | None
    end: date | None
    zone: str
    calendar: Calendar
    by: str
    reason_by: str
    marketers: tuple[tuple[int, str], ...]
    target_per_month: int
    months_calendar: Calendar


@dataclass(frozen=True)
class Report:
    """The closed-loop tables of an `Ask` (`leads`: how many leads it covers)."""

    leads: int
    funnel: pd.DataFrame
    reasons: pd.DataFrame
    months: int
    marketers: pd.DataFrame


def report(leads: pd.DataFrame, ask: Ask) -> Report:
    """The funnel, reasons and marketers' scorecard of the leads `ask` covers."""
    kept = in_range(leads, ask.start, ask.end, ask.zone)
    names = dict(ask.marketers)
    groups = group_labels(kept, ask.by, marketers=names, zone=ask.zone, calendar=ask.calendar)
    reason_groups = (
        groups
        if ask.reason_by == ask.by
        else kept[ask.reason_by].astype("string").fillna(NONE_LABEL)
    )
    months = months_spanned(kept, zone=ask.zone, calendar=ask.months_calendar)
    card = marketer_scorecard(
        kept, group_labels(kept, "marketer", marketers=names), ask.target_per_month, months
    )
    return Report(
        leads=len(kept),
        funnel=funnel_by(kept, groups, by_label=ask.by == "month"),
        reasons=reasons(kept, reason_groups),
        months=months,
        marketers=card,
    )


def memo_report(leads: pd.DataFrame, ask: Ask, *, actor: User, memo: Memo) -> Report:
    """`report` once per data revision that changed what it reads (`memo`), for those who
    may read the Reports (checked first)."""
    require(actor, Permission.VIEW_ALL_LEADS)
    return memo(("closed_loop.report", ask), lambda: report(leads, ask), reads=REPORT_READS)


def memo_times(
    leads: pd.DataFrame,
    start: date | None,
    end: date | None,
    zone: str,
    *,
    actor: User,
    memo: Memo,
) -> pd.DataFrame:
    """`time_to_stages` of the leads created from `start` to `end`, like `memo_report`."""
    require(actor, Permission.VIEW_ALL_LEADS)
    return memo(
        ("closed_loop.times", start, end, zone),
        lambda: time_to_stages(in_range(leads, start, end, zone)),
        reads=TIMES_READS,
    )
