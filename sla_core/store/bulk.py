"""Arrow-based bulk reads and writes (ADBC): the fast path for thousands to millions of rows.

SQLite caveat: the ADBC driver carries its own copy of SQLite. Two copies of SQLite in one
process do not see each other's POSIX locks, and closing one copy's file handle drops the
other's locks (sqlite.org, "How To Corrupt An SQLite Database File", 2.2.1). So in the app
process ADBC never opens the database file itself: reads run ADBC in a child process
(`sla_core.store.sqlite_reader`, Arrow streamed back), and writes are staged by ADBC into a
private file that Python's sqlite3 attaches and copies in with INSERT ... SELECT.
"""

from __future__ import annotations

import atexit
import tempfile
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
from sqlalchemy import Boolean, Float, Integer, Table
from sqlalchemy.engine import Connection, Engine

from sla_core.clock import UTCTimestamp, micros_to_series
from sla_core.store import sqlite_reader
from sla_core.store.fields import TIME_COLUMNS

# the lead's instants, listed once in lead_fields
LEAD_TIME_COLUMNS: tuple[str, ...] = TIME_COLUMNS


def adbc_connect(engine: Engine) -> Any:
    """An ADBC DB-API connection to the same database as `engine` (autocommit off).

    On SQLite use it only in a process that never opens the file through sqlite3 (see above).
    """
    url = engine.url
    if url.get_backend_name() == "sqlite":
        import adbc_driver_sqlite.dbapi

        return adbc_driver_sqlite.dbapi.connect(url.database or ":memory:")
    import adbc_driver_postgresql.dbapi

    uri = url.set(drivername="postgresql").render_as_string(hide_password=False)
    return adbc_driver_postgresql.dbapi.connect(uri)


def _is_sqlite(engine: Engine) -> bool:
    return engine.url.get_backend_name() == "sqlite"


def _write_private_sqlite(path: Path, data: pa.Table) -> None:
    import adbc_driver_sqlite.dbapi

    with adbc_driver_sqlite.dbapi.connect(str(path)) as conn:
        with conn.cursor() as cur:
            cur.adbc_ingest("rows", data, mode="create")
        conn.commit()


# Idle ADBC connections to PostgreSQL, oldest first, with their database URL: a snapshot
# refresh after each write reads a few rows, and opening a connection costs more than the
# read (~30 ms). At most _MOST_IDLE in all, whatever the number of databases a process
# reads (a test run reads hundreds of schemas: a cap per URL let them pile up until the
# server refused new clients); the oldest is closed to make room.
_IDLE: list[tuple[str, Any]] = []
_IDLE_LOCK = threading.Lock()
_MOST_IDLE = 4


def close_all(conns: Sequence[Any]) -> None:
    """Close every connection of `conns`; one that fails to close has nothing left to tell."""
    for conn in conns:
        try:
            conn.close()
        except Exception:  # noqa: BLE001, S110 - idle or done: nothing left to tell
            pass


def close_idle() -> None:
    """Close every idle pooled connection (at exit: before the driver is torn down)."""
    with _IDLE_LOCK:
        idle = [conn for _url, conn in _IDLE]
        _IDLE.clear()
    close_all(idle)


def idle_count() -> int:
    """How many pooled connections wait idle (for tests and the bench)."""
    with _IDLE_LOCK:
        return len(_IDLE)


atexit.register(close_idle)


def _take_idle(url: str) -> Any | None:
    """The newest idle connection to `url`, taken out of the pool (None: none idle)."""
    with _IDLE_LOCK:
        for i in range(len(_IDLE) - 1, -1, -1):
            if _IDLE[i][0] == url:
                return _IDLE.pop(i)[1]
    return None


def _give_back(url: str, conn: Any) -> None:
    """Keep `conn` idle for the next read; the oldest idle ones beyond the cap are closed."""
    with _IDLE_LOCK:
        _IDLE.append((url, conn))
        surplus = [old for _u, old in _IDLE[: max(0, len(_IDLE) - _MOST_IDLE)]]
        del _IDLE[: len(surplus)]
    close_all(surplus)


def _pooled_read(engine: Engine, sql: str, params: Sequence[Any] | None) -> pa.Table:
    """`read_arrow` on PostgreSQL through an idle connection (a new one when none is idle,
    or when the idle one fails: it may have been closed by the server meanwhile)."""
    url = engine.url.render_as_string(hide_password=False)
    for attempt in (0, 1):
        conn = _take_idle(url) if attempt == 0 else None
        fresh = conn is None
        if conn is None:
            conn = adbc_connect(engine)
        try:
            with conn.cursor() as cur:
                cur.execute(sql, params) if params else cur.execute(sql)
                table = cur.fetch_arrow_table()
            conn.rollback()  # end the read's transaction: never idle in one
        except Exception:
            conn.close()
            if fresh or attempt:
                raise
            continue
        _give_back(url, conn)
        return table
    raise AssertionError("unreachable")


