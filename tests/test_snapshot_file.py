"""The snapshot kept on disk between server starts: a server started from it, after any
writes made while no server ran, has the frame a full read gives; a database created again
under the same URL never meets the old file; a damaged file is read past, not trusted."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from sla_core import db, leads
from sla_core.models import Lead, Role, Setting, User
from sla_core.store import refresh, snapshot, snapshot_file
from tests.support.apptest import app_url, sign_in, template_db  # noqa: F401
from tests.test_snapshot_refresh import WRITE, apply, assert_same_as_full_read, lead_ids, seed


@pytest.fixture(autouse=True)
def keep_small(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the tests' dozen-lead snapshots (a server keeps only large ones)."""
    monkeypatch.setattr(snapshot_file, "KEEP_FROM", 1)


def people(engine: Engine) -> tuple[User, list[User]]:
    with Session(engine) as session:
        admin = session.exec(select(User).where(User.username == "boss")).one()
        reps = list(session.exec(select(User).where(User.role == Role.SALES_REP)))
        session.expunge_all()
    return admin, reps


def full_load(engine: Engine) -> snapshot.Shared:
    with Session(engine) as session:
        return refresh.load(engine, refresh.probe(session=session))


def started(
    engine: Engine, keeper: snapshot_file.Keeper
) -> tuple[snapshot.Shared, snapshot.Shared | None]:
    """What a server just started loads: the kept file brought up to date."""
    with Session(engine) as session:
        mark = refresh.probe(session=session)
    first = keeper.first()
    shared = refresh.load(engine, mark, first)
    assert shared.revision == mark.revision
    return shared, first


def kept(engine: Engine, tmp_path: Path) -> snapshot_file.Keeper:
    """A keeper in `tmp_path`, holding the database's snapshot as it is now."""
    keeper = snapshot_file.Keeper(engine, tmp_path / "cache")
    thread = keeper.loaded(full_load(engine), whole=True)
    assert thread is not None
    thread.join()
    return keeper


def test_a_kept_snapshot_reads_back_as_it_was(engine: Engine, tmp_path: Path) -> None:
    seed(engine)
    before = full_load(engine)
    keeper = kept(engine, tmp_path)
    back = keeper.first()
    assert back is not None and back.revision == before.revision and back.mark is not None
    assert_same_as_full_read(engine, back)
    path = keeper.path()
    assert path is not None and path.parent == tmp_path / "cache"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # the leads, like the database file
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert not list(path.parent.glob(".leads-*"))  # no half-written file left behind


@pytest.mark.skipif(not Path("/proc/self/smaps").exists(), reason="reads Linux's /proc")
def test_a_kept_snapshots_pages_are_left_to_the_file_cache_and_read_the_same(
    engine: Engine, tmp_path: Path
) -> None:
    """The text columns stay views of the kept file; a hand-back takes its pages out of the
    app's resident memory (`process.mapped`) and the frame reads the same afterwards."""
    from sla_core.store import process
    from tests.test_process_gc import mapped_resident_kib

    seed(engine)
    keeper = kept(engine, tmp_path)
    back, path = keeper.first(), keeper.path()
    assert back is not None and path is not None
    before = back.frame.astype(str).to_numpy().tolist()  # every value read
    assert mapped_resident_kib(path) > 0
    process.give_back_memory()
    assert mapped_resident_kib(path) == 0
    assert back.frame.astype(str).to_numpy().tolist() == before
    assert_same_as_full_read(engine, back)


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(writes=st.lists(WRITE, min_size=0, max_size=6))
def test_a_server_started_from_the_kept_file_sees_every_write_since(
    engine: Engine, tmp_path: Path, writes: list[tuple[Any, ...]]
) -> None:
    if not lead_ids(engine):
        seed(engine)
    keeper = kept(engine, tmp_path)
    admin, reps = people(engine)
    for write in writes:  # while no server runs
        apply(engine, admin, reps, write)
    shared, first = started(engine, keeper)
    assert_same_as_full_read(engine, shared)
    assert first is not None and (shared is first or shared.delta is not None)  # no full read


def test_a_database_created_again_never_meets_the_old_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'again.db'}"
    engine = db.make_engine(url)
    db.migrate(engine)
    admin, _ = seed(engine)
    keeper = kept(engine, tmp_path)
    old_file = keeper.path()
    engine.dispose()
    (tmp_path / "again.db").unlink()
    # the same URL, the same ids and stamps, other data: only the database's id tells
    engine = db.make_engine(url)
    db.migrate(engine)
    seed(engine)
    with Session(engine) as session:
        lead_id = session.exec(select(Lead.id)).first()
        assert lead_id is not None
        leads.record_touch(session=session, lead_id=lead_id, kind="call", actor=admin)
        session.commit()
    again = snapshot_file.Keeper(engine, tmp_path / "cache")
    assert again.path() is None and again.first() is None  # no id yet: nothing kept
    assert old_file is not None and old_file.exists()
    assert_same_as_full_read(engine, started(engine, again)[0])


