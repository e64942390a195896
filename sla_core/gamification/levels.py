"""The service levels points are earned on, per person, for one period.

Sales' levels come from `sla_core.sla.levels.service_levels` (the one place their rules
live, and the same input the Compliance page reads: a disposition counts when it was
made, with or without a recorded reason); this module hands it just the leads that touch
the period, and adds marketing's levels: MQLs produced and sales' acceptance of them.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

from sla_core.periods import Period
from sla_core.sla import levels as sla_levels
from sla_core.sla.levels import service_levels
from sla_core.terms import AgreementContent

ACCEPTED = sla_levels.ACCEPTED_STAGES
TURNED_DOWN = sla_levels.TURNED_DOWN_STAGES
# Every count of a period is keyed on one of these instants falling inside it.
MILESTONES = ("mql_at", "assigned_at", "opportunity_at", "closed_at")
# What the period counts read of a lead, once its clocks are known (`cohorts.conditions`:
# a re-qualified backlog lead is counted beside the month's new MQLs, not inside; the id
# finds the breaches a reassignment left with a previous owner).
COUNTED = ("id", "owner_id", "marketer_id", "stage", "requalified_at", *MILESTONES)


def counted_columns(leads: pd.DataFrame) -> pd.DataFrame:
    """Only the columns the period counts read, stage as a category (cheap to slice)."""
    return leads[[c for c in COUNTED if c in leads]].assign(stage=leads["stage"].astype("category"))


def touching(leads: pd.DataFrame, period: Period) -> np.ndarray:
    """Which leads have a counted milestone inside `period` (the others count for nothing)."""
    return period_masks(leads, [period])[0]


def period_masks(leads: pd.DataFrame, periods: list[Period]) -> list[np.ndarray]:
    """For each of `periods` (in order, not overlapping), which leads touch it.

    One binary search per milestone column over all the periods' bounds, instead of two
    comparisons per column and period: a year of months costs about what one month does.
    """
    order = np.argsort([p.start.value for p in periods])
    bounds = np.array(
        [[periods[i].start.value // 1000, periods[i].end.value // 1000] for i in order]
    ).ravel()
    touched = np.zeros((len(periods), len(leads)), dtype=bool)
    for column in MILESTONES:
        instants = leads[column].to_numpy(dtype="datetime64[us]")
        where = np.searchsorted(bounds, instants.astype(np.int64), side="right")
        inside = np.flatnonzero((where % 2 == 1) & ~np.isnat(instants))
        touched[order[np.minimum(where[inside] // 2, len(order) - 1)], inside] = True
    return list(touched)


def sales_levels(
    leads: pd.DataFrame,
    content: AgreementContent,
    period: Period,
    ref: datetime,
    clocks: pd.DataFrame,
    kept: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Sales' service levels per rep (indexed by owner id), from the leads touching `period`.

    `clocks`: those leads' clocks (`shared_clocks.clocks_for`); `kept`: the breaches reassignments left
    with the owners who missed them (`reassign.kept_breaches`), counted for those owners.
    """
    frame = service_levels(leads, content, period, ref, by="owner_id", clocks=clocks, kept=kept)
    frame.index = frame.index.astype("int64")
    return frame


def marketing_levels(leads: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Per marketer: MQLs produced in the period, and how many of them sales accepted
    (`sla.levels.marketing_levels`, the one place marketing's rules live).

    `marketing_dispositioned` is how many of those MQLs sales has decided on (accepted,
    disqualified or returned to nurture); the acceptance rate is accepted / decided.
    """
    table = sla_levels.marketing_levels(leads, period, by="marketer_id")
    out = table[["mqls", "accepted", "decided"]].rename(
        columns={"decided": "marketing_dispositioned"}
    )
    out.index = out.index.astype("int64").rename("marketer_id")
    return out.astype("int64")
