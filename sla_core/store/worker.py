"""The SQLite upsert in a worker process.

ADBC's driver carries its own copy of SQLite; in the app process that copy must never open
the database file (see sla_core.store.bulk). A worker that opens it only through ADBC is an
ordinary second process, and SQLite's cross-process locking applies.

One worker lives as long as the process that started it and takes one job (an upsert) at a
time: starting Python, pandas and Arrow for every import cost seconds. It never outlives its
parent's interest: after each progress line it waits for "go" ("stop": roll back and wait for
the next job; end of input = the parent is gone: roll back and exit), it checks its parent is
still the one that started it before committing, and on Linux the kernel kills it when the
parent dies.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import suppress
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
from sqlalchemy.engine import Engine

from sla_core.clock import now, to_micros
from sla_core.store.results import (
    ImportUnit,
    LeadStoreError,
    Progress,
    UpsertResult,
    import_wait_seconds,
)


def _write_arrow(frame: pd.DataFrame, path: Path) -> None:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)


# A job of more rows than this ends its worker once answered: the memory a big import took is
# given back to the machine instead of staying with an idle process.
RECYCLE_AFTER_ROWS = 100_000


def upsert_in_worker(
    engine: Engine,
    frame: pd.DataFrame,
    batch_id: int | None,
    actor_id: int | None,
    report: Progress,
    unit: ImportUnit | None = None,
) -> UpsertResult:
    """Run the upsert in the long-lived `python -m sla_core.store.worker_main`, relaying progress.

    After each progress line the worker waits for "go"; if the callback raises, the worker
    is told to stop and rolls back, and the callback's exception is re-raised here. One
    worker serves this process's imports one at a time; an import that finds it busy gets a
    worker of its own for that import, so imports never queue behind each other here.
    """
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="leadpact-upsert-") as folder:
        path = Path(folder) / "frame.arrow"
        _write_arrow(frame, path)
        job: dict[str, Any] = {
            "url": engine.url.render_as_string(hide_password=False),
            "path": str(path),
            "batch_id": batch_id,
            "actor_id": actor_id,
            "parent": os.getpid(),
            # the worker lives by this process's clock and wait, whatever its own environment
            "now": to_micros(now()),
            "wait": import_wait_seconds(),
            "recycle": len(frame) > RECYCLE_AFTER_ROWS,
        }
        if unit is not None:
            _write_arrow(unit.rejects, Path(folder) / "rejects.arrow")
            job["unit"] = unit.describe()
        answer = _WRITER.run(job, report)
    if "error" in answer:
        error = LeadStoreError if answer["kind"] == "LeadStoreError" else RuntimeError
        raise error(answer["error"])
    if "result" not in answer:
        raise RuntimeError(f"the import worker stopped unexpectedly (exit {answer.get('_exit')})")
    seconds = dict(answer["seconds"])
    seconds["worker"] = time.perf_counter() - start - sum(seconds.values())
    new, changed, unchanged = answer["result"]
    return UpsertResult(
        new,
        changed,
        unchanged,
        seconds,
        answer.get("peak_mib"),
        tuple(answer.get("created", ())),
        tuple(answer.get("rejects", ())),
    )


def _start_worker() -> subprocess.Popen[str]:
    root = str(Path(__file__).resolve().parents[2])
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")]),
        # measured: the system allocator reads a 1M-row frame faster and smaller (see bench)
        "ARROW_DEFAULT_MEMORY_POOL": "system",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "sla_core.store.worker_main", str(os.getpid())],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )


class _Writer:
    """This process's long-lived SQLite writer: started on first use, kept between imports."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.child: subprocess.Popen[str] | None = None

    def run(self, job: dict[str, Any], report: Progress) -> dict[str, Any]:
        """One job on the long-lived worker, or on a one-off worker while that one is busy."""
        if not self.lock.acquire(blocking=False):
            with _start_worker() as spare:
                try:
                    return _converse(spare, job, report)
                finally:
                    _close(spare)
        try:
            if self.child is None or self.child.poll() is not None:
                self.child = _start_worker()
            try:
                answer = _converse(self.child, job, report)
            except BaseException:
                _close(self.child)  # a conversation broken off: never reuse that worker
                self.child = None
                raise
            if "_exit" in answer or job["recycle"]:
                _close(self.child)
                self.child = None
            return answer
        finally:
            self.lock.release()


_WRITER = _Writer()


def _close(worker: subprocess.Popen[str]) -> None:
    """End a worker: end of input tells it to roll back anything open and exit."""
    with suppress(OSError, ValueError):
        assert worker.stdin is not None
        worker.stdin.close()
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
    for stream in (worker.stdout,):
        with suppress(OSError, ValueError):
            if stream is not None:
                stream.close()


def _converse(
    worker: subprocess.Popen[str], job: dict[str, Any], report: Progress
) -> dict[str, Any]:
    """Send one job and relay the worker's progress; its final JSON line is the answer.

    A worker that ends before answering leaves `_exit` (its exit code) in the answer.
    """
    assert worker.stdin is not None and worker.stdout is not None
    worker.stdin.write(json.dumps(job) + "\n")
    worker.stdin.flush()
    for line in worker.stdout:
        if not line.startswith("{"):
            continue  # a library's stray output, not the protocol
        message: dict[str, Any] = json.loads(line)
        if "progress" not in message:
            return message
        try:
            report(message["progress"], message["message"])
        except BaseException:
            worker.stdin.write("stop\n")  # the worker rolls back, answers, and waits
            worker.stdin.flush()
            _drain(worker)
            raise
        worker.stdin.write("go\n")
        worker.stdin.flush()
    return {"_exit": worker.wait()}


def _drain(worker: subprocess.Popen[str]) -> None:
    """Read up to the stopped job's answer, so the next job starts on a clean line."""
    assert worker.stdout is not None
    for line in worker.stdout:
        if line.startswith("{") and "progress" not in json.loads(line):
            return
