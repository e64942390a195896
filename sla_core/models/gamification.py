"""Points: managers' adjustments, closed periods, their standings and badges."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from sla_core.clock import UTCTimestamp, now


class PointAdjustment(SQLModel, table=True):
    """A manager's bonus (or correction, negative) to one person's points in one period."""

    id: int | None = Field(default=None, primary_key=True)
    period: str = Field(max_length=20, index=True)  # "2026-05", "2026-Q2", "1405-02"
    calendar: str = Field(max_length=20)
    user_id: int = Field(foreign_key="user.id")
    points: int
    reason: str = Field(sa_type=Text)
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    at: datetime = Field(default_factory=now, sa_type=UTCTimestamp)


class PeriodClose(SQLModel, table=True):
    """A period's standings as closed; a later revision only when the period's data changed."""

    __table_args__ = (UniqueConstraint("period", "calendar", "revision"),)

    id: int | None = Field(default=None, primary_key=True)
    period: str = Field(max_length=20)
    calendar: str = Field(max_length=20)
    revision: int
    version_id: int | None = Field(default=None, foreign_key="agreementversion.id")
    version_number: int | None = None
    fingerprint: str = Field(max_length=64)
    change: str | None = Field(default=None, sa_type=Text)  # JSON: what moved since the last
    closed_at: datetime = Field(default_factory=now, sa_type=UTCTimestamp)
    closed_by: int | None = Field(default=None, foreign_key="user.id")


class ClosedStanding(SQLModel, table=True):
    """One row of a closed period's standings (a person or a team), with its metrics."""

    id: int | None = Field(default=None, primary_key=True)
    close_id: int = Field(foreign_key="periodclose.id", index=True)
    kind: str = Field(max_length=10)  # person | team
    subject_id: int
    name: str = Field(max_length=200)
    team_id: int | None = None
    rank: int
    points: float
    metrics: str = Field(sa_type=Text)  # JSON


class BadgeAward(SQLModel, table=True):
    """A badge earned in a closed period."""

    __table_args__ = (UniqueConstraint("close_id", "user_id", "badge"),)

    id: int | None = Field(default=None, primary_key=True)
    close_id: int = Field(foreign_key="periodclose.id", index=True)
    period: str = Field(max_length=20)
    user_id: int = Field(foreign_key="user.id", index=True)
    badge: str = Field(max_length=40)
    tier: str = Field(max_length=10)
    detail: str | None = Field(default=None, max_length=300)
