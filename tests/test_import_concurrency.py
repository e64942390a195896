"""Imports at once, imports that fail or are killed: no duplicated people, no moved leads,
nothing half-written, nothing shown as running forever (SQLite and PostgreSQL, real threads
and processes)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from sla_core.access import system_actor
from sla_core.db import session_scope
from sla_core.importing.batches import INTERRUPTED, list_imports, mark_interrupted
from sla_core.importing.run import ImportFailed, run_import
from sla_core.models import AuditEntry, ImportBatch, ImportReject, Role, User
from sla_core.people import users
from sla_core.store.snapshot import read_leads

ROOT = Path(__file__).resolve().parents[1]
OWNERS = ["Michael Miller", "Ann Lee", "Sam Ortiz"]


def _admin(engine: Engine) -> User:
    with session_scope(engine) as session:
        user = users.create_user(
            actor=system_actor(), session=session, username="root", name="Root", role=Role.ADMIN
        )
        session.flush()
        session.expunge(user)
    return user


def _file(prefix: str, rows: int = 60) -> bytes:
    """Leads owned in turn by the same three people nobody has created yet."""
    lines = ["Record ID,Email,Contact owner"]
    lines += [f"{prefix}{i},{prefix}{i}@x.io,{OWNERS[i % 3]}" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def _people(engine: Engine) -> list[str]:
    with session_scope(engine) as session:
        return sorted(session.exec(select(User.name).where(User.role == Role.SALES_REP)).all())


def test_two_imports_at_once_create_each_new_owner_once(engine: Engine) -> None:
    admin = _admin(engine)
    files = [_file("a"), _file("b"), _file("a")]  # two of them name the very same leads
    start = threading.Barrier(len(files))
    reports, errors = [], []

    def one(data: bytes) -> None:
        start.wait()
        try:
            reports.append(run_import(engine=engine, data=data, filename="f.csv", actor=admin))
        except Exception as exc:  # pragma: no cover - shown by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(data,)) for data in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert errors == []
    assert _people(engine) == sorted(OWNERS)  # not "michael.miller2"
    created = sorted(name for report in reports for name in report.created_people)
    assert created == sorted(f"{name} (Sales rep)" for name in OWNERS)
    leads = read_leads(engine).set_index("lead_key")
    with session_scope(engine) as session:
        ids = {u.name: u.id for u in session.exec(select(User)).all()}
    for i in (0, 1, 2, 59):
        for prefix in "ab":
            assert leads.loc[f"{prefix}{i}", "owner_id"] == ids[OWNERS[i % 3]]
    assert len(leads) == 120
    again = [run_import(engine=engine, data=data, filename="f.csv", actor=admin) for data in files]
    assert [r.summary() for r in again] == ["0 new, 0 changed, 60 unchanged, 0 rejected"] * 3


def test_a_failed_import_leaves_nothing_behind(engine: Engine) -> None:
    admin = _admin(engine)

    def stop_while_storing(_fraction: float, message: str) -> None:
        if message.startswith("Storing"):
            raise RuntimeError("stopped by the test")

    data = _file("a") + b"bad,not-an-email,Ann Lee\n"
    with pytest.raises(ImportFailed, match="nothing was stored: stopped by the test"):
        run_import(
            engine=engine, data=data, filename="f.csv", actor=admin, progress=stop_while_storing
        )
    assert _people(engine) == []
    assert read_leads(engine).empty
    with session_scope(engine) as session:
        assert session.exec(select(ImportReject)).all() == []
        assert (
            session.exec(select(AuditEntry).where(col(AuditEntry.actor_id) == admin.id)).all() == []
        )
        (batch,) = session.exec(select(ImportBatch)).all()
    assert batch.status == "failed" and "stopped by the test" in (batch.message or "")


def test_created_people_are_audited_with_the_import(engine: Engine) -> None:
    admin = _admin(engine)
    report = run_import(engine=engine, data=_file("a", 3), filename="f.csv", actor=admin)
    with session_scope(engine) as session:
        entries = session.exec(
            select(AuditEntry)
            .where(AuditEntry.action == "user.create", col(AuditEntry.actor_id) == admin.id)
            .order_by(col(AuditEntry.id))
        ).all()
    assert [e.actor_id for e in entries] == [admin.id] * 3
    assert entries[0].detail == f"role=sales_rep; named as owner in import #{report.batch_id}"


def _hold_sqlite_lock(path: str, seconds: float) -> threading.Thread:
    """Another writer holding SQLite's write lock for `seconds` (from another thread)."""
    ready = threading.Event()

    def hold() -> None:
        con = sqlite3.connect(path, isolation_level=None)
        con.execute("BEGIN IMMEDIATE")
        ready.set()
        time.sleep(seconds)
        con.execute("ROLLBACK")
        con.close()

    thread = threading.Thread(target=hold)
    thread.start()
    ready.wait()
    return thread


