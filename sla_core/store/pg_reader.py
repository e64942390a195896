"""PostgreSQL: a large read of the leads as two sets of columns side by side, one snapshot.

The cost of a large read on PostgreSQL is the client's decoding of the COPY stream (ADBC,
about 60 ns a value: 2.1 s of CPU for a million leads' 35 columns). Read on two connections
at once, the decoding takes both cores. Split by columns (the text, the rest), not by id
ranges, each part arrives in one record batch, so every column is in one chunk: nothing is
joined afterwards (text had been copied again into one chunk, the rest joined by pandas).
At a million leads, read and made a frame: 2.2-2.5 s as two id halves, 1.8-2.0 s as two sets
of columns, with 0.65 s less CPU.

The parts must be the same rows in the same order: the first connection exports its snapshot
of the database and the other adopts it (`SET TRANSACTION SNAPSHOT`), so a lead written
while they read is in neither part or in both, as it was when the export was taken. A
server that refuses to share its snapshot is read in one query on one connection.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from typing import Any

import pyarrow as pa
from sqlalchemy.engine import Engine

from sla_core.store.bulk import adbc_connect, close_all

# ADBC cuts a result into batches of about this many bytes (16 MiB by default): one batch
# (at a million leads the first sign-in's peak: 926-949 MiB, 928-929 with 16 MiB batches)
ONE_BATCH = {"adbc.postgresql.batch_size_hint_bytes": str(2**62)}
# what pg_export_snapshot() answers, e.g. 00000003-0000001B-1 (checked before it is quoted)
_SNAPSHOT_NAME = re.compile(r"[0-9A-F]+(-[0-9A-F]+)+")


def parts_of(columns: Sequence[str], schema: pa.Schema) -> list[list[str]]:
    """`columns` in two sets that take the client about as long to decode: the text, and
    the rest (numbers and instants). One set when either is empty."""
    text = [c for c in columns if _is_text(schema.field(c).type)]
    rest = [c for c in columns if c not in text]
    return [part for part in (rest, text) if part]


def read_side_by_side(
    engine: Engine,
    table: str,
    columns: Sequence[str],
    schema: pa.Schema,
    finish: Callable[[pa.Table], pa.Table],
) -> pa.Table:
    """Every row of `table` (PostgreSQL), its `columns` in that order, by id: each set of
    `parts_of` read on a connection of its own at the same time, all in one snapshot, and
    `finish`ed (typed) in its reading thread, beside the other part still being read."""
    import adbc_driver_manager

    parts = parts_of(columns, schema)
    with ThreadPoolExecutor(len(parts), thread_name_prefix="leadpact-read") as pool:
        conns = _opened(engine, pool, len(parts))  # at once: ~35 ms each
        try:
            queries = [_select(table, part) for part in parts]
            try:
                _share_snapshot(conns)
            except adbc_driver_manager.Error:  # a server that shares none: one query
                conns[0].rollback()
                return finish(_read_part(conns[0], _select(table, columns)))
            read = list(pool.map(lambda conn, sql: finish(_read_part(conn, sql)), conns, queries))
        finally:
            close_all(conns)  # ends each read's transaction with it
    rows = {part.num_rows for part in read}
    if len(rows) > 1:  # one snapshot: cannot happen unless the server ignored it
        raise RuntimeError(f"the parts of one read of {table} have {sorted(rows)} rows")
    found = {name: part.column(name) for part in read for name in part.column_names}
    return pa.table([found[c] for c in columns], names=list(columns))


def _opened(engine: Engine, pool: ThreadPoolExecutor, count: int) -> list[Any]:
    """`count` new ADBC connections to `engine`, opened side by side; none is left open
    when one fails."""
    opening = [pool.submit(adbc_connect, engine) for _ in range(count)]
    wait(opening)
    failed = [f.exception() for f in opening if f.exception() is not None]
    if failed:
        close_all([f.result() for f in opening if f.exception() is None])
        raise failed[0]  # type: ignore[misc]
    return [f.result() for f in opening]


def _share_snapshot(conns: Sequence[Any]) -> None:
    """Make every connection's open transaction read the first one's snapshot."""
    name = None
    for conn in conns:
        with conn.cursor() as cur:
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            if name is None:
                cur.execute("SELECT pg_export_snapshot()")
                name = str(cur.fetchone()[0])
                if not _SNAPSHOT_NAME.fullmatch(name):
                    raise RuntimeError(f"unexpected snapshot name from the server: {name!r}")
            else:
                cur.execute(f"SET TRANSACTION SNAPSHOT '{name}'")


def _select(table: str, columns: Sequence[str]) -> str:
    return "SELECT " + ", ".join(f'"{c}"' for c in columns) + f' FROM "{table}" ORDER BY id'


def _read_part(conn: Any, sql: str) -> pa.Table:
    with conn.cursor() as cur:
        cur.adbc_statement.set_options(**ONE_BATCH)
        cur.execute(sql)
        return cur.fetch_arrow_table()


def _is_text(kind: pa.DataType) -> bool:
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))
