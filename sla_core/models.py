"""The tables. Every instant is a UTCTimestamp (aware UTC, epoch microseconds)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, Column, Index, Integer, String, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from sla_core.clock import UTCTimestamp, now


class Role(StrEnum):
    ADMIN = "admin"
    SALES_MANAGER = "sales_manager"
    MARKETING_MANAGER = "marketing_manager"
    SALES_REP = "sales_rep"
    MARKETER = "marketer"
    VIEWER = "viewer"


class TeamKind(StrEnum):
    SALES = "sales"
    MARKETING = "marketing"


# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
BIG_ID = BigInteger().with_variant(Integer(), "sqlite")


def _ts(*, nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_type=UTCTimestamp, nullable=nullable, index=index)


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


class ImportBatch(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    filename: str = Field(max_length=500)
    file_hash: str = Field(max_length=64, index=True)
    preset: str | None = Field(default=None, max_length=100)
    user_id: int | None = Field(default=None, foreign_key="user.id")
    started_at: datetime = Field(default_factory=now, sa_type=UTCTimestamp)
    finished_at: datetime | None = _ts()
    status: str = Field(default="running", max_length=20)
    rows_total: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    rejected: int = 0
    message: str | None = Field(default=None, sa_type=Text)
    # "host:pid:start" of the process running it: a 'running' import whose process is gone
    # was interrupted (see importing.batches)
    runner: str | None = Field(default=None, max_length=200)


class ImportReject(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="importbatch.id", index=True)
    line: int
    column: str | None = Field(default=None, max_length=200)
    value: str | None = Field(default=None, sa_type=Text)
    reason: str = Field(sa_type=Text)
    raw: str | None = Field(default=None, sa_type=Text)


class ColumnMapping(SQLModel, table=True):
    """A saved import mapping: our field -> the file's column, as JSON."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=100)
    mapping: str = Field(sa_type=Text)
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=now, sa_type=UTCTimestamp)


class Lead(SQLModel, table=True):
    """The snapshot of one lead; LeadEvent holds the history it is rebuilt from."""

    # Few indexes on purpose: dashboards read the whole snapshot into pandas, and every
    # index costs seconds on a million-row import. The key and a rep's queue need them, and
    # the snapshot's data revision reads max(updated_at) on every page run.
    __table_args__ = (
        Index("ix_lead_owner_stage", "owner_id", "stage"),
        Index("ix_lead_updated_at", "updated_at"),
    )

    id: int | None = Field(
        default=None, sa_column=Column(BIG_ID, primary_key=True, autoincrement=True)
    )
    lead_key: str = Field(unique=True, max_length=300)
    external_id: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=254)
    first_name: str | None = Field(default=None, max_length=200)
    last_name: str | None = Field(default=None, max_length=200)
    company: str | None = Field(default=None, max_length=300)
    country: str | None = Field(default=None, max_length=100)
    # the six MQL profile criteria
    industry: str | None = Field(default=None, max_length=200)
    company_size: int | None = Field(default=None, sa_type=BigInteger)
    department: str | None = Field(default=None, max_length=200)
    job_title: str | None = Field(default=None, max_length=300)
    technographics: str | None = Field(default=None, max_length=500)
    engagement: int | None = Field(default=None, sa_type=BigInteger)
    source: str | None = Field(default=None, max_length=100)
    campaign: str | None = Field(default=None, max_length=200)
    marketer_id: int | None = Field(default=None, sa_type=BigInteger)
    owner_id: int | None = Field(default=None, sa_type=BigInteger)
    stage: str = Field(default="lead", max_length=20)
    disposition_reason: str | None = Field(default=None, max_length=300)
    touches: int = Field(default=0, sa_type=BigInteger)
    deal_value: float | None = None
    created_at: datetime = Field(sa_type=UTCTimestamp)
    mql_at: datetime | None = _ts()
    assigned_at: datetime | None = _ts()
    first_touch_at: datetime | None = _ts()
    last_touch_at: datetime | None = _ts()
    dispositioned_at: datetime | None = _ts()
    sql_at: datetime | None = _ts()
    opportunity_at: datetime | None = _ts()
    closed_at: datetime | None = _ts()
    updated_at: datetime | None = _ts()
    row_hash: str | None = Field(default=None, max_length=32)
    import_batch_id: int | None = Field(default=None, sa_type=BigInteger)


