"""Time in LeadPact: always timezone-aware UTC, stored as integer epoch microseconds.

One storage form for the ORM and the Arrow bulk path on SQLite and PostgreSQL alike:
SQLite has no date-time type, and mixing its text forms breaks ordering.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import BigInteger
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
CLOCK_ENV = "LEADPACT_CLOCK"


def parse_instant(value: str) -> datetime:
    """An ISO 8601 instant; one without a zone is read as UTC."""
    instant = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)


def _shift_from(value: str | None) -> timedelta:
    return timedelta(0) if not value else parse_instant(value) - datetime.now(UTC)


# How far LeadPact's clock stands from the machine's. Zero in production; a test run (or a
# test server) sets LEADPACT_CLOCK to an instant, and time then runs on from there.
_shift = _shift_from(os.environ.get(CLOCK_ENV))


def now() -> datetime:
    """The current instant, timezone-aware UTC (LeadPact's one clock: tests may set it)."""
    return datetime.now(UTC) + _shift


def set_now(instant: datetime | None) -> None:
    """Make `now()` read `instant` from this moment on, time running on from there; None: the machine's time."""
    global _shift
    _shift = timedelta(0) if instant is None else instant - datetime.now(UTC)


def to_micros(value: datetime) -> int:
    """Epoch microseconds of an aware datetime; naive datetimes are refused."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value!r}: LeadPact stores only timezone-aware times")
    delta = value - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_micros(value: int) -> datetime:
    """The aware UTC datetime of epoch microseconds."""
    return datetime.fromtimestamp(value // 1_000_000, tz=UTC).replace(microsecond=value % 1_000_000)


def micros_to_series(values: pd.Series) -> pd.Series:
    """A column of epoch microseconds (nullable) as aware UTC timestamps."""
    return pd.to_datetime(values.astype("Int64"), unit="us", utc=True)


class UTCTimestamp(TypeDecorator[datetime]):
    """A timezone-aware instant stored as BIGINT epoch microseconds."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        if isinstance(value, int):
            return value
        return to_micros(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return None if value is None else from_micros(int(value))
