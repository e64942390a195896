"""Routing against the database: read the queue and the reps' loads, plan, then apply.

Applying is set-based and safe beside other writers: the planned pairs are staged in a
temporary table and one UPDATE ... WHERE owner_id IS NULL AND stage = 'mql' claims them,
so a lead someone assigned meanwhile is skipped; one INSERT ... SELECT logs an "assigned"
event for exactly the rows this run claimed (actor: the new owner, as the history does).
"""

from __future__ import annotations

from collections.abc import Collection, Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, col, select

from sla_core import agreement, audit
from sla_core.access import Permission, require
from sla_core.clock import UTCTimestamp, now, to_micros
from sla_core.marketing import routing
from sla_core.models import Lead, Role, User
from sla_core.org import load_org_settings
from sla_core.people.roster import counts as counted_people
from sla_core.periods import Period, month_containing, zone_info
from sla_core.scoring import score_leads
from sla_core.sla.handoff import current_rules_id
from sla_core.sla.worktime import load_work_time
from sla_core.stages import EventKind, Stage
from sla_core.store.bulk import read_arrow, stage_int_rows
from sla_core.store.memo import Memo
from sla_core.terms import CriterionField

PROFILE = ", ".join(f.value for f in CriterionField)


class NoRepAvailable(ValueError):
    """Nobody can receive leads: no active sales rep, or every one is away."""


@dataclass(frozen=True)
class RouteResult:
    """A routing run: the assignments (planned, or made) and each rep's load."""

    assignments: pd.DataFrame
    reps: pd.DataFrame
    waiting: int
    assigned: int
    dry_run: bool

    def summary(self) -> str:
        verb = "would be assigned" if self.dry_run else "assigned"
        left = self.waiting - self.assigned
        tail = f"; {left:,} left unassigned (every rep at the monthly max)" if left > 0 else ""
        return f"{self.assigned:,} of {self.waiting:,} unassigned MQLs {verb}{tail}"


def unassigned_mqls(engine: Engine, mql: Any) -> pd.DataFrame:
    """Unassigned MQLs with their score under `mql` and the instant they became MQL."""
    sql = (
        f"SELECT id, COALESCE(mql_at, created_at) AS since, {PROFILE} FROM lead"
        f" WHERE stage = '{Stage.MQL}' AND owner_id IS NULL"
    )
    frame = read_arrow(engine, sql).to_pandas()
    out = pd.DataFrame({"id": frame["id"].astype("int64"), "since": frame["since"]})
    out["score"] = score_leads(frame, mql).to_numpy() if len(frame) else 0
    return out


def away_now(*, session: Session, ref: datetime) -> set[int]:
    """The people whose stored away period covers today (the org's local date)."""
    today = ref.astimezone(zone_info(load_org_settings(session=session).time_zone)).date()
    periods = load_work_time(session=session).away
    return {a.user_id for a in periods if a.start <= today <= a.end}


def rep_loads(*, session: Session, away: Collection[int], ref: datetime) -> pd.DataFrame:
    """Active, placed reps who are not away: id, name and `month`, the leads assigned to
    them this month (the month containing `ref` in the organisation's zone and calendar:
    the agreement's cap is "per rep per month"). Placed (`people.placed`): in a team or
    able to sign in; a person an import created has neither and could not see the leads
    routed to them."""
    people = session.exec(
        select(User.id, User.name).where(col(User.role) == Role.SALES_REP.value, counted_people())
    ).all()
    reps = pd.DataFrame(people, columns=["id", "name"]).astype({"id": "int64"})
    reps = reps[~reps["id"].isin(list(away))].sort_values("id", ignore_index=True)
    month = _month(session, ref)
    # The range alone goes through the (assigned_at, owner_id) index; counted per owner
    # directly (GROUP BY owner_id), SQLite walked every owned lead instead: 1.4 s at 1M.
    # The ordered subquery keeps it from being flattened back into that plan.
    counts = (
        session.connection()
        .execute(
            text(
                "SELECT owner_id, COUNT(*)"
                " FROM (SELECT owner_id, assigned_at FROM lead"
                " WHERE assigned_at >= :start AND assigned_at < :end"
                " ORDER BY assigned_at) AS recent"
                " WHERE owner_id IS NOT NULL GROUP BY owner_id"
            ),
            {
                "start": to_micros(month.start.to_pydatetime()),
                "end": to_micros(month.end.to_pydatetime()),
            },
        )
        .all()
    )
    loads = pd.DataFrame(counts, columns=["id", "month"]).astype({"id": "int64", "month": "int64"})
    reps = reps.merge(loads, on="id", how="left").fillna({"month": 0})
    return reps.astype({"month": "int64"})


def _month(session: Session, ref: datetime) -> Period:
    settings = load_org_settings(session=session)
    return month_containing(ref, zone=settings.time_zone, calendar=settings.calendar)


# The lead columns the backlog and the reps' monthly loads count (`backlog`, `rep_loads`):
# a write that leaves them alone (a touch) leaves both as they were.
HAND_OFF_READS: tuple[str, ...] = ("owner_id", "assigned_at", "stage", "mql_at", "created_at")


def reps_over_cap(*, session: Session, ref: datetime | None = None) -> pd.DataFrame:
    """Active, placed reps holding more than the agreement's monthly max this month
    (id, name, month, over); away reps included: the month counts for them too."""
    ref = ref or now()
    max_cap = agreement.governing_version(session=session).content.targets.max_mqls_per_rep
    return routing.over_cap(rep_loads(session=session, away=(), ref=ref), max_cap)


