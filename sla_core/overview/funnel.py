"""The funnel: how many leads sit in each stage, and how MQL volume moves week by week."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from sla_core.periods import zone_info
from sla_core.stages import STAGE_LABELS, Stage


def stage_counts(leads: pd.DataFrame) -> pd.DataFrame:
    """Leads per current stage, in lifecycle order (every stage listed, zeros included)."""
    order = list(Stage)
    counts = leads["stage"].value_counts().reindex([s.value for s in order], fill_value=0)
    return pd.DataFrame(
        {
            "stage": [s.value for s in order],
            "label": [STAGE_LABELS[s] for s in order],
            "leads": counts.to_numpy(dtype="int64"),
        }
    )


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def weekly_mqls(
    leads: pd.DataFrame,
    ref: datetime,
    weeks: int = 12,
    *,
    zone: str = "UTC",
    week_start: str = "monday",
) -> pd.DataFrame:
    """MQLs per week for the `weeks` weeks up to `ref`; weeks start at local midnight of
    `week_start` (the organisation's: Saturday for Persian teams) in `zone`."""
    first = WEEKDAYS.index(str(week_start).lower())
    stamp = pd.Timestamp(ref).tz_convert(zone_info(zone))
    this_week = (stamp - pd.Timedelta(days=(stamp.weekday() - first) % 7)).normalize()
    starts = pd.date_range(end=this_week, periods=weeks, freq="7D")
    mql_at = leads["mql_at"].dropna().dt.tz_convert(zone_info(zone))
    mql_at = mql_at[(mql_at >= starts[0]) & (mql_at <= stamp)]
    back = pd.to_timedelta((mql_at.dt.weekday - first) % 7, unit="D")
    week = (mql_at - back).dt.normalize()
    counts = week.value_counts().reindex(starts, fill_value=0)
    return pd.DataFrame({"week": starts, "mqls": counts.to_numpy(dtype="int64")})