def test_a_damaged_or_foreign_file_is_read_past(engine: Engine, tmp_path: Path) -> None:
    seed(engine)
    keeper = kept(engine, tmp_path)
    path = keeper.path()
    assert path is not None
    path.write_bytes(path.read_bytes()[:1000])  # cut short (a full disk, say)
    assert keeper.first() is None
    path.write_bytes(b"")  # empty: nothing to map
    assert keeper.first() is None
    other = pa.table({"id": [1, 2]})  # an Arrow file, but not a snapshot of these leads
    with pa.OSFile(str(path), "wb") as out, pa.ipc.new_file(out, other.schema) as writer:
        writer.write_table(other)
    assert keeper.first() is None
    assert_same_as_full_read(engine, started(engine, keeper)[0])  # a full read instead


def test_only_large_snapshots_are_kept_and_rewritten_at_most_every_half_hour(
    sqlite_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin, _ = seed(sqlite_engine)
    keeper = snapshot_file.Keeper(sqlite_engine, tmp_path / "cache")
    monkeypatch.setattr(snapshot_file, "KEEP_FROM", 13)  # the seed has 12 leads
    assert keeper.loaded(full_load(sqlite_engine), whole=True) is None
    with Session(sqlite_engine) as session:
        assert session.get(Setting, snapshot_file.ID_KEY) is None  # not even an id stored
    monkeypatch.setattr(snapshot_file, "KEEP_FROM", 12)
    first = full_load(sqlite_engine)
    thread = keeper.loaded(first, whole=True)
    assert thread is not None
    thread.join()
    lead_id = int(first.frame["id"].iloc[0])
    with Session(sqlite_engine) as session:
        leads.record_touch(session=session, lead_id=lead_id, kind="call", actor=admin)
        session.commit()
        mark = refresh.probe(session=session)
    later = refresh.load(sqlite_engine, mark, first)
    assert later.delta is not None  # a refresh, minutes after the full read: not rewritten
    assert keeper.loaded(later, whole=False) is None
    monkeypatch.setattr(snapshot_file.Keeper, "RESAVE", mark.at - first.mark.at)  # type: ignore[union-attr]
    thread = keeper.loaded(later, whole=False)  # due now
    assert thread is not None
    thread.join()
    back = keeper.first()
    assert back is not None and back.revision == later.revision


def test_the_setting_turns_keeping_off() -> None:
    from sla_core.settings import Settings

    assert Settings.from_environ({"LEADPACT_SNAPSHOT_DIR": "off"}).snapshot_dir is None
    assert Settings.from_environ({"LEADPACT_SNAPSHOT_DIR": "/srv/x"}).snapshot_dir == Path("/srv/x")
    assert Settings.from_environ({}).snapshot_dir == Path(db.__file__).parents[1] / "data" / "cache"


def test_the_app_starts_from_the_kept_file_and_shows_what_changed_while_it_was_down(
    app_url: str,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ui import data

    monkeypatch.setenv("LEADPACT_SNAPSHOT_DIR", str(tmp_path / "kept"))
    for cached in (data.shared_snapshot, data._latest, data._keeper):  # noqa: SLF001
        cached.clear()  # a server just started
    at = sign_in("salesmanager")
    assert not at.exception and at.metric
    keeper = data._keeper(app_url)  # noqa: SLF001
    assert keeper is not None
    keeper._writing.join()  # type: ignore[union-attr]  # noqa: SLF001
    path = keeper.path()
    assert path is not None and path.parent == tmp_path / "kept" and path.exists()

    engine = data.engine_for(app_url)
    with Session(engine) as session:  # the rep logs a call while the server is down
        rep = session.exec(select(User).where(User.username == "salesrep")).one()
        lead = session.exec(select(Lead).where(Lead.lead_key == "own")).one()
        leads.record_touch(session=session, lead_id=lead.id or 0, kind="call", actor=rep)
        session.commit()
    for cached in (data.shared_snapshot, data._latest, data._keeper):  # noqa: SLF001
        cached.clear()  # and it starts again

    def no_full_read(*_: object, **__: object) -> None:
        raise AssertionError("a server with a kept snapshot read every lead")

    monkeypatch.setattr(refresh, "read_leads", no_full_read)
    at = sign_in("salesrep").switch_page("pages/leads.py").run()
    assert not at.exception
    frame = data.current_snapshot().frame
    assert frame.loc[frame["lead_key"] == "own", "touches"].tolist() == [1]
    assert_same_as_full_read(engine, data.current_snapshot())
