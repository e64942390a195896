"""Arrow-based bulk reads and writes (ADBC): the fast path for thousands to millions of rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import pyarrow as pa
from sqlalchemy.engine import Engine

from sla_core.clock import micros_to_series

LEAD_TIME_COLUMNS: tuple[str, ...] = (
    "created_at",
    "mql_at",
    "assigned_at",
    "first_touch_at",
    "last_touch_at",
    "dispositioned_at",
    "sql_at",
    "opportunity_at",
    "closed_at",
    "updated_at",
)


def adbc_connect(engine: Engine) -> Any:
    """An ADBC DB-API connection to the same database as `engine` (autocommit off)."""
    url = engine.url
    if url.get_backend_name() == "sqlite":
        import adbc_driver_sqlite.dbapi

        return adbc_driver_sqlite.dbapi.connect(url.database or ":memory:")
    import adbc_driver_postgresql.dbapi

    uri = url.set(drivername="postgresql").render_as_string(hide_password=False)
    return adbc_driver_postgresql.dbapi.connect(uri)


def read_arrow(engine: Engine, sql: str, params: Sequence[Any] | None = None) -> pa.Table:
    """Run one SELECT and return its rows as an Arrow table."""
    with adbc_connect(engine) as conn, conn.cursor() as cur:
        cur.execute(sql, params) if params else cur.execute(sql)
        return cur.fetch_arrow_table()


def times_to_utc(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Epoch-microsecond columns as aware UTC timestamps (returns a new frame)."""
    out = frame.copy()
    for column in columns:
        if column in out:
            out[column] = micros_to_series(out[column])
    return out


def placeholder(engine: Engine, n: int) -> str:
    """The n-th positional parameter marker for ADBC on this database."""
    return f"${n}" if engine.url.get_backend_name() == "postgresql" else "?"