@dataclass(frozen=True)
class Backlog:
    """The unassigned MQLs waiting for a rep: how many, and since when the oldest waits."""

    count: int
    oldest: datetime | None
    ref: datetime

    @property
    def oldest_age_days(self) -> float | None:
        """How long the oldest has waited, in days (None when nothing waits)."""
        if self.oldest is None:
            return None
        return (self.ref - self.oldest).total_seconds() / 86_400


def backlog(*, session: Session, ref: datetime | None = None) -> Backlog:
    """The unassigned backlog: MQLs with no owner, and the instant the oldest became one."""
    since = func.coalesce(col(Lead.mql_at), col(Lead.created_at), type_=UTCTimestamp())
    count, oldest = session.exec(
        select(func.count(), func.min(since)).where(
            col(Lead.stage) == Stage.MQL.value, col(Lead.owner_id).is_(None)
        )
    ).one()
    return Backlog(int(count), oldest, ref or now())


def _apply(conn: Connection, pairs: pd.DataFrame, actor: User, rules_id: int) -> int:
    """Claim the planned leads still unassigned, under the rules in force (`rules_id`)."""
    rows = zip(*(pairs[c].tolist() for c in ("lead_id", "rep_id", "score")), strict=True)
    stage_int_rows(conn, "route_rows", ("id", "rep", "score"), rows)
    at = to_micros(now())
    claimed = conn.execute(
        text(
            "UPDATE lead SET owner_id = r.rep, assigned_at = :at, updated_at = :at,"
            " handoff_rules_id = :rules FROM route_rows AS r"
            f" WHERE lead.id = r.id AND lead.owner_id IS NULL AND lead.stage = '{Stage.MQL}'"
        ),
        {"at": at, "rules": rules_id},
    ).rowcount
    conn.execute(
        text(
            "INSERT INTO leadevent (lead_id, at, kind, actor_id, owner_id, note)"
            f" SELECT lead.id, :at, '{EventKind.ASSIGNED}', r.rep, r.rep,"
            " CAST(:note AS TEXT) || CAST(r.score AS TEXT)"
            " FROM lead JOIN route_rows AS r ON r.id = lead.id"
            " WHERE lead.assigned_at = :at AND lead.owner_id = r.rep"
        ),
        {"at": at, "note": f"routed by {actor.username}, score "},
    )
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("DELETE FROM route_rows")
    return int(claimed)


ROUTING_LOCK = 6_010_042  # an arbitrary key: one routing run at a time on PostgreSQL


def _one_run_at_a_time(session: Session) -> None:
    """Hold the write lock before reading loads, so two runs cannot both fill one rep's room.

    Two runs planned from the same loads would each stay within a rep's cap and together
    pass it; so the second waits for the first and then reads its assignments.
    """
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ROUTING_LOCK})
        return
    raw: Any = conn.connection.driver_connection
    if not raw.in_transaction:
        raw.execute("BEGIN IMMEDIATE")


def route(
    *,
    session: Session,
    actor: User,
    away: Collection[int] | None = None,
    dry_run: bool = False,
    ref: datetime | None = None,
) -> RouteResult:
    """Assign unassigned MQLs to active reps within their caps (a dry run only plans).

    `away`: the reps to skip; None means those whose stored away period covers today.
    """
    require(actor, Permission.ROUTE_LEADS)
    if not dry_run:
        _one_run_at_a_time(session)
    ref = ref or now()
    if away is None:
        away = away_now(session=session, ref=ref)
    content = agreement.governing_version(session=session).content
    reps = rep_loads(session=session, away=away, ref=ref)
    if reps.empty:
        raise NoRepAvailable(
            "no active sales rep can receive leads (none exists, or every one is away): "
            "nothing was assigned"
        )
    queue = unassigned_mqls(session.get_bind(), content.mql)  # type: ignore[arg-type]
    t = content.targets
    pairs = routing.plan(queue, reps, t.min_mqls_per_rep, t.max_mqls_per_rep)
    planned = routing.summary(pairs, reps)
    if dry_run or pairs.empty:
        return RouteResult(pairs, planned, len(queue), len(pairs), dry_run)
    claimed = _apply(session.connection(), pairs, actor, current_rules_id(session=session))
    result = RouteResult(pairs, planned, len(queue), claimed, False)
    audit.record(
        session=session, actor=actor, action="route_leads", entity="lead", detail=result.summary()
    )
    return result


def spread(result: RouteResult) -> int:
    """The gap between the most and least loaded rep after routing (fairness at a glance)."""
    after = result.reps["load_after"].to_numpy(dtype=np.int64)
    return int(after.max() - after.min()) if len(after) else 0


def preview(
    *,
    session: Session,
    actor: User,
    away: Collection[int],
    memo: Memo,
    seen: Hashable,
) -> RouteResult:
    """The dry run of `route` (its reps' loads scan every assigned lead: 1.4 s with a
    million), once per data revision, away set, `seen` and minute (the month turns at a
    minute in the organisation's zone) in the shared `memo`.

    `seen`: what the plan depends on beside the leads (the agreement version, the reps,
    the organisation's zone and calendar). The permission is checked before the memo: a
    plan memoised for a manager never reaches someone who may not route.
    """
    require(actor, Permission.ROUTE_LEADS)
    return memo(
        ("routing_preview", seen, tuple(sorted(away))),
        lambda: route(session=session, actor=actor, away=set(away), dry_run=True),
        stamp=int(now().timestamp() // 60),
    )
