"""Gauge figures: each service level of each group as a value against its target, banded.

Targets are monthly figures from the agreement: percentages as they stand, counts times
the group's headcount (reps for opportunities and MQLs received, marketers for MQL
volume). Bands (green, amber, red) come from the agreement's service policy: attainment
of the target in percent, or for MQLs left unworked (goal 0) the largest count allowed.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
import pandas as pd

from sla_core.terms import AgreementContent, Band


class GaugeLevel(StrEnum):
    DISPOSITION = "disposition"
    WORKED = "worked"
    FOLLOW_UP = "follow_up"
    CONVERSION = "conversion"
    OPPORTUNITIES = "opportunities"
    UNWORKED = "unworked"
    MQL_VOLUME = "mql_volume"
    MQL_QUALITY = "mql_quality"


# What a marketer or a marketing team is measured on (no sales level is shown for them).
MARKETING_GAUGES = (GaugeLevel.MQL_VOLUME, GaugeLevel.MQL_QUALITY)

LEVEL_TITLES: dict[GaugeLevel, str] = {
    GaugeLevel.DISPOSITION: "Dispositioned within the window",
    GaugeLevel.WORKED: "Worked within the window",
    GaugeLevel.FOLLOW_UP: "Follow-up attempts made",
    GaugeLevel.CONVERSION: "Conversion",
    GaugeLevel.OPPORTUNITIES: "Opportunities opened",
    GaugeLevel.UNWORKED: "MQLs left unworked",
    GaugeLevel.MQL_VOLUME: "MQL volume",
    GaugeLevel.MQL_QUALITY: "MQL quality (accepted by sales)",
}
ALL_GROUP = "all"
# Levels that are percentages (the rest are counts).
PERCENT_LEVELS = frozenset(
    {
        GaugeLevel.DISPOSITION,
        GaugeLevel.WORKED,
        GaugeLevel.FOLLOW_UP,
        GaugeLevel.CONVERSION,
        GaugeLevel.MQL_QUALITY,
    }
)
GAUGE_COLUMNS = (
    "group", "level", "value", "target", "attainment", "band", "done", "due", "percent",
    "running", "won_in_period",
)  # fmt: skip
# The clocks still running behind each level (neither met nor breached yet).
RUNNING = {
    GaugeLevel.DISPOSITION: "disposition_running",
    GaugeLevel.WORKED: "worked_running",
    GaugeLevel.FOLLOW_UP: "follow_up_running",
    GaugeLevel.UNWORKED: "worked_running",
}


def _share(done: pd.Series, due: pd.Series) -> pd.Series:
    return (100.0 * done / due.where(due > 0)).astype("float64")


def _band(level: GaugeLevel, value: pd.Series, attainment: pd.Series, band: Band) -> pd.Series:
    """green / amber / red per group ("none" when nothing was due)."""
    colours = _colours(level, value.to_numpy(dtype="float64"), attainment.to_numpy(), band)
    return pd.Series(colours, index=value.index)


def _colours(
    level: GaugeLevel, value: np.ndarray, attainment: np.ndarray, band: Band
) -> np.ndarray:
    """`_band` on arrays."""
    if level is GaugeLevel.UNWORKED:
        colour = np.where(
            value <= float(band.green),
            "green",
            np.where(value <= float(band.amber), "amber", "red"),
        )
    else:
        colour = np.where(
            attainment >= float(band.green),
            "green",
            np.where(attainment >= float(band.amber), "amber", "red"),
        )
    return np.where(np.isnan(value), "none", colour)


def gauge_table(
    levels: pd.DataFrame,
    content: AgreementContent,
    *,
    reps: pd.Series,
    marketers: pd.Series,
    pace: float = 1.0,
) -> pd.DataFrame:
    """One row per group and level: value, target, attainment %, band, done, due, running.

    `levels`: a `service_levels` table; `reps` / `marketers`: headcount per group (same
    index; missing groups count 0). Attainment is value / target x 100 (100 when the
    target is 0); for MQLs left unworked it is 100 when none were left, else 0.
    `pace`: the share of the period gone (`pace_of`); count targets (MQL volume,
    opportunities) are judged against that share of the month's target while it runs.
    `running`: the clocks of the level still running (not judged yet); `won_in_period`
    (conversion only): the deals won in the period, shown beside the cohort rate.
    """
    spec = _measures(levels, content, reps=reps, marketers=marketers, pace=pace)
    policy = content.service
    size = len(levels)
    # one column of every level's rows each, built as arrays and framed once: a frame per
    # level cost more than the figures (the page asks again after every write)
    parts: dict[str, list[np.ndarray]] = {name: [] for name in GAUGE_COLUMNS[2:]}
    for level, (value, target, done, due) in spec.items():
        shown = np.asarray(value.to_numpy(dtype="float64", na_value=np.nan))
        goal = np.broadcast_to(np.asarray(target, dtype="float64"), (size,))
        if level is GaugeLevel.UNWORKED:
            attainment = np.where(shown <= 0, 100.0, 0.0)
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                share = np.where(goal > 0, 100.0 * shown / np.where(goal > 0, goal, 1.0), 100.0)
            attainment = np.where(np.isnan(shown), np.nan, share)
        parts["value"].append(shown)
        parts["target"].append(goal)
        parts["attainment"].append(attainment)
        parts["band"].append(_colours(level, shown, attainment, getattr(policy.bands, level.value)))
        parts["done"].append(done.to_numpy(dtype="int64"))
        parts["due"].append(due.to_numpy(dtype="int64"))
        parts["percent"].append(np.full(size, level in PERCENT_LEVELS))
        parts["running"].append(_running(levels, level))
        parts["won_in_period"].append(
            levels["won"].to_numpy(dtype="int64")
            if level is GaugeLevel.CONVERSION
            else np.zeros(size, dtype="int64")
        )
    count = len(spec)
    columns: dict[str, object] = {
        "group": levels.index[np.tile(np.arange(size), count)],
        "level": np.repeat([level.value for level in spec], size),
    }
    columns.update({name: np.concatenate(arrays) for name, arrays in parts.items()})
    return pd.DataFrame(columns, index=pd.RangeIndex(size * count))[list(GAUGE_COLUMNS)]


Measure = tuple[pd.Series, object, pd.Series, pd.Series]


def _running(levels: pd.DataFrame, level: GaugeLevel) -> np.ndarray:
    column = RUNNING.get(level)
    if column is None or column not in levels:
        return np.zeros(len(levels), dtype="int64")
    return np.asarray(levels[column].to_numpy(dtype="int64"))


def pace_of(start: pd.Timestamp, end: pd.Timestamp, ref: object) -> float:
    """The share of [start, end) gone at `ref`: 1 for a period that is over, 0 before it."""
    gone = (pd.Timestamp(ref) - start) / (end - start)
    return float(min(max(gone, 0.0), 1.0))


def _measures(
    levels: pd.DataFrame,
    content: AgreementContent,
    *,
    reps: pd.Series,
    marketers: pd.Series,
    pace: float = 1.0,
) -> dict[GaugeLevel, Measure]:
    """Per level: its value, its target (the agreement's), and the done and due counts."""
    policy, targets = content.service, content.targets
    heads = reps.reindex(levels.index, fill_value=0).astype("float64")
    sellers = marketers.reindex(levels.index, fill_value=0).astype("float64")
    volume_target = pace * np.where(
        sellers > 0, sellers * targets.mqls_per_marketer, heads * targets.min_mqls_per_rep
    )
    return {
        GaugeLevel.DISPOSITION: (
            _share(levels["dispositioned_in_time"], levels["disposition_due"]),
            float(policy.disposition_target_pct),
            levels["dispositioned_in_time"],
            levels["disposition_due"],
        ),
        GaugeLevel.WORKED: (
            _share(levels["worked_in_time"], levels["worked_due"]),
            float(policy.worked_target_pct),
            levels["worked_in_time"],
            levels["worked_due"],
        ),
        GaugeLevel.FOLLOW_UP: (
            _share(levels["follow_up_met"], levels["follow_up_due"]),
            float(policy.follow_up_target_pct),
            levels["follow_up_met"],
            levels["follow_up_due"],
        ),
        GaugeLevel.CONVERSION: (
            levels["conversion_pct"],
            float(targets.conversion_rate_pct),
            levels["converted"],
            levels["mqls_received"],
        ),
        GaugeLevel.OPPORTUNITIES: (
            levels["opportunities"].astype("float64"),
            heads * targets.opportunities_per_rep * pace,
            levels["opportunities"],
            levels["opportunities"],
        ),
        GaugeLevel.UNWORKED: (
            levels["unworked"].astype("float64"),
            0.0,
            levels["unworked"],
            levels["worked_due"],
        ),
        GaugeLevel.MQL_VOLUME: (
            levels["mqls"].astype("float64"),
            pd.Series(volume_target, index=levels.index),
            levels["mqls"],
            levels["mqls"],
        ),
    }


def marketing_gauge_table(
    levels: pd.DataFrame, content: AgreementContent, *, marketers: int, pace: float = 1.0
) -> pd.DataFrame:
    """Marketing's two gauges for one group (`levels`: a one-row `marketing_levels` table):
    MQL volume against the quota (`mqls_per_marketer` x `marketers`, pro-rated to `pace`)
    and MQL quality (share of the decided MQLs sales accepted) against `quality_pct`.
    Both use the MQL volume band of the agreement; `running` is the MQLs still undecided."""
    policy, targets = content.service, content.targets
    band = policy.bands.mql_volume
    row = levels.iloc[0] if len(levels) else pd.Series(0, index=levels.columns)
    volume = float(row["mqls"])
    quota = float(targets.mqls_per_marketer * marketers * pace)
    quality = float(row["quality_pct"]) if int(row["decided"]) else float("nan")
    goal = float(targets.quality_pct)
    rows = []
    for level, value, target, done, due, running in (
        (GaugeLevel.MQL_VOLUME, volume, quota, int(row["mqls"]), int(row["mqls"]), 0),
        (GaugeLevel.MQL_QUALITY, quality, goal, int(row["accepted"]), int(row["decided"]),
         int(row["undecided"])),
    ):  # fmt: skip
        attainment = (
            float("nan") if value != value else (100.0 * value / target if target else 100.0)
        )
        colour = _band(level, pd.Series([value]), pd.Series([attainment]), band).iloc[0]
        rows.append(
            {
                "group": ALL_GROUP,
                "level": level.value,
                "value": value,
                "target": target,
                "attainment": attainment,
                "band": colour,
                "done": done,
                "due": due,
                "percent": level in PERCENT_LEVELS,
                "running": running,
                "won_in_period": 0,
            }  # fmt: skip
        )
    return pd.DataFrame(rows, columns=list(GAUGE_COLUMNS))
