"""Revenue: won value, pipeline value, average deal, win rate and sales cycle, counted by close date.

The one computation behind the Reports and Overview revenue sections, the `revenue` command
and the reverse-funnel calculator's default deal size. Rules (README "Revenue"):

- A deal is *won* (or *lost*) in a period when its stage is won (lost) and its close date
  (`closed_at`) falls in the period; `won_value` sums the deal values of the won deals.
- `pipeline_value` is the value of the opportunities open **at the period's end** (now, for
  a running period): a lead at stage opportunity, won or lost whose opportunity began before
  the end (`opportunity_at`, else its creation) and that was not closed before the end.
- `avg_deal` = won value ÷ won deals; `win_rate_pct` = won ÷ (won + lost) closed in the
  period, in per cent (empty when none closed, so never above 100 %).
- `cycle_days` = the median number of days from the lead's creation to its close, over the
  deals won in the period (a close stamped before the creation is a data error, left out).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sla_core.access import Permission, require
from sla_core.models import User
from sla_core.periods import (
    Calendar,
    Period,
    PeriodKind,
    labels_of,
    month_containing,
    parse_period,
    quarter_containing,
)
from sla_core.stages import Stage
from sla_core.store.memo import Memo

BY = ("rep", "team", "source")
NONE_LABEL = "(none)"
UNASSIGNED = "(unassigned)"
NO_TEAM = "(no team)"
COLUMNS = (
    "group",
    "won",
    "lost",
    "won_value",
    "open",
    "pipeline_value",
    "avg_deal",
    "win_rate_pct",
    "cycle_days",
)
_DAY = 86_400.0
# The snapshot columns revenue reads.
READS = ("stage", "deal_value", "created_at", "opportunity_at", "closed_at", "owner_id", "source")
_DEAL_STAGES = (Stage.OPPORTUNITY.value, Stage.WON.value, Stage.LOST.value)


@dataclass(frozen=True)
class Revenue:
    """One group's (or everyone's) revenue figures in a period; None where nothing counts."""

    won: int
    lost: int
    won_value: float
    open: int
    pipeline_value: float
    avg_deal: float | None
    win_rate_pct: float | None
    cycle_days: float | None


def require_reader(actor: User) -> None:
    """Revenue is read by those who may read the Reports: whoever may see every lead."""
    require(actor, Permission.VIEW_ALL_LEADS)


def memo_figures(
    leads: pd.DataFrame,
    period: Period,
    by: str,
    people: pd.DataFrame,
    *,
    team: str | None,
    actor: User,
    memo: Memo,
) -> tuple[Revenue, pd.DataFrame]:
    """The period's totals and its table by `by` (one team's leads only when `team` is
    given), once per data revision (`memo`), for those who may read revenue (checked first)."""
    require_reader(actor)
    staff = tuple(zip(people["id"], people["name"], people["team"], strict=True))

    def compute() -> tuple[Revenue, pd.DataFrame]:
        chosen = deal_rows(leads)
        if team is not None:
            chosen = chosen[group_labels(chosen, "team", people) == team]
        return totals(chosen, period), revenue_table(chosen, period, by, people)

    # a write that changes none of the columns revenue reads (a call logged) keeps the figures
    return memo(("revenue", period.start, period.end, by, team, staff), compute, reads=READS)


def deals(leads: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Per lead: won or lost in `period`, open at its end, its value and its cycle in days."""
    stage = leads["stage"]
    closed_at = leads["closed_at"]
    value = pd.to_numeric(leads["deal_value"], errors="coerce").astype("float64")
    closed_in = period.contains(closed_at)
    won = (stage == Stage.WON.value).fillna(False).astype(bool) & closed_in
    lost = (stage == Stage.LOST.value).fillna(False).astype(bool) & closed_in
    began = leads["opportunity_at"].fillna(leads["created_at"])
    on_path = stage.isin(_DEAL_STAGES)
    still_open = closed_at.isna() | (closed_at >= period.end)
    is_open = (on_path & (began < period.end) & still_open).fillna(False).astype(bool)
    cycle = (closed_at - leads["created_at"]).dt.total_seconds() / _DAY
    return pd.DataFrame(
        {
            "won": won,
            "lost": lost,
            "won_value": value.where(won, 0.0).fillna(0.0),
            "open": is_open,
            "pipeline_value": value.where(is_open, 0.0).fillna(0.0),
            "cycle_days": cycle.where(won & (cycle >= 0)),
        },
        index=leads.index,
    )


def deal_rows(leads: pd.DataFrame) -> pd.DataFrame:
    """The leads that can count at all: those at stage opportunity, won or lost (a fraction
    of a big snapshot; everything below reads only them)."""
    keep = leads["stage"].isin(_DEAL_STAGES).fillna(False).astype(bool).to_numpy()
    return leads.loc[keep, [c for c in READS if c in leads]]


def revenue_table(
    leads: pd.DataFrame, period: Period, by: str, people: pd.DataFrame
) -> pd.DataFrame:
    """`revenue_by` per rep, team or source (`group_labels`), labelling the deals only."""
    rows = deal_rows(leads)
    return revenue_by(rows, period, group_labels(rows, by, people))


