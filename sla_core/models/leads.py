"""Leads, their append-only history, the imports that bring them and their reminders."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Column, Index, String, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from sla_core.clock import UTCTimestamp, now
from sla_core.models.columns import BIG_ID, optional_instant
from sla_core.stages import EventKind, Stage, TouchKind


class BatchStatus(StrEnum):
    """Where an import stands: running until its transaction finishes it or it fails."""

    RUNNING = "running"
    DONE = "done"
    REJECTS = "rejects"  # stored, but some rows were rejected
    FAILED = "failed"


class ImportBatch(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    filename: str = Field(max_length=500)
    file_hash: str = Field(max_length=64, index=True)
    preset: str | None = Field(default=None, max_length=100)
    user_id: int | None = Field(default=None, foreign_key="user.id")
    started_at: datetime = Field(default_factory=now, sa_type=UTCTimestamp)
    finished_at: datetime | None = optional_instant()
    status: BatchStatus = Field(default=BatchStatus.RUNNING, sa_type=String(20))
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
        Index("ix_lead_assigned_owner", "assigned_at", "owner_id"),  # routing's rep loads
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
    stage: Stage = Field(default=Stage.LEAD, sa_type=String(20))
    disposition_reason: str | None = Field(default=None, max_length=300)
    touches: int = Field(default=0, sa_type=BigInteger)
    deal_value: float | None = None
    created_at: datetime = Field(sa_type=UTCTimestamp)
    mql_at: datetime | None = optional_instant()
    assigned_at: datetime | None = optional_instant()
    first_touch_at: datetime | None = optional_instant()
    last_touch_at: datetime | None = optional_instant()
    dispositioned_at: datetime | None = optional_instant()
    sql_at: datetime | None = optional_instant()
    opportunity_at: datetime | None = optional_instant()
    closed_at: datetime | None = optional_instant()
    updated_at: datetime | None = optional_instant()
    row_hash: str | None = Field(default=None, max_length=32)
    import_batch_id: int | None = Field(default=None, sa_type=BigInteger)
    # the rules (HandoffRules) the lead's current hand-off is judged by
    handoff_rules_id: int | None = Field(default=None, sa_type=BigInteger)
    # became an MQL by re-qualifying the backlog, not as a new lead
    requalified_at: datetime | None = optional_instant()
    # the touch that met the follow-up duty (the duty's count of touches, at that instant)
    follow_up_done_at: datetime | None = optional_instant()


class HandoffRules(SQLModel, table=True):
    """The agreement's content as it stood at a hand-off (the signed version in force or the
    draft), stored once per distinct content: a lead handed off under it keeps being judged
    by it whatever the draft becomes later."""

    id: int | None = Field(default=None, primary_key=True)
    version_id: int | None = None
    content_hash: str = Field(unique=True, max_length=64)
    content: str = Field(sa_type=Text)
    created_at: datetime = Field(default_factory=now, sa_type=UTCTimestamp)


class LeadEvent(SQLModel, table=True):
    """Append-only: assignments, touches, stage changes and dispositions."""

    __table_args__ = (
        Index("ix_leadevent_lead_at", "lead_id", "at"),
        # the breaches reassignments left with their owners (`sla.reassign.kept_breaches`):
        # a handful among a million events, found without reading the others
        Index(
            "ix_leadevent_breach",
            "lead_id",
            sqlite_where=text(f"kind = '{EventKind.BREACH.value}'"),
            postgresql_where=text(f"kind = '{EventKind.BREACH.value}'"),
        ),
    )

    id: int | None = Field(
        default=None, sa_column=Column(BIG_ID, primary_key=True, autoincrement=True)
    )
    lead_id: int = Field(sa_type=BigInteger)
    at: datetime = Field(sa_type=UTCTimestamp)
    kind: EventKind = Field(sa_type=String(20))
    touch_kind: TouchKind | None = Field(default=None, sa_type=String(20))
    from_stage: Stage | None = Field(default=None, sa_type=String(20))
    to_stage: Stage | None = Field(default=None, sa_type=String(20))
    reason: str | None = Field(default=None, max_length=300)
    actor_id: int | None = Field(default=None, sa_type=BigInteger)
    batch_id: int | None = Field(default=None, sa_type=BigInteger)
    note: str | None = Field(default=None, sa_type=Text)
    # a "breach" kept by the previous owner: when the missed obligation started;
    # an "assigned" event: since when the previous owner had held the lead
    since: datetime | None = optional_instant()
    # an "assigned" event: the rep who owns the lead from then on (the actor assigned it),
    # and who owned it before (none when it came from the backlog)
    owner_id: int | None = Field(default=None, sa_type=BigInteger)
    previous_owner_id: int | None = Field(default=None, sa_type=BigInteger)


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
    emailed_at: datetime | None = optional_instant()
    claim: str | None = Field(default=None, max_length=40)
    claimed_at: datetime | None = optional_instant()
    attempts: int = 0
    last_error: str | None = Field(default=None, sa_type=Text)
    read_at: datetime | None = optional_instant()
