"""A manager's bonus or correction: points with a reason, for one person and period, audited."""

from __future__ import annotations

import pandas as pd
from sqlmodel import Session, col, select

from sla_core import audit
from sla_core.access import Permission, PermissionDenied, require, side_of
from sla_core.db import checked_text
from sla_core.models import PointAdjustment, Role, User
from sla_core.periods import Period

PLAYERS = frozenset({Role.SALES_REP, Role.MARKETER})
MAX_POINTS = 100  # one bonus or correction moves a standing this much at most
REASON_LIMIT = 500


class AdjustmentError(ValueError):
    """A bonus or correction that cannot be recorded, said in words."""


def add_adjustment(
    *,
    session: Session,
    period: Period,
    user_id: int,
    points: int,
    reason: str,
    actor: User,
) -> PointAdjustment:
    """Give (or take, with negative points) points to a person for a period, with a reason.

    Only managers may; the reason is required; the entry is audited and shows on the board.
    """
    require(actor, Permission.MANAGE_POINTS)
    if not (reason or "").strip():
        raise AdjustmentError("a bonus or correction needs a reason: say why, in a sentence")
    reason = checked_text(reason, field="reason", limit=REASON_LIMIT)
    if points == 0 or abs(points) > MAX_POINTS:
        raise AdjustmentError(f"points must be between -{MAX_POINTS} and {MAX_POINTS}, not 0")
    person = session.get(User, user_id)
    if person is None:
        raise AdjustmentError(f"there is no person with id {user_id}")
    if Role(person.role) not in PLAYERS:
        raise AdjustmentError(f"{person.name} is not a sales rep or marketer: no points to adjust")
    if actor.id is not None and actor.id == user_id:
        raise AdjustmentError("nobody may adjust their own points")
    if Role(actor.role) is not Role.ADMIN and side_of(actor.role) != side_of(person.role):
        raise PermissionDenied(
            f"{actor.name} manages the {side_of(actor.role)} side: {person.name}'s points "
            "are for their own side's manager (or an admin) to adjust"
        )
    entry = PointAdjustment(
        period=period.label,
        calendar=period.calendar.value,
        user_id=user_id,
        points=points,
        reason=reason.strip(),
        actor_id=actor.id,
    )
    session.add(entry)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="point_adjustment",
        entity="pointadjustment",
        entity_id=entry.id,
        detail=f"{points:+d} points to {person.name} for {period.label}: {entry.reason}",
    )
    session.flush()
    return entry


def adjustments_for(*, session: Session, period: Period) -> pd.DataFrame:
    """Every adjustment of `period`: user_id, points, reason, actor_id, at (oldest first)."""
    rows = session.exec(
        select(PointAdjustment)
        .where(
            PointAdjustment.period == period.label,
            PointAdjustment.calendar == period.calendar.value,
        )
        .order_by(col(PointAdjustment.id))
    ).all()
    return pd.DataFrame(
        {
            "id": [r.id for r in rows],
            "user_id": [r.user_id for r in rows],
            "points": [r.points for r in rows],
            "reason": [r.reason for r in rows],
            "actor_id": [r.actor_id for r in rows],
            "at": [r.at for r in rows],
        },
        columns=["id", "user_id", "points", "reason", "actor_id", "at"],
    )


def points_by_person(adjustments: pd.DataFrame) -> pd.Series:
    """Total adjustment points per user id."""
    if adjustments.empty:
        return pd.Series(dtype="int64")
    return adjustments.groupby("user_id")["points"].sum().astype("int64")
