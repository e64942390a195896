"""Column types the tables share. Every instant is a UTCTimestamp (aware UTC, epoch µs)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Integer
from sqlmodel import Field

from sla_core.clock import UTCTimestamp

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
BIG_ID = BigInteger().with_variant(Integer(), "sqlite")


def optional_instant(*, nullable: bool = True, index: bool = False) -> Any:
    """A nullable UTCTimestamp column (a milestone or a time not reached yet)."""
    return Field(default=None, sa_type=UTCTimestamp, nullable=nullable, index=index)
