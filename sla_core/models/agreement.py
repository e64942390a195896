"""The agreement: its versions, signatures and the workshop's comments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from sla_core.clock import UTCTimestamp, now
from sla_core.models.columns import optional_instant
from sla_core.models.people import Role


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
    in_review_since: datetime | None = optional_instant()


class Signature(SQLModel, table=True):
    """A stakeholder's signature, bound to the hash of the content they signed."""

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="agreementversion.id", index=True)
    user_id: int = Field(foreign_key="user.id")
    role: Role = Field(sa_type=String(30))
    content_hash: str = Field(max_length=64)
    signed_at: datetime = Field(default_factory=now, sa_type=UTCTimestamp)
    # an edit of the version voids every signature on it (kept for the record)
    voided_at: datetime | None = optional_instant()


class AgreementComment(SQLModel, table=True):
    """A remark on one section of one agreement version, during the workshop."""

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="agreementversion.id", index=True)
    section: str = Field(max_length=100)
    author_id: int | None = Field(default=None, foreign_key="user.id")
    at: datetime = Field(default_factory=now, sa_type=UTCTimestamp)
    text: str = Field(sa_type=Text)


class AgreementRevision(SQLModel, table=True):
    """The content of a version as one save left it: what the diff between revisions of a
    draft, and "what changed since I signed" (by the signature's hash), compare."""

    __table_args__ = (UniqueConstraint("version_id", "revision"),)

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="agreementversion.id", index=True)
    revision: int
    content: str = Field(sa_type=Text)
    content_hash: str = Field(max_length=64)
    saved_by: int | None = Field(default=None, foreign_key="user.id")
    saved_at: datetime = Field(default_factory=now, sa_type=UTCTimestamp)