def read_arrow(engine: Engine, sql: str, params: Sequence[Any] | None = None) -> pa.Table:
    """Run one SELECT and return its rows as an Arrow table."""
    if not _is_sqlite(engine):
        return _pooled_read(engine, sql, params)
    path = engine.url.database
    if not path or path == ":memory:":
        raise ValueError("an in-memory SQLite database cannot be read by another process")
    return sqlite_reader.run(str(Path(path).resolve()), [(sql, params or ())])


class BulkWriter:
    """One write transaction that appends Arrow tables and runs SQL (see bulk_writer)."""

    def __init__(self, engine: Engine, connection: Any, folder: Path | None) -> None:
        self.engine = engine
        self._conn = connection
        self._folder = folder
        self._staged: list[str] = []

    @property
    def sqlite(self) -> bool:
        return self._folder is not None

    def p(self, n: int) -> str:
        """The n-th positional parameter marker."""
        return "?" if self.sqlite else f"${n}"

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        if self.sqlite:
            self._conn.execute(sql, tuple(params))
            return
        with self._conn.cursor() as cur:
            cur.execute(sql, list(params)) if params else cur.execute(sql)

    def fetch(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        """A query's rows inside the transaction (meant for modest results such as ids)."""
        if not self.sqlite:
            with self._conn.cursor() as cur:
                cur.execute(sql, list(params)) if params else cur.execute(sql)
                return cur.fetch_arrow_table()
        cur = self._conn.execute(sql, tuple(params))
        names = [d[0] for d in cur.description]
        rows = cur.fetchall()
        columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
        return pa.table(
            {name: pa.array(list(col)) for name, col in zip(names, columns, strict=True)}
        )

    def append(self, table: str, data: pa.Table) -> None:
        """Append `data`'s rows to `table` (its column names must be the table's)."""
        if not self.sqlite:
            with self._conn.cursor() as cur:
                cur.adbc_ingest(table, data, mode="append")
            return
        assert self._folder is not None
        alias = f"stage{len(self._staged)}"
        path = self._folder / f"{alias}.db"
        _write_private_sqlite(path, data)
        self._conn.execute("ATTACH DATABASE ? AS " + alias, (str(path),))
        self._staged.append(alias)
        columns = ", ".join(f'"{name}"' for name in data.column_names)
        self._conn.execute(
            f"INSERT INTO main.{table} ({columns}) SELECT {columns} FROM {alias}.rows"
        )


@contextmanager
def bulk_writer(engine: Engine) -> Iterator[BulkWriter]:
    """One all-or-nothing write transaction for bulk appends, on SQLite or PostgreSQL."""
    if not _is_sqlite(engine):
        conn = adbc_connect(engine)
        try:
            yield BulkWriter(engine, conn, None)
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        finally:
            conn.close()
        return
    with tempfile.TemporaryDirectory(prefix="leadpact-write-") as folder:
        raw = engine.raw_connection()
        con = raw.driver_connection
        assert con is not None
        previous = con.isolation_level
        con.isolation_level = None  # explicit BEGIN/COMMIT below
        writer = BulkWriter(engine, con, Path(folder))
        try:
            con.execute("BEGIN IMMEDIATE")
            try:
                yield writer
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        finally:
            for alias in writer._staged:  # only possible once the transaction is over
                con.execute(f"DETACH DATABASE {alias}")
            con.isolation_level = previous
            raw.close()


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


def stage_int_rows(
    conn: Connection, name: str, columns: Sequence[str], rows: Iterable[Sequence[int]]
) -> None:
    """Load whole-number rows into the temporary table `name` (its first column the key):
    executemany on SQLite (the table emptied first), COPY on PostgreSQL (dropped at commit)."""
    raw: Any = conn.connection.driver_connection
    names = ", ".join(columns)
    if conn.dialect.name == "sqlite":
        spec = ", ".join(
            f"{c} INTEGER" + (" PRIMARY KEY" if not i else "") for i, c in enumerate(columns)
        )
        raw.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name} ({spec})")
        raw.execute(f"DELETE FROM {name}")
        marks = ", ".join("?" * len(columns))
        raw.executemany(f"INSERT INTO {name} ({names}) VALUES ({marks})", rows)
        return
    spec = ", ".join(
        f"{c} BIGINT" + (" PRIMARY KEY" if not i else "") for i, c in enumerate(columns)
    )
    with raw.cursor() as cur:
        cur.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name} ({spec}) ON COMMIT DROP")
        with cur.copy(f"COPY {name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
