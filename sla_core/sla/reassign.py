"""Automatic reassignment (optional, in the agreement): a lead whose disposition is overdue
by `service.reminders.reassign_after_hours` goes to another active rep of the same team,
the one with the fewest open leads (a rep away today never receives one)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime

import pandas as pd

from sla_core.terms import AgreementContent


def overdue_for_reassignment(
    leads: pd.DataFrame, clocks: pd.DataFrame, content: AgreementContent, ref: datetime
) -> pd.DataFrame:
    """Leads still undispositioned `reassign_after_hours` after their deadline (or none)."""
    hours = content.service.reminders.reassign_after_hours
    if hours is None:
        return pd.DataFrame(columns=["lead_id", "owner_id", "overdue_hours"])
    late = (pd.Timestamp(ref) - clocks["disposition_deadline"]).dt.total_seconds() / 3600
    rows = clocks["disposition_running"].to_numpy(dtype=bool) & (late >= hours).to_numpy()
    rows &= leads["owner_id"].notna().to_numpy()
    return pd.DataFrame(
        {
            "lead_id": leads.loc[rows, "id"].astype("int64").to_numpy(),
            "owner_id": leads.loc[rows, "owner_id"].astype("int64").to_numpy(),
            "overdue_hours": late[rows].round(1).to_numpy(),
        }
    )


def plan_reassignment(
    overdue: pd.DataFrame,
    open_leads: Mapping[int, int],
    team_of: Mapping[int, int | None],
    reps: Collection[int],
    away: Collection[int],
) -> pd.DataFrame:
    """Who gets each overdue lead: the same team's available rep with the fewest open leads
    (counting the leads planned so far); leads with nobody to take them are left out."""
    load = {r: int(open_leads.get(r, 0)) for r in reps}
    planned = []
    for row in overdue.itertuples():
        team = team_of.get(int(row.owner_id))
        candidates = [r for r in reps if r != row.owner_id and r not in away
                      and team is not None and team_of.get(r) == team]  # fmt: skip
        if not candidates:
            continue
        chosen = min(candidates, key=lambda r: (load[r], r))
        load[chosen] += 1
        planned.append({"lead_id": int(row.lead_id), "from_owner": int(row.owner_id), "to_owner": chosen,
                        "overdue_hours": float(row.overdue_hours)})  # fmt: skip
    return pd.DataFrame(planned, columns=["lead_id", "from_owner", "to_owner", "overdue_hours"])
