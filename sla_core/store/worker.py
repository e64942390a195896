"""The SQLite upsert in a worker process.

ADBC's driver carries its own copy of SQLite; in the app process that copy must never open
the database file (see sla_core.store.bulk). A worker that opens it only through ADBC is an
ordinary second process, and SQLite's cross-process locking applies.

The worker never outlives its parent's interest: after each progress line it waits for "go"
(end of input = the parent is gone: roll back), it checks its parent is still the one that
started it before committing, and on Linux the kernel kills it when the parent dies.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine

from sla_core.store.results import ImportUnit, LeadStoreError, Progress, UpsertResult
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


def upsert_in_worker(
    engine: Engine,
    frame: pd.DataFrame,
    batch_id: int | None,
    actor_id: int | None,
    report: Progress,
    unit: ImportUnit | None = None,
) -> UpsertResult:
    """Run the upsert in `python -m sla_core.store.worker`, relaying progress line by line.

    After each progress line the worker waits for "go"; if the callback raises, the worker
    is told to stop and rolls back, and the callback's exception is re-raised here.
    """
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="leadpact-upsert-") as folder:
        path = Path(folder) / "frame.arrow"
        _write_arrow(frame, path)
        job: dict[str, Any] = {"batch_id": batch_id, "actor_id": actor_id, "parent": os.getpid()}
        if unit is not None:
            _write_arrow(unit.rejects, Path(folder) / "rejects.arrow")
            job["unit"] = unit.describe()
        url = engine.url.render_as_string(hide_password=False)
        root = str(Path(__file__).resolve().parents[2])
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")]),
            # measured: the system allocator reads a 1M-row frame faster and smaller (see bench)
            "ARROW_DEFAULT_MEMORY_POOL": "system",
        }
        command = [sys.executable, "-m", "sla_core.store.worker", url, str(path), json.dumps(job)]
        answer = _converse(command, env, report)
        worker_exit = answer.pop("_exit", None)
    if "error" in answer:
        error = LeadStoreError if answer["kind"] == "LeadStoreError" else RuntimeError
        raise error(answer["error"])
    if "result" not in answer:
        raise RuntimeError(f"the import worker stopped unexpectedly (exit {worker_exit})")
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


def _converse(command: list[str], env: dict[str, str], report: Progress) -> dict[str, Any]:
    """Relay the worker's progress; its final JSON line is the answer."""
    answer: dict[str, Any] = {}
    with subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
    ) as worker:
        assert worker.stdin is not None and worker.stdout is not None
        try:
            for line in worker.stdout:
                if not line.startswith("{"):
                    continue  # a library's stray output, not the protocol
                message = json.loads(line)
                if "progress" in message:
                    report(message["progress"], message["message"])
                    worker.stdin.write("go\n")
                    worker.stdin.flush()
                else:
                    answer = message
        except BaseException:
            worker.stdin.close()  # the worker reads end-of-input, rolls back and exits
            worker.wait()
            raise
    answer["_exit"] = worker.returncode
    return answer


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


def _worker(argv: list[str]) -> int:
    """The worker side: read the frame, upsert it, answer with one JSON line."""
    url, path, raw_job = argv
    job = json.loads(raw_job)
    _die_with_parent()
    if os.getppid() != job["parent"]:
        return 1  # the parent died before the line above took effect
    frame = _read_arrow(path)
    unit = None
    if "unit" in job:
        rejects = _read_arrow(str(Path(path).with_name("rejects.arrow")))
        unit = ImportUnit(rejects=rejects, **job["unit"])

    def relay(fraction: float, message: str) -> None:
        _say({"progress": fraction, "message": message})
        if sys.stdin.readline().strip() != "go" or os.getppid() != job["parent"]:
            raise _Stopped

    try:
        result = upsert_in_process(
            create_engine(url), frame, job["batch_id"], job["actor_id"], relay, unit
        )
    except _Stopped:
        return 1
    except Exception as exc:  # every failure goes back to the caller as a message
        kind = type(exc).__name__
        text = str(exc) if isinstance(exc, LeadStoreError) else f"{kind}: {exc}"
        _say({"error": text, "kind": kind})
        return 1
    answer = {
        "result": [result.new, result.changed, result.unchanged],
        "seconds": result.seconds,
        "peak_mib": _peak_mib(),
        "created": list(result.created_people),
        "rejects": list(result.rejects),
    }
    _say(answer)
    return 0


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
    raise SystemExit(_worker(sys.argv[1:]))
