"""What the last full quarter looked like, beside each number the workshop agrees on.

Pure functions of the lead snapshot (never mutated) and the people frame; the quarter is
cut in the organisation's zone and calendar (`sla_core.periods`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from sla_core.i18n.languages import N_
from sla_core.i18n.message import Message
from sla_core.periods import Calendar, quarter_containing, shift
from sla_core.stages import Stage

MONTHS_PER_QUARTER = 3


@dataclass(frozen=True)
class History:
    """Monthly averages over the last full quarter; None where nothing was measured."""

    period: str
    mqls_per_marketer: float | None
    conversion_pct: float | None
    opportunities_per_rep: float | None
    min_mqls_per_rep: float | None
    max_mqls_per_rep: float | None
    quality_pct: float | None
    disposition_in_window_pct: float | None

    def sentence(self, key: str) -> str | None:
        """The line shown beside a target ("last quarter: 212 MQLs per marketer")."""
        value = getattr(self, key)
        if value is None:
            return None
        template = {
            "mqls_per_marketer": N_("last quarter ({period}): {value} MQLs per marketer per month"),
            "conversion_pct": N_("last quarter ({period}): {value} % of MQLs became customers"),
            "opportunities_per_rep": N_(
                "last quarter ({period}): {value} opportunities per rep per month"
            ),
            "min_mqls_per_rep": N_(
                "last quarter ({period}): {value} MQLs a month for the least loaded rep"
            ),
            "max_mqls_per_rep": N_(
                "last quarter ({period}): {value} MQLs a month for the most loaded rep"
            ),
            "quality_pct": N_("last quarter ({period}): {value} % of assigned MQLs reached SQL"),
            "disposition_in_window_pct": N_(
                "last quarter ({period}): {value} % dispositioned within the window"
            ),
        }[key]
        shown = f"{value:.1f}" if key.endswith("_pct") else f"{value:,.0f}"
        return Message.of(template, period=self.period, value=shown)


def _per_head(counts: pd.Series, heads: int) -> float | None:
    return None if heads == 0 else float(counts.sum()) / heads / MONTHS_PER_QUARTER


def last_quarter(
    leads: pd.DataFrame,
    *,
    ref: datetime,
    disposition_hours: int,
    zone: str = "UTC",
    calendar: Calendar = Calendar.GREGORIAN,
) -> History:
    """The quarter before the one containing `ref`, as monthly averages."""
    period = shift(quarter_containing(ref, zone=zone, calendar=calendar), -1)
    mqls = leads[period.contains(leads["mql_at"])]
    marketers = int(mqls["marketer_id"].nunique())
    assigned = leads[period.contains(leads["assigned_at"])]
    per_rep = assigned.groupby("owner_id").size() / MONTHS_PER_QUARTER
    reps = int(per_rep.size)
    won = int(((leads["stage"] == Stage.WON.value) & period.contains(leads["closed_at"])).sum())
    opportunities = leads[period.contains(leads["opportunity_at"])]
    deadline = assigned["assigned_at"] + pd.Timedelta(hours=disposition_hours)
    in_time = (
        assigned["dispositioned_at"].notna() & (assigned["dispositioned_at"] <= deadline)
    ).sum()
    return History(
        period=period.label,
        mqls_per_marketer=_per_head(pd.Series([len(mqls)]), marketers),
        conversion_pct=None if mqls.empty else 100.0 * won / len(mqls),
        opportunities_per_rep=_per_head(pd.Series([len(opportunities)]), reps),
        min_mqls_per_rep=None if reps == 0 else float(per_rep.min()),
        max_mqls_per_rep=None if reps == 0 else float(per_rep.max()),
        quality_pct=None
        if assigned.empty
        else 100.0 * int(assigned["sql_at"].notna().sum()) / len(assigned),
        disposition_in_window_pct=None if assigned.empty else 100.0 * int(in_time) / len(assigned),
    )
