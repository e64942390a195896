"""Import records: the attempt recorded before the work, failed or finished, listed with rejects.

A batch is committed as 'running' naming its process ("host:pid:start"); the import's own
transaction finishes it together with the leads. An import whose process is gone while its
batch says 'running' was interrupted (killed, a crash): it is shown, and then stored, as failed.
"""

from __future__ import annotations

import hashlib
import os
import socket
import time
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from sla_core.access import Permission, require
from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.models import BatchStatus, ImportBatch, ImportReject, User
from sla_core.store.results import import_wait_seconds

INTERRUPTED = "interrupted: the import's process stopped before it finished; nothing was stored"
# A batch running on another machine gives no sign of life we can check: after this long
# it cannot still be running (a million rows take under a minute).
_SILENT_LIMIT = timedelta(hours=6)
_HOST = socket.gethostname()[:120]


def _start_ticks(pid: int) -> str:
    """When a process started (Linux clock ticks since boot), to tell a reused pid apart."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return "?"


def runner_id() -> str:
    """This process, as the batch records it."""
    pid = os.getpid()
    return f"{_HOST}:{pid}:{_start_ticks(pid)}"


def runner_alive(runner: str | None, started_at: datetime | None) -> bool:
    """Whether the process a 'running' batch names may still be working on it."""
    if not runner:
        return True
    host, _, rest = runner.partition(":")
    pid_text, _, ticks = rest.partition(":")
    if host != _HOST or not pid_text.isdigit():
        return started_at is None or now() - started_at < _SILENT_LIMIT
    pid = int(pid_text)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return ticks in ("?", _start_ticks(pid))


def start_batch(*, engine: Engine, filename: str, data: bytes, preset: str, actor: User) -> int:
    """Record the attempt as 'running' (committed at once, so a crash still leaves a trace)."""
    require(actor, Permission.IMPORT_LEADS)
    deadline = time.monotonic() + import_wait_seconds()
    while True:
        try:
            with session_scope(engine) as session:
                batch = ImportBatch(
                    filename=filename[:500],
                    file_hash=hashlib.sha256(data).hexdigest(),
                    preset=preset,
                    user_id=actor.id,
                    runner=runner_id(),
                )
                session.add(batch)
                session.flush()
                assert batch.id is not None
                return batch.id
        except OperationalError as exc:  # SQLite: another import holds the write lock
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def fail_batch(*, engine: Engine, batch_id: int, message: str, actor: User) -> None:
    """Mark a running import failed with the reason (its transaction stored nothing)."""
    require(actor, Permission.IMPORT_LEADS)
    with session_scope(engine) as session:
        session.exec(
            update(ImportBatch)
            .where(col(ImportBatch.id) == batch_id, col(ImportBatch.status) == BatchStatus.RUNNING)
            .values(status=BatchStatus.FAILED, message=message[:4000], finished_at=now())
        )


def mark_interrupted(*, session: Session, actor: User) -> list[int]:
    """Store as failed every 'running' import whose process is gone; their ids."""
    require(actor, Permission.IMPORT_LEADS)
    running = session.exec(
        select(ImportBatch).where(col(ImportBatch.status) == BatchStatus.RUNNING)
    ).all()
    gone = [b.id for b in running if b.id is not None and not runner_alive(b.runner, b.started_at)]
    for batch_id in gone:
        session.exec(
            update(ImportBatch)
            .where(col(ImportBatch.id) == batch_id, col(ImportBatch.status) == BatchStatus.RUNNING)
            .values(status=BatchStatus.FAILED, message=INTERRUPTED, finished_at=now())
        )
    return gone


def _shown_status(batch: ImportBatch) -> str:
    if batch.status == BatchStatus.RUNNING and not runner_alive(batch.runner, batch.started_at):
        return BatchStatus.FAILED
    return batch.status


def list_imports(*, session: Session, limit: int = 50) -> pd.DataFrame:
    """The latest imports, newest first: file, who, when, counts, status (interrupted = failed)."""
    rows = session.exec(
        select(ImportBatch, User.name)
        .join(User, col(ImportBatch.user_id) == User.id, isouter=True)
        .order_by(col(ImportBatch.id).desc())
        .limit(limit)
    ).all()
    columns = ["id", "file", "by", "started", "status", "rows", "new", "changed", "unchanged"]
    columns += ["rejected", "sha256"]
    return pd.DataFrame(
        [
            (b.id, b.filename, name, b.started_at, _shown_status(b), b.rows_total, b.new)
            + (b.changed, b.unchanged, b.rejected, b.file_hash[:12])
            for b, name in rows
        ],
        columns=columns,
    )


def batch_rejects(*, session: Session, batch_id: int) -> pd.DataFrame:
    """The rejected rows of one import, by line."""
    rows = session.exec(
        select(ImportReject).where(ImportReject.batch_id == batch_id).order_by(col(ImportReject.id))
    ).all()
    return pd.DataFrame(
        [(r.line, r.column, r.value, r.reason, r.raw) for r in rows],
        columns=["line", "column", "value", "reason", "raw"],
    )