class LeadEvent(SQLModel, table=True):
    """Append-only: assignments, touches, stage changes and dispositions."""

    __table_args__ = (Index("ix_leadevent_lead_at", "lead_id", "at"),)

    id: int | None = Field(
        default=None, sa_column=Column(BIG_ID, primary_key=True, autoincrement=True)
    )
    lead_id: int = Field(sa_type=BigInteger)
    at: datetime = Field(sa_type=UTCTimestamp)
    kind: str = Field(max_length=20)  # created | assigned | touch | stage | disposition
    touch_kind: str | None = Field(default=None, max_length=20)  # call | email | meeting
    from_stage: str | None = Field(default=None, max_length=20)
    to_stage: str | None = Field(default=None, max_length=20)
    reason: str | None = Field(default=None, max_length=300)
    actor_id: int | None = Field(default=None, sa_type=BigInteger)
    batch_id: int | None = Field(default=None, sa_type=BigInteger)
    note: str | None = Field(default=None, sa_type=Text)


class Agreement(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=now, sa_type=UTCTimestamp)


class AgreementVersion(SQLModel, table=True):
    """One version of the SLA; `content` is canonical JSON and `content_hash` its SHA-256."""

    __table_args__ = (UniqueConstraint("agreement_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(foreign_key="agreement.id", index=True)
    number: int
    content: str = Field(sa_type=Text)
    content_hash: str = Field(max_length=64)
    revision: int = 1
    created_at: datetime = Field(default_factory=now, sa_type=UTCTimestamp)
    created_by: int | None = Field(default=None, foreign_key="user.id")
    updated_at: datetime = Field(default_factory=now, sa_type=UTCTimestamp)
    updated_by: int | None = Field(default=None, foreign_key="user.id")
    # set when someone asks for signatures or signs; an edit sends the version back to draft
    in_review_since: datetime | None = _ts()


class Signature(SQLModel, table=True):
    """A stakeholder's signature, bound to the hash of the content they signed."""

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="agreementversion.id", index=True)
    user_id: int = Field(foreign_key="user.id")
    role: Role = Field(sa_type=String(30))
    content_hash: str = Field(max_length=64)
    signed_at: datetime = Field(default_factory=now, sa_type=UTCTimestamp)
    # an edit of the version voids every signature on it (kept for the record)
    voided_at: datetime | None = _ts()


class AgreementComment(SQLModel, table=True):
    """A remark on one section of one agreement version, during the workshop."""

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="agreementversion.id", index=True)
    section: str = Field(max_length=100)
    author_id: int | None = Field(default=None, foreign_key="user.id")
    at: datetime = Field(default_factory=now, sa_type=UTCTimestamp)
    text: str = Field(sa_type=Text)


class AuditEntry(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=now, sa_type=UTCTimestamp, index=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    action: str = Field(max_length=100)
    entity: str = Field(max_length=100)
    entity_id: str | None = Field(default=None, max_length=100)
    detail: str | None = Field(default=None, sa_type=Text)


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


class Reminder(SQLModel, table=True):
    """One step of the reminder ladder for one lead's clock, to one person; or one notice
    of the agreement's review (no lead, clock "review", deadline the review day).

    The row is the in-app notification; `emailed_at` says the e-mail went out. The unique
    keys make every run idempotent: a step is recorded (and e-mailed) once. A review
    notice is unique per (step, recipient, review day): the partial index, since NULL
    lead ids never collide in the lead key.
    """

    __table_args__ = (
        UniqueConstraint("lead_id", "clock", "step", "recipient_id"),
        Index(
            "uq_reminder_review",
            "clock",
            "step",
            "recipient_id",
            "deadline",
            unique=True,
            sqlite_where=text("lead_id IS NULL"),
            postgresql_where=text("lead_id IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    lead_id: int | None = Field(default=None, sa_type=BigInteger, index=True)
    clock: str = Field(max_length=20)  # disposition | work | review
    step: str = Field(max_length=20)  # rep_50 | rep_75 | breach; review: notice_14 | notice_3 | due
    recipient_id: int = Field(foreign_key="user.id", index=True)
    deadline: datetime = Field(sa_type=UTCTimestamp)
    created_at: datetime = Field(default_factory=now, sa_type=UTCTimestamp)
    emailed_at: datetime | None = _ts()
    claim: str | None = Field(default=None, max_length=40)
    claimed_at: datetime | None = _ts()
    attempts: int = 0
    last_error: str | None = Field(default=None, sa_type=Text)
    read_at: datetime | None = _ts()


class SignInSession(SQLModel, table=True):
    """A signed-in browser: the cookie carries the id; sign-out or a revocation ends it."""

    id: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="user.id", index=True)
    expires_at: datetime = Field(sa_type=UTCTimestamp)
    ended_at: datetime | None = _ts()


class SignInThrottle(SQLModel, table=True):
    """Failed sign-ins per account ("user:NAME") and per client address ("ip:ADDRESS")."""

    key: str = Field(primary_key=True, max_length=200)
    failures: int = 0
    window_start: datetime = Field(default_factory=now, sa_type=UTCTimestamp)
    locked_until: datetime | None = _ts()
