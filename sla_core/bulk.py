"""Arrow-based bulk reads and writes (ADBC): the fast path for thousands to millions of rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import pyarrow as pa
from sqlalchemy import Boolean, Float, Integer, Table
from sqlalchemy.engine import Engine

from sla_core.clock import UTCTimestamp, micros_to_series

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
        if engine.url.get_backend_name() == "sqlite":
            # SQLite's ADBC driver infers each column's type from the first batch and fails
            # when a later batch differs (a text column whose first rows are NULL): one batch.
            cur.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": "100000000"})
        cur.execute(sql, params) if params else cur.execute(sql)
        return cur.fetch_arrow_table()


def arrow_schema(table: Table) -> pa.Schema:
    """The Arrow types of a table's columns (epoch-micro instants as int64)."""
    fields = []
    for column in table.columns:
        kind = column.type
        if isinstance(kind, Boolean):
            arrow_type = pa.bool_()
        elif isinstance(kind, Float):
            arrow_type = pa.float64()
        elif isinstance(kind, Integer | UTCTimestamp) or isinstance(
            getattr(kind, "impl", None), Integer
        ):
            arrow_type = pa.int64()
        else:
            arrow_type = pa.string()
        fields.append(pa.field(column.name, arrow_type))
    return pa.schema(fields)


def conform(result: pa.Table, schema: pa.Schema) -> pa.Table:
    """Cast a query result to the table's types (SQLite reports all-NULL columns as int64)."""
    fields = [
        schema.field(name) if name in schema.names else result.schema.field(name)
        for name in result.column_names
    ]
    return result.cast(pa.schema(fields))


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
