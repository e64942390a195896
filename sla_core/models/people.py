"""People and their access: settings, teams, users, sign-in sessions and the audit trail."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import String, Text
from sqlmodel import Field, SQLModel

from sla_core.clock import UTCTimestamp, now
from sla_core.i18n.languages import N_
from sla_core.models.columns import optional_instant


class Role(StrEnum):
    ADMIN = "admin"
    SALES_MANAGER = "sales_manager"
    MARKETING_MANAGER = "marketing_manager"
    SALES_REP = "sales_rep"
    MARKETER = "marketer"
    VIEWER = "viewer"


# Each role as a reader calls it (translated where shown): the one map of role words.
ROLE_NAMES = {
    Role.ADMIN: N_("Admin"),
    Role.SALES_MANAGER: N_("Sales manager"),
    Role.MARKETING_MANAGER: N_("Marketing manager"),
    Role.SALES_REP: N_("Sales rep"),
    Role.MARKETER: N_("Marketer"),
    Role.VIEWER: N_("Viewer"),
}


class TeamKind(StrEnum):
    SALES = "sales"
    MARKETING = "marketing"


class Setting(SQLModel, table=True):
    """Organisation settings and generated secrets, one key per row."""

    key: str = Field(primary_key=True, max_length=100)
    value: str = Field(sa_type=Text)


class Team(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=100)
    kind: TeamKind = Field(sa_type=String(20))


class User(SQLModel, table=True):
    """One person: reps and marketers too. No password_hash means no login yet."""

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, index=True, max_length=100)
    name: str = Field(max_length=200)
    email: str | None = Field(default=None, unique=True, max_length=254)
    role: Role = Field(sa_type=String(30))
    team_id: int | None = Field(default=None, foreign_key="team.id")
    password_hash: str | None = Field(default=None, max_length=100)
    active: bool = True
    failed_logins: int = 0
    created_at: datetime = Field(default_factory=now, sa_type=UTCTimestamp)
    # The interface language this person chose: "en", "fa" or "ar" (sla_core.i18n).
    language: str = Field(default="en", max_length=8, sa_column_kwargs={"server_default": "en"})


class AuditEntry(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=now, sa_type=UTCTimestamp, index=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    action: str = Field(max_length=100)
    entity: str = Field(max_length=100)
    entity_id: str | None = Field(default=None, max_length=100)
    detail: str | None = Field(default=None, sa_type=Text)


class SignInSession(SQLModel, table=True):
    """A signed-in browser: the cookie carries the id; sign-out or a revocation ends it."""

    id: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="user.id", index=True)
    expires_at: datetime = Field(sa_type=UTCTimestamp)
    ended_at: datetime | None = optional_instant()


class SignInThrottle(SQLModel, table=True):
    """Failed sign-ins per account ("user:NAME") and per client address ("ip:ADDRESS")."""

    key: str = Field(primary_key=True, max_length=200)
    failures: int = 0
    window_start: datetime = Field(default_factory=now, sa_type=UTCTimestamp)
    locked_until: datetime | None = optional_instant()
