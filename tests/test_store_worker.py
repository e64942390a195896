"""The long-lived SQLite writer: one worker process serves this process's imports in turn."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from sla_core import db
from sla_core.clock import from_micros
from sla_core.store import worker
from sla_core.store.snapshot import read_leads
from sla_core.store.writer import upsert_leads
from tests.test_lead_store import _frame


class Stop(Exception):
    """The person pressed stop."""


def test_imports_in_turn_share_one_worker(sqlite_engine: Engine) -> None:
    upsert_leads(engine=sqlite_engine, frame=_frame(3), batch_id=None, actor_id=None)
    first = worker._WRITER.child
    assert first is not None and first.poll() is None
    upsert_leads(engine=sqlite_engine, frame=_frame(3, start=3), batch_id=None, actor_id=None)
    assert worker._WRITER.child is first  # no new process for the second import
    assert len(read_leads(sqlite_engine)) == 6


def test_a_stopped_import_stores_nothing_and_the_next_one_works(sqlite_engine: Engine) -> None:
    def stop_once_compared(fraction: float, _message: str) -> None:
        if fraction >= 0.05:
            raise Stop

    with pytest.raises(Stop):
        upsert_leads(
            engine=sqlite_engine,
            frame=_frame(5),
            batch_id=None,
            actor_id=None,
            progress=stop_once_compared,
        )
    assert read_leads(sqlite_engine).empty
    result = upsert_leads(engine=sqlite_engine, frame=_frame(2), batch_id=None, actor_id=None)
    assert (result.new, len(read_leads(sqlite_engine))) == (2, 2)


def test_an_import_that_finds_the_worker_busy_gets_its_own(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    other = tmp_path / "other.db"
    other_engine = db.make_engine(f"sqlite:///{other}")
    db.migrate(other_engine)
    inside = threading.Event()
    release = threading.Event()

    def hold(fraction: float, _message: str) -> None:
        if fraction >= 0.05 and not inside.is_set():
            inside.set()
            release.wait(30)

    holder = threading.Thread(
        target=upsert_leads,
        kwargs={"engine": sqlite_engine, "frame": _frame(4), "batch_id": None, "actor_id": None,
                "progress": hold},
    )  # fmt: skip
    holder.start()
    assert inside.wait(60)
    busy = worker._WRITER.child
    result = upsert_leads(engine=other_engine, frame=_frame(2), batch_id=None, actor_id=None)
    assert result.new == 2 and worker._WRITER.child is busy  # served by a spare worker
    release.set()
    holder.join(60)
    assert len(read_leads(sqlite_engine)) == 4 and len(read_leads(other_engine)) == 2
    other_engine.dispose()


def test_the_worker_stamps_writes_by_the_clock_of_the_process_that_asked(
    sqlite_engine: Engine, clock_at: Callable[[datetime], None]
) -> None:
    upsert_leads(engine=sqlite_engine, frame=_frame(1), batch_id=None, actor_id=None)  # warm
    clock_at(datetime(2031, 5, 17, 9, 0, tzinfo=UTC))
    upsert_leads(engine=sqlite_engine, frame=_frame(1, start=1), batch_id=None, actor_id=None)
    with sqlite_engine.connect() as conn:
        stamped = conn.execute(text("SELECT updated_at FROM lead WHERE lead_key = 'hs-1'")).scalar()
    assert from_micros(int(stamped)).date() == datetime(2031, 5, 17).date()
