"""Time in LeadPact: always timezone-aware UTC, stored as integer epoch microseconds.

One storage form for the ORM and the Arrow bulk path on SQLite and PostgreSQL alike:
SQLite has no date-time type, and mixing its text forms breaks ordering.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import BigInteger
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def now() -> datetime:
    """The current instant, timezone-aware UTC."""
    return datetime.now(UTC)


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
