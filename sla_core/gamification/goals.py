"""Percent-to-goal per person and service level: the fair footing points are earned on.

Input is a service-levels frame (one row per person, the integer counts of
`sla.levels.service_levels`, plus `mqls`/`accepted`/`marketing_dispositioned` for
marketers) and the agreement's targets. Rates (disposition, worked, follow-up,
conversion, acceptance) are already per lead. Volume goals (opportunities, MQL volume)
are scaled to the person's share of the period (someone who joined mid-month owes part
of a month) and opportunities also to their lead load (a rep with half the minimum MQL
load owes half the opportunities), so small and large books compete fairly.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

from sla_core.terms import AgreementContent, PointLevel

# PointLevel -> (count met, count due) for the rates measured per lead.
RATE_COLUMNS: dict[PointLevel, tuple[str, str]] = {
    PointLevel.DISPOSITION: ("dispositioned_in_time", "disposition_due"),
    PointLevel.WORKED: ("worked_in_time", "worked_due"),
    PointLevel.FOLLOW_UP: ("follow_up_met", "follow_up_due"),
    PointLevel.ACCEPTANCE: ("accepted", "marketing_dispositioned"),
}

LONG_COLUMNS = ["subject_id", "level", "actual", "goal", "pct_to_goal", "due"]


@dataclass(frozen=True)
class Footing:
    """What one period asks: its length in months and each person's share of it."""

    months: int | pd.Series  # per subject when periods of both kinds are scored together
    present_share: pd.Series  # index subject_id -> 0..1 share of the period they were here


def _rate_goal(content: AgreementContent, level: PointLevel) -> Decimal:
    """The target rate of a per-lead level: sales' from the service policy, marketing's quality."""
    policy = content.service
    return {
        PointLevel.DISPOSITION: policy.disposition_target_pct,
        PointLevel.WORKED: policy.worked_target_pct,
        PointLevel.FOLLOW_UP: policy.follow_up_target_pct,
        PointLevel.ACCEPTANCE: content.targets.quality_pct,
    }[level]


def _column(levels: pd.DataFrame, name: str) -> pd.Series:
    if name not in levels.columns:
        return pd.Series(0.0, index=levels.index)
    return pd.to_numeric(levels[name], errors="coerce").fillna(0).astype("float64")


def _pct(part: pd.Series, whole: pd.Series) -> pd.Series:
    return (100.0 * part / whole.where(whole > 0)).astype("float64")


def _block(level: PointLevel, actual: pd.Series, goal: pd.Series, due: pd.Series) -> pd.DataFrame:
    goal = goal.astype("float64")
    ratio = np.where(goal > 0, 100.0 * actual / goal.where(goal > 0), 100.0)
    return pd.DataFrame(
        {
            "subject_id": actual.index.to_numpy(),
            "level": level.value,
            "actual": actual.to_numpy(dtype="float64"),
            "goal": goal.to_numpy(),
            "pct_to_goal": np.where(actual.isna(), np.nan, ratio),
            "due": due.to_numpy(dtype="int64"),
        }
    )


def percent_to_goal(
    levels: pd.DataFrame, content: AgreementContent, footing: Footing, wanted: set[PointLevel]
) -> pd.DataFrame:
    """One row per (person, level): the actual figure, the goal, percent-to-goal, leads due.

    `levels` is indexed by subject id. A level with nothing due has a missing actual and
    is not scored later. Levels not in `wanted` are left out.
    """
    targets = content.targets
    share = footing.present_share.reindex(levels.index).fillna(1.0).clip(0.0, 1.0)
    months = (
        footing.months.reindex(levels.index).fillna(1)
        if isinstance(footing.months, pd.Series)
        else pd.Series(footing.months, index=levels.index)
    ).astype("float64")
    blocks = []
    for level, (met_col, due_col) in RATE_COLUMNS.items():
        if level in wanted:
            due = _column(levels, due_col)
            goal = float(_rate_goal(content, level))
            actual = _pct(_column(levels, met_col), due)
            blocks.append(_block(level, actual, pd.Series(goal, index=levels.index), due))
    received = _column(levels, "mqls_received")
    if PointLevel.CONVERSION in wanted:
        actual = (
            _column(levels, "conversion_pct").where(received > 0)
            if "conversion_pct" in levels.columns
            else _pct(_column(levels, "converted"), received)  # the cohort won so far
        )
        goal = pd.Series(float(targets.conversion_rate_pct), index=levels.index)
        blocks.append(_block(PointLevel.CONVERSION, actual, goal, received))
    if PointLevel.OPPORTUNITIES in wanted:
        minimum_load = max(targets.min_mqls_per_rep, 1) * months * share
        load = (received / minimum_load.where(minimum_load > 0)).clip(upper=1.0).fillna(0.0)
        goal = np.ceil(targets.opportunities_per_rep * months * load)
        actual = _column(levels, "opportunities").where(received > 0)
        blocks.append(_block(PointLevel.OPPORTUNITIES, actual, goal, received))
    if PointLevel.MQL_VOLUME in wanted:
        produced = _column(levels, "mqls")
        goal = np.ceil(targets.mqls_per_marketer * months * share)
        # A marketer is due on volume for every day they were with us.
        due = (share > 0).astype("int64")
        blocks.append(_block(PointLevel.MQL_VOLUME, produced.where(due > 0), goal, due))
    if not blocks:
        return pd.DataFrame(columns=LONG_COLUMNS)
    return pd.concat(blocks, ignore_index=True)