def revenue_by(leads: pd.DataFrame, period: Period, groups: pd.Series) -> pd.DataFrame:
    """Per group (rows with a deal won, lost or open): the revenue figures (`COLUMNS`),
    largest won value first, then by name."""
    keep = leads["stage"].isin(_DEAL_STAGES).fillna(False).astype(bool)
    leads, groups = leads[keep], groups[keep]
    frame = deals(leads, period)
    frame["group"] = groups.astype("string").fillna(NONE_LABEL)
    active = frame[frame["won"] | frame["lost"] | frame["open"]]
    if active.empty:
        return pd.DataFrame({name: pd.Series(dtype="float64") for name in COLUMNS}).astype(
            {"group": "string", "won": "int64", "lost": "int64", "open": "int64"}
        )
    grouped = active.groupby("group", sort=True)
    out = grouped[["won", "lost", "open"]].sum().astype("int64")
    out["won_value"] = grouped["won_value"].sum()
    out["pipeline_value"] = grouped["pipeline_value"].sum()
    out["cycle_days"] = grouped["cycle_days"].median()
    out = out.reset_index()
    out["avg_deal"] = out["won_value"] / out["won"].where(out["won"] > 0)
    closed = out["won"] + out["lost"]
    out["win_rate_pct"] = out["won"] * 100.0 / closed.where(closed > 0)
    out = out.sort_values(["won_value", "group"], ascending=[False, True], ignore_index=True)
    return out[list(COLUMNS)]


def totals(leads: pd.DataFrame, period: Period) -> Revenue:
    """Everyone's revenue figures in `period` (the same computation as one group)."""
    rows = deal_rows(leads)
    table = revenue_by(rows, period, pd.Series("all", index=rows.index, dtype="string"))
    if table.empty:
        return Revenue(0, 0, 0.0, 0, 0.0, None, None, None)
    row = table.iloc[0]
    return Revenue(
        won=int(row["won"]),
        lost=int(row["lost"]),
        won_value=float(row["won_value"]),
        open=int(row["open"]),
        pipeline_value=float(row["pipeline_value"]),
        avg_deal=_maybe(row["avg_deal"]),
        win_rate_pct=_maybe(row["win_rate_pct"]),
        cycle_days=_maybe(row["cycle_days"]),
    )


def _maybe(value: object) -> float | None:
    return None if pd.isna(value) else float(value)  # type: ignore[arg-type]


def group_labels(leads: pd.DataFrame, by: str, people: pd.DataFrame) -> pd.Series:
    """The group each lead falls in: its owner's name, its owner's team, or its source.

    `people` is a `people_frame` (id, name, team). Leads without an owner read
    "(unassigned)", owners outside every team "(no team)", leads without a source "(none)".
    """
    if by not in BY:
        raise ValueError(f"cannot group revenue by {by!r}: use one of {', '.join(BY)}")
    if by == "source":
        return leads["source"].astype("string").fillna(NONE_LABEL)
    column = "name" if by == "rep" else "team"
    lookup: Mapping[int, object] = dict(zip(people["id"], people[column], strict=True))
    # one label per owner, then taken for each lead: a deal-heavy period at a million leads
    # has 200,000 deal rows, and text built row by row cost 50-100 ms of its revenue figures
    codes, owners = pd.factorize(leads["owner_id"].astype("Int64"))

    def label(owner: int) -> str:
        found = lookup.get(owner)
        if found is not None and not pd.isna(found):
            return str(found)
        return NO_TEAM if by == "team" else f"user {owner}"

    labels = pd.array([*(label(int(o)) for o in owners), UNASSIGNED], dtype="string")
    at = np.where(codes < 0, len(owners), codes)  # no owner: the last label
    return pd.Series(labels.take(at), index=leads.index, dtype="string")


def memo_period_choices(
    leads: pd.DataFrame,
    kind: PeriodKind,
    ref: pd.Timestamp,
    *,
    zone: str,
    calendar: Calendar,
    actor: User,
    memo: Memo,
) -> list[Period]:
    """`period_choices` once per data revision and running period (`memo`), for those who
    may read revenue (checked first)."""
    require_reader(actor)
    containing = month_containing if kind is PeriodKind.MONTH else quarter_containing
    running = containing(ref, zone=zone, calendar=calendar)
    return memo(
        ("revenue.periods", kind, zone, calendar),
        lambda: period_choices(leads, kind, ref, zone=zone, calendar=calendar),
        stamp=running.label,
        reads=("stage", "closed_at"),
    )


def period_choices(
    leads: pd.DataFrame,
    kind: PeriodKind,
    ref: pd.Timestamp,
    *,
    zone: str = "UTC",
    calendar: Calendar = Calendar.GREGORIAN,
) -> list[Period]:
    """The months or quarters worth reading, newest first: the running one and every one in
    which a deal closed (in the organisation's zone and calendar)."""
    closed = leads["stage"].isin([Stage.WON.value, Stage.LOST.value]) & leads["closed_at"].notna()
    stamps = leads.loc[closed.fillna(False).astype(bool), "closed_at"]
    # every zone's offset is a multiple of 15 minutes: the quarter-hours keep each local day
    stamps = stamps[stamps <= ref].dt.floor("15min").drop_duplicates()
    labels: set[str] = set()
    if len(stamps):  # labels_of cannot label an empty column
        labels = set(labels_of(stamps, kind, zone=zone, calendar=calendar).dropna().astype(str))
    containing = month_containing if kind is PeriodKind.MONTH else quarter_containing
    running = containing(ref, zone=zone, calendar=calendar)
    found = [parse_period(label, zone=zone, calendar=calendar) for label in labels]
    return sorted({running, *found}, key=lambda p: p.start, reverse=True)
