"""The funnel: how many leads sit in each stage, and how MQL volume moves week by week."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

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


def weekly_mqls(leads: pd.DataFrame, ref: datetime, weeks: int = 12) -> pd.DataFrame:
    """MQLs per week (weeks start on Monday, UTC) for the `weeks` weeks up to `ref`."""
    stamp = pd.Timestamp(ref).tz_convert(UTC)
    this_week = (stamp - pd.Timedelta(days=stamp.weekday())).normalize()
    starts = pd.date_range(end=this_week, periods=weeks, freq="7D")
    mql_at = leads["mql_at"].dropna()
    mql_at = mql_at[(mql_at >= starts[0]) & (mql_at <= stamp)]
    week = (mql_at - pd.to_timedelta(mql_at.dt.weekday, unit="D")).dt.normalize()
    counts = week.value_counts().reindex(starts, fill_value=0)
    return pd.DataFrame({"week": starts, "mqls": counts.to_numpy(dtype="int64")})
