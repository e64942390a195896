"""The SQLite writer's own process (`python -m sla_core.store.worker_main PARENT_PID`).

It reads one job a line (see `sla_core.store.worker`), upserts on its own ADBC connection
and answers with one JSON line; after each progress line it waits for "go". It exits at the
end of its input (its parent is gone or done with it), and on Linux when its parent dies.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from contextlib import suppress
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
from sqlalchemy import create_engine

from sla_core.clock import from_micros, set_now
from sla_core.store.results import ImportUnit, LeadStoreError
from sla_core.store.upsert import upsert_in_process


class _Stopped(Exception):
    """The caller stopped the import (its progress callback raised) or is gone."""


def _read_arrow(path: str) -> pd.DataFrame:
    with pa.memory_map(path) as source:
        return pa.ipc.open_file(source).read_all().to_pandas()


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
