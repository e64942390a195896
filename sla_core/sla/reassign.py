"""Automatic reassignment (optional, in the agreement): a lead whose disposition is overdue
by `service.reminders.reassign_after_hours` goes to another active rep of the same team,
the one with the fewest open leads (a rep away today never receives one).

A reassignment never erases history: the clocks the previous owner had already breached
stay theirs (`kept_breaches`, counted by `levels.service_levels(..., kept=...)`)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import pandas as pd
from sqlmodel import Session, col, select

from sla_core.models import LeadEvent
from sla_core.stages import EventKind
from sla_core.store.memo import Memo
from sla_core.terms import AgreementContent

if TYPE_CHECKING:
    from sla_core.store.snapshot import Delta


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


KEPT_COLUMNS = ("lead_id", "owner_id", "clock", "since")
# A kept breach is recorded only by a reassignment (`leads.reassign`), which writes these
# columns of its lead: a write that leaves them alone (a touch) leaves the kept breaches.
KEPT_READS: tuple[str, ...] = ("owner_id", "assigned_at")


def kept_key(kept: pd.DataFrame | None) -> str:
    """The kept breaches as part of a memo key: figures counted with them change with them."""
    return "" if kept is None else kept.to_json(date_format="iso", date_unit="us")


def kept_breaches(*, session: Session, lead_ids: Sequence[int] | None = None) -> pd.DataFrame:
    """The breaches reassignments left with the owners who missed them (`leads.reassign`):
    lead_id, owner_id (who missed it), clock (disposition, work or follow_up) and since
    (when the obligation started: the period that counts it). Few rows: one per clock
    breached before a reassignment. `lead_ids`: only those leads' (an index lookup each,
    instead of reading every event). Rows in (lead_id, clock, since) order."""
    query = select(LeadEvent.lead_id, LeadEvent.actor_id, LeadEvent.reason, LeadEvent.since).where(
        col(LeadEvent.kind) == EventKind.BREACH.value
    )
    if lead_ids is not None:
        query = query.where(col(LeadEvent.lead_id).in_([int(i) for i in lead_ids]))
    frame = pd.DataFrame(session.exec(query).all(), columns=list(KEPT_COLUMNS))
    frame["since"] = pd.to_datetime(frame["since"], utc=True)
    return in_order(frame)


def in_order(kept: pd.DataFrame) -> pd.DataFrame:
    """Kept breaches in (lead_id, clock, since) order, numbered from 0."""
    return kept.sort_values(["lead_id", "clock", "since"], kind="mergesort").reset_index(drop=True)


def kept_updated(old: pd.DataFrame, lead_ids: Sequence[int], *, session: Session) -> pd.DataFrame:
    """`old` (`kept_breaches`) with the breaches of `lead_ids` read again: what
    `kept_breaches` gives when only those leads' events changed since `old` was read."""
    if not len(lead_ids):
        return old
    fresh = kept_breaches(session=session, lead_ids=lead_ids)
    rest = old[~old["lead_id"].isin(list(lead_ids))]
    if fresh.empty:
        return in_order(rest)
    return in_order(pd.concat([rest, fresh], ignore_index=True) if len(rest) else fresh)


def kept_of(*, session: Session, leads: pd.DataFrame, memo: Memo) -> pd.DataFrame:
    """`kept_breaches` once per data revision of the shared snapshot `leads` (whose memo
    `memo` is), and after a write only the changed leads' read again (`kept_updated`: a
    breach is recorded by a write that stamps its lead). The entry Compliance's views read
    (`ui.sla_data`), under the same key."""

    def update(old: pd.DataFrame, delta: Delta) -> pd.DataFrame:
        ids = leads["id"].to_numpy()[delta.positions]
        return kept_updated(old, [int(i) for i in ids], session=session)

    return memo(
        ("sla_kept_breaches",),
        lambda: kept_breaches(session=session),
        update=update,
        reads=KEPT_READS,  # a touch leaves them as they were
    )
