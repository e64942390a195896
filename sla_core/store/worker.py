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
import signal
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
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine

from sla_core.clock import from_micros, now, set_now, to_micros
from sla_core.store.results import (
    ImportUnit,
    LeadStoreError,
    Progress,
    UpsertResult,
    import_wait_seconds,
)
from sla_core.store.upsert import upsert_in_process


class _Stopped(Exception):
    """The caller stopped the import (its progress callback raised) or is gone."""


def _write_arrow(frame: pd.DataFrame, path: Path) -> None:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)


def _read_arrow(path: str) -> pd.DataFrame:
    with pa.memory_map(path) as source:
        return pa.ipc.open_file(source).read_all().to_pandas()


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
    """Run the upsert in the long-lived `python -m sla_core.store.worker`, relaying progress.

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
        [sys.executable, "-m", "sla_core.store.worker", str(os.getpid())],
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


def _die_with_parent() -> None:
    """Linux: the kernel sends this process SIGKILL when the parent dies (PR_SET_PDEATHSIG)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except OSError:
        pass


def _serve(argv: list[str]) -> int:
    """The worker side: one job a line on standard input, until its end (the parent is gone)."""
    (parent,) = argv
    _die_with_parent()
    if os.getppid() != int(parent):
        return 1  # the parent died before the line above took effect
    for line in sys.stdin:
        if not line.strip():
            continue
        job = json.loads(line)
        if job.get("parent") != os.getppid():
            return 1
        if not _job(job):
            return 1
        _reset_peak()
    return 0


def _job(job: dict[str, Any]) -> bool:
    """Read the frame, upsert it, answer with one JSON line; False: the parent is gone."""
    set_now(from_micros(job["now"]))
    os.environ["LEADPACT_IMPORT_WAIT_SECONDS"] = str(job["wait"])
    frame = _read_arrow(job["path"])
    unit = None
    if "unit" in job:
        rejects = _read_arrow(str(Path(job["path"]).with_name("rejects.arrow")))
        unit = ImportUnit(rejects=rejects, **job["unit"])
    gone = False

    def relay(fraction: float, message: str) -> None:
        nonlocal gone
        _say({"progress": fraction, "message": message})
        answer = sys.stdin.readline()
        gone = not answer or os.getppid() != job["parent"]
        if answer.strip() != "go" or gone:
            raise _Stopped

    engine = create_engine(job["url"])
    try:
        result = upsert_in_process(engine, frame, job["batch_id"], job["actor_id"], relay, unit)
    except _Stopped:
        if not gone:
            _say({"stopped": True})
        return not gone
    except Exception as exc:  # every failure goes back to the caller as a message
        kind = type(exc).__name__
        text = str(exc) if isinstance(exc, LeadStoreError) else f"{kind}: {exc}"
        _say({"error": text, "kind": kind})
        return True
    finally:
        engine.dispose()
    _say(
        {
            "result": [result.new, result.changed, result.unchanged],
            "seconds": result.seconds,
            "peak_mib": _peak_mib(),
            "created": list(result.created_people),
            "rejects": list(result.rejects),
        }
    )
    return True


def _reset_peak() -> None:
    """Linux: start this process's peak-memory count afresh, so each job reports its own."""
    with suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _peak_mib() -> float | None:
    """This process's peak resident memory since it started (Linux VmHWM)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    line = next((row for row in status.splitlines() if row.startswith("VmHWM:")), None)
    return int(line.split()[1]) / 1024 if line else None


def _say(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    raise SystemExit(_serve(sys.argv[1:]))
