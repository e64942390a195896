"""Read a SQLite query into Arrow in a child process, and shape Arrow results for pandas.

ADBC's SQLite driver carries its own copy of SQLite, which must never open the app's
database file inside the app process (see `sla_core.store.bulk`). A child process may: SQLite's
cross-process locking applies between processes. The child imports only pyarrow and the
ADBC driver (0.2 s), reads the query with ADBC (in id ranges on parallel threads when
asked), shapes the result (see `shape`) and streams it back as Arrow IPC on its stdout,
so the rows never pass through Python objects and no private copy of the data is written.

The reader lives as long as the app process (started at the first read, again if it died)
so that a read costs no process start. Protocol, one request per line on its stdin:
    {"path": FILE, "queries": [[SQL, [PARAMS...]], ...], "schema": HEX,
     "times": [COLUMN...], "categories": [COLUMN...]}
answered by one Arrow IPC stream on its stdout: the queries' rows concatenated in order,
or no columns and the error's one line in the schema's metadata under "error".
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

UTC_MICROS = pa.timestamp("us", tz="UTC")


def shape(
    table: pa.Table, schema: pa.Schema, times: Sequence[str], categories: Sequence[str]
) -> pa.Table:
    """Cast to the table's types (SQLite reports all-NULL columns as int64), epoch-micro
    columns to UTC timestamps, and repeated text columns to dictionaries (pandas categories)."""
    columns = []
    fields = []
    for name in table.column_names:
        column = table.column(name)
        kind = schema.field(name).type if name in schema.names else column.type
        if name in times and column.type != UTC_MICROS:
            column = column.cast(pa.int64()).cast(UTC_MICROS)
        elif column.type != kind:
            column = column.cast(kind)
        elif name in categories and pa.types.is_string(column.type):
            column = pc.dictionary_encode(column).combine_chunks()
        columns.append(column)
        fields.append(pa.field(name, column.type))
    return pa.Table.from_arrays(columns, schema=pa.schema(fields))


def _read_one(path: str, sql: str, params: Sequence[Any]) -> pa.Table:
    import adbc_driver_manager
    import adbc_driver_sqlite

    database = adbc_driver_sqlite.connect(path)
    try:
        connection = adbc_driver_manager.AdbcConnection(database)
        try:
            statement = adbc_driver_manager.AdbcStatement(connection)
            try:
                # The driver infers each column's type from its first batch and fails when a
                # later batch differs (a text column whose first rows are NULL): one batch.
                statement.set_options(**{"adbc.sqlite.query.batch_rows": "1000000000"})
                statement.set_sql_query(sql)
                if params:
                    statement.bind(
                        pa.record_batch(
                            [pa.array([p]) for p in params],
                            names=[str(i) for i in range(len(params))],
                        )
                    )
                handle, _ = statement.execute_query()
                return pa.RecordBatchReader._import_from_c(handle.address).read_all()
            finally:
                statement.close()
        finally:
            connection.close()
    finally:
        database.close()


def read(request: dict[str, Any]) -> pa.Table:
    """Run the request's queries (in parallel threads) and return one shaped table."""
    schema = pa.ipc.read_schema(pa.py_buffer(bytes.fromhex(request["schema"])))
    queries = request["queries"]
    with ThreadPoolExecutor(max_workers=max(1, len(queries))) as pool:
        parts = list(pool.map(lambda q: _read_one(request["path"], q[0], q[1]), queries))
    typed = [shape(p, schema, request["times"], ()) for p in parts]
    # one chunk a column, joined here: the app's conversion to pandas then copies nothing
    table = typed[0] if len(typed) == 1 else pa.concat_tables(typed).combine_chunks()
    return shape(table, table.schema, (), request["categories"])


class ReadFailed(RuntimeError):
    """The reader could not read the database; the message says why in one line."""


class _Reader:
    """One long-lived reader process, shared by the threads of this process (one at a time)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.child: subprocess.Popen[bytes] | None = None

    def _start(self) -> subprocess.Popen[bytes]:
        root = str(Path(__file__).resolve().parents[2])
        path = os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])
        return subprocess.Popen(
            [sys.executable, "-m", "sla_core.store.sqlite_reader"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": path},
        )

    def ask(self, request: bytes) -> pa.Table:
        """Send one request line; the answer is one Arrow IPC stream (an error in metadata)."""
        with self.lock:
            for attempt in (1, 2):  # a reader that died is started again, once
                if self.child is None or self.child.poll() is not None:
                    self.child = self._start()
                assert self.child.stdin is not None and self.child.stdout is not None
                try:
                    self.child.stdin.write(request)
                    self.child.stdin.flush()
                    return pa.ipc.open_stream(self.child.stdout).read_all()
                except (BrokenPipeError, pa.ArrowInvalid, OSError):
                    self.child.kill()
                    self.child.wait()
                    self.child = None
                    if attempt == 2:
                        raise
        raise AssertionError("unreachable")


_READER = _Reader()


def run(
    path: str,
    queries: Sequence[tuple[str, Sequence[Any]]],
    schema: pa.Schema | None = None,
    times: Sequence[str] = (),
    categories: Sequence[str] = (),
) -> pa.Table:
    """Run SELECTs on the SQLite file `path` in the reader process; their rows, shaped."""
    request = {
        "path": path,
        "queries": [[sql, list(params)] for sql, params in queries],
        "schema": (schema or pa.schema([])).serialize().to_pybytes().hex(),
        "times": list(times),
        "categories": list(categories),
    }
    try:
        table = _READER.ask(json.dumps(request).encode() + b"\n")
    except (OSError, pa.ArrowInvalid) as exc:
        raise ReadFailed(f"reading {path} failed: the reader process stopped ({exc})") from exc
    error = (table.schema.metadata or {}).get(b"error")
    if error is not None:
        raise ReadFailed(f"reading {path} failed: {error.decode()}")
    return table


def main() -> int:
    """Serve requests until stdin closes; a parent that went away ends it quietly.

    A parent killed mid-answer breaks the pipe (and Ctrl-C in its terminal reaches this
    process too): that is the end of the work, not an error to print (issue 18.17).
    """
    try:
        return _serve()
    except (OSError, KeyboardInterrupt):  # the pipe to the parent; reads report their own
        try:  # nothing more can reach the parent; don't let the exit flush complain either
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except OSError:
            pass
        return 0


def _serve() -> int:
    """Answer requests, one JSON line each, until stdin closes (the parent went away)."""
    sink = pa.output_stream(sys.stdout.buffer)
    for line in sys.stdin.buffer:
        try:
            table = read(json.loads(line))
        except Exception as exc:  # the parent raises it as one line
            message = f"{type(exc).__name__}: {exc}".replace("\n", " ")
            table = pa.table({}).replace_schema_metadata({"error": message})
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        sink.flush()
        del table  # idle between requests: hand the memory back to the system
        pa.default_memory_pool().release_unused()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