def test_sqlite_import_waits_for_the_writer_before_it(sqlite_engine: Engine) -> None:
    admin = _admin(sqlite_engine)
    holders: list[threading.Thread] = []

    def lock_once_read(fraction: float, _message: str) -> None:
        if fraction == 0.02 and not holders:  # the batch is recorded, the file not yet stored
            holders.append(_hold_sqlite_lock(str(sqlite_engine.url.database), 3.0))

    started = time.monotonic()
    report = run_import(
        engine=sqlite_engine,
        data=_file("a"),
        filename="f.csv",
        actor=admin,
        progress=lock_once_read,
    )
    holders[0].join()
    assert report.new == 60 and time.monotonic() - started >= 3.0


def test_sqlite_import_gives_up_clearly_after_its_wait(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEADPACT_IMPORT_WAIT_SECONDS", "1")
    admin = _admin(sqlite_engine)
    holders: list[threading.Thread] = []

    def lock_once_read(fraction: float, _message: str) -> None:
        if fraction == 0.02 and not holders:
            holders.append(_hold_sqlite_lock(str(sqlite_engine.url.database), 4.0))

    with pytest.raises(ImportFailed) as caught:
        run_import(
            engine=sqlite_engine,
            data=_file("a"),
            filename="f.csv",
            actor=admin,
            progress=lock_once_read,
        )
    holders[0].join()
    assert str(caught.value) == (
        "nothing was stored: another import was still writing after 1 s of waiting; "
        "nothing was stored: import again when it has finished"
    )
    assert read_leads(sqlite_engine).empty and _people(sqlite_engine) == []


# A process that imports and is killed (SIGKILL, no clean-up) while its leads are being written.
_KILLED = """
import os, signal, sys
from pathlib import Path
from sla_core import db
from sla_core.importing.run import run_import
from sla_core.models import User
from sqlmodel import select

engine = db.make_engine(sys.argv[1])
with db.session_scope(engine) as session:
    admin = session.exec(select(User)).one()
    session.expunge(admin)
marker = Path(sys.argv[2])

def die(_fraction, message):
    if message.startswith("Storing"):
        children = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").read_text().split()
        marker.write_text(" ".join(children))
        os.kill(os.getpid(), signal.SIGKILL)

run_import(engine=engine, data=Path(sys.argv[3]).read_bytes(), filename="big.csv",
           actor=admin, progress=die)
"""


def _gone(pid: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def test_an_import_killed_midway_shows_failed_and_its_worker_commits_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    admin = _admin(engine)
    source = tmp_path / "big.csv"
    source.write_bytes(_file("k", 2000))
    marker = tmp_path / "children"
    url = engine.url.render_as_string(hide_password=False)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", _KILLED, url, str(marker), str(source)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    for pid in marker.read_text().split():  # the SQLite worker, if there was one
        assert _gone(int(pid), within=10), f"the import worker {pid} outlived its parent"
    time.sleep(0.5)
    assert read_leads(engine).empty and _people(engine) == []
    with session_scope(engine) as session:
        shown = list_imports(session=session)
        assert shown["status"].tolist() == ["failed"]
        assert mark_interrupted(session=session, actor=admin) == shown["id"].tolist()
    with session_scope(engine) as session:
        (batch,) = session.exec(select(ImportBatch)).all()
    assert (batch.status, batch.message) == ("failed", INTERRUPTED)
    again = run_import(engine=engine, data=source.read_bytes(), filename="big.csv", actor=admin)
    assert (again.new, _people(engine)) == (2000, sorted(OWNERS))
