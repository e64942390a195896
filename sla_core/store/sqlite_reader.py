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
     "times": [COLUMN...], "categories": [COLUMN...], "memfd_from": BYTES or null}
answered by one Arrow IPC stream on its stdout: the queries' rows concatenated in order,
or no columns and the error's one line in the schema's metadata under "error".

An answer of `memfd_from` bytes or more (Linux) is written to an anonymous in-memory file
instead (`os.memfd_create`), and the stream on stdout has no columns and its descriptor
under "memfd": the parent maps the file (`/proc/<reader>/fd/<n>`) and sends one line when
it holds it; then the reader closes its own. A pipe moves a million leads' 271 MiB in
about a second through 64 KiB at a time; the mapped file costs the one copy the reader
writes (~0.1 s). A parent that cannot open the file asks again without it (`memfd_from`
null).
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
            # the halves open the file at once: one may find it locked for a moment (the
            # first to open a database nobody has open rebuilds its WAL index): wait
            _pragma(connection, "PRAGMA busy_timeout = 10000")
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


def _pragma(connection: Any, sql: str) -> None:
    import adbc_driver_manager

    statement = adbc_driver_manager.AdbcStatement(connection)
    try:
        statement.set_sql_query(sql)
        handle, _ = statement.execute_query()
        pa.RecordBatchReader._import_from_c(handle.address).read_all()
    finally:
        statement.close()


def read(request: dict[str, Any]) -> pa.Table:
    """Run the request's queries (in parallel threads) and return one shaped table."""
    schema = pa.ipc.read_schema(pa.py_buffer(bytes.fromhex(request["schema"])))
    queries = request["queries"]
    with ThreadPoolExecutor(max_workers=max(1, len(queries))) as pool:
        parts = list(pool.map(lambda q: _read_one(request["path"], q[0], q[1]), queries))
    typed = [shape(p, schema, request["times"], ()) for p in parts]
    # the parts stay apart (one record batch each): the app copies every column out of the
    # answer into a buffer of its own anyway (`snapshot._owned`), which joins them there.
    # Joined here too, a million leads' 271 MiB were copied once more into memory never
    # touched before: 0.04-0.8 s of page faults at a server's first read.
    table = typed[0] if len(typed) == 1 else pa.concat_tables(typed)
    return shape(table, table.schema, (), request["categories"])


class ReadFailed(RuntimeError):
    """The reader could not read the database; the message says why in one line."""


class _Reader:
    """One long-lived reader process, shared by the threads of this process (one at a time)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.child: subprocess.Popen[bytes] | None = None
        # answers this large come in a mapped in-memory file (None: always through the pipe)
        self.memfd_from: int | None = MEMFD_FROM

    def _start(self) -> subprocess.Popen[bytes]:
        root = str(Path(__file__).resolve().parents[2])
        path = os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])
        return subprocess.Popen(
            [sys.executable, "-m", "sla_core.store.sqlite_reader"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": path},
        )

    def ask(self, request: dict[str, Any]) -> pa.Table:
        """Send one request; the answer is one Arrow IPC stream (an error in metadata), or
        the descriptor of the in-memory file that holds it."""
        with self.lock:
            # a reader that died is started again, once; a file we could not map is
            # asked for again through the pipe
            for attempt in (1, 2, 3):
                if self.child is None or self.child.poll() is not None:
                    self.child = self._start()
                child = self.child
                assert child.stdin is not None and child.stdout is not None
                try:
                    line = json.dumps({**request, "memfd_from": self.memfd_from})
                    child.stdin.write(line.encode() + b"\n")
                    child.stdin.flush()
                    table = pa.ipc.open_stream(child.stdout).read_all()
                    held = (table.schema.metadata or {}).get(b"memfd")
                    if held is None:
                        return table
                    mapped = self._mapped(child, int(held))
                    if mapped is not None:
                        return mapped
                    self.memfd_from = None  # this machine does not let us: the pipe from now
                except (BrokenPipeError, pa.ArrowInvalid, OSError):
                    child.kill()
                    child.wait()
                    self.child = None
                    if attempt >= 2:
                        raise
        raise AssertionError("unreachable")

    @staticmethod
    def _mapped(child: subprocess.Popen[bytes], fd: int) -> pa.Table | None:
        """The table in the reader's in-memory file `fd`, mapped (None: it cannot be opened
        here); the reader is told either way, and then closes its own descriptor."""
        assert child.stdin is not None
        try:
            source: pa.NativeFile | None = pa.memory_map(memfd_path(child.pid, fd))
        except OSError:
            source = None
        child.stdin.write(b"\n")
        child.stdin.flush()
        return None if source is None else pa.ipc.open_stream(source).read_all()


def memfd_path(pid: int, fd: int) -> str:
    """Where this process opens the reader's in-memory file."""
    return f"/proc/{pid}/fd/{fd}"


# Answers this large (bytes) come through a mapped in-memory file rather than the pipe.
MEMFD_FROM = 16 * 2**20

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
        table = _READER.ask(request)
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
        held = None
        try:
            request = json.loads(line)
            table = read(request)
            held = _in_memory_file(table, request.get("memfd_from"))
        except Exception as exc:  # the parent raises it as one line
            message = f"{type(exc).__name__}: {exc}".replace("\n", " ")
            table = pa.table({}).replace_schema_metadata({"error": message})
        if held is not None:
            table = pa.table({}).replace_schema_metadata({"memfd": str(held)})
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        sink.flush()
        del table  # idle between requests: hand the memory back to the system
        pa.default_memory_pool().release_unused()
        if held is not None:
            sys.stdin.buffer.readline()  # the parent holds the file now (or gave up on it)
            os.close(held)
    return 0


def _in_memory_file(table: pa.Table, least: int | None) -> int | None:
    """`table` as an Arrow IPC stream in an anonymous in-memory file, its descriptor; None
    when it is smaller than `least` bytes, `least` is None, or no such file can be made."""
    create = getattr(os, "memfd_create", None)
    if least is None or create is None or table.nbytes < least:
        return None
    try:
        fd: int = create("leadpact-read")
    except OSError:
        return None
    try:
        with pa.OSFile(f"/proc/self/fd/{fd}", "wb") as out:
            with pa.ipc.new_stream(out, table.schema) as writer:
                writer.write_table(table)
    except OSError:  # no room for it: the pipe brings it, and the file goes
        os.close(fd)
        return None
    return fd


if __name__ == "__main__":
    raise SystemExit(main())
