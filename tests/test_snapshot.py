"""The lead snapshot: read through Arrow on SQLite and PostgreSQL, frozen, keyed by revision."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from sla_core import leads
from sla_core.models import Lead, Role, User
from sla_core.store import bulk, pg_reader, snapshot

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def world(engine: Engine):  # type: ignore[no-untyped-def]
    """Two reps; three leads: the first rep's MQL, an unowned lead with empty text, a won one."""
    with Session(engine, expire_on_commit=False) as session:
        rep = User(username="rep.a", name="Rep A", role=Role.SALES_REP)
        other = User(username="rep.b", name="Rep B", role=Role.SALES_REP)
        session.add_all([rep, other])
        session.flush()
        session.add_all(
            [
                Lead(lead_key="l1", created_at=T0, stage="mql", mql_at=T0, owner_id=rep.id,
                     source="webinar", email="a@x.io", updated_at=T0),
                Lead(lead_key="l2", created_at=T0, stage="lead", updated_at=T0),
                Lead(lead_key="l3", created_at=T0, stage="won", owner_id=other.id,
                     source="webinar", closed_at=T0, updated_at=T0),
            ]
        )  # fmt: skip
        session.commit()
    return engine, rep, other


def test_read_leads_returns_aware_times_and_scopes_by_owner(world) -> None:  # type: ignore[no-untyped-def]
    engine, rep, other = world
    frame = snapshot.read_leads(engine)
    assert len(frame) == 3 and str(frame["created_at"].dt.tz) == "UTC"
    assert frame["created_at"].iloc[0] == T0
    assert frame["closed_at"].isna().tolist() == [True, True, False]
    assert snapshot.read_leads(engine, owner_id=rep.id)["lead_key"].tolist() == ["l1"]
    assert len(snapshot.read_leads(engine, owner_id=12345)) == 0


def test_page_snapshot_reads_page_columns_with_categories(world) -> None:  # type: ignore[no-untyped-def]
    engine, _, _ = world
    frame = snapshot.read_leads(engine, columns=snapshot.SNAPSHOT_COLUMNS)
    assert "row_hash" not in frame and "import_batch_id" not in frame and "lead_key" in frame
    assert isinstance(frame["stage"].dtype, pd.CategoricalDtype)
    assert frame["stage"].tolist() == ["mql", "lead", "won"]
    assert frame["source"].isna().tolist() == [False, True, False]  # NULL stays missing
    # a text column NULL in every row still reads as text (not SQLite's int64 guess)
    assert frame["department"].isna().all() and frame["email"].dtype == "str"
    assert (frame["stage"] == "won").tolist() == [False, False, True]


def test_a_large_read_in_two_parts_equals_the_read_in_one(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A large table is read in two parts side by side (SQLite: two id ranges in its reader's
    threads; PostgreSQL: two sets of columns on two connections, each column in one chunk):
    the same frame, in id order, also when a text column is NULL in every row of one half
    (that half's type guess)."""
    engine, rep, _ = world
    whole = snapshot.read_leads(engine, columns=snapshot.SNAPSHOT_COLUMNS)
    mine = snapshot.read_leads(engine, owner_id=rep.id)
    assert snapshot._middle_id(engine) is None  # noqa: SLF001 - 3 leads: one query
    monkeypatch.setattr(snapshot, "HALVES_FROM", 2)
    assert snapshot._middle_id(engine) == int(whole["id"].iloc[1])  # noqa: SLF001
    queries = _recorded_parts(monkeypatch)
    table = snapshot.read_table(engine, snapshot.SNAPSHOT_COLUMNS, owner_id=None, halves=True)
    assert table.column_names == list(snapshot.SNAPSHOT_COLUMNS)
    halved = snapshot.read_leads(engine, columns=snapshot.SNAPSHOT_COLUMNS)
    if engine.url.get_backend_name() != "sqlite":  # SQLite's reader reads them on its own
        assert len(queries) == 4 and all(q.endswith("ORDER BY id") for q in queries)
        assert '"email"' in queries[1] and '"email"' not in queries[0] and '"id"' in queries[0]
        assert all(table.column(c).num_chunks == 1 for c in table.column_names)
    pd.testing.assert_frame_equal(halved, whole)
    assert halved["email"].isna().tolist() == [False, True, True]
    pd.testing.assert_frame_equal(snapshot.read_leads(engine, owner_id=rep.id), mine)


@pytest.mark.postgres
def test_the_column_sets_are_read_in_one_snapshot(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL: the two sets of columns are the same rows, also when leads are added and
    changed while they are read: both parts read the database as it was when the first part's
    snapshot was taken (here the writes commit before either part's query runs)."""
    engine, rep, other = world
    if engine.url.get_backend_name() == "sqlite":
        pytest.skip("two sets of columns are read on PostgreSQL only")
    before = snapshot.read_leads(engine, columns=snapshot.SNAPSHOT_COLUMNS)
    monkeypatch.setattr(snapshot, "HALVES_FROM", 2)
    read_part = pg_reader._read_part  # noqa: SLF001
    written = threading.Event()
    first = threading.Lock()

    def after_a_write(conn: object, sql: str) -> pa.Table:
        if first.acquire(blocking=False):
            with Session(engine) as session:
                session.add(Lead(lead_key="l4", created_at=T0, stage="mql", email="new@x.io"))
                lead = session.get(Lead, int(before["id"].iloc[0]))
                assert lead is not None
                lead.email, lead.owner_id = "moved@x.io", other.id  # one text, one number
                session.commit()
            written.set()
        assert written.wait(30)
        return read_part(conn, sql)

    monkeypatch.setattr(pg_reader, "_read_part", after_a_write)
    during = snapshot.read_leads(engine, columns=snapshot.SNAPSHOT_COLUMNS)
    pd.testing.assert_frame_equal(during, before)  # neither the new lead nor the change
    monkeypatch.setattr(pg_reader, "_read_part", read_part)
    after = snapshot.read_leads(engine, columns=snapshot.SNAPSHOT_COLUMNS)
    assert len(after) == 4
    assert after[["email", "owner_id"]].iloc[0].tolist() == ["moved@x.io", other.id]


@pytest.mark.postgres
def test_a_server_that_shares_no_snapshot_is_read_in_one_query(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL: when the second connection cannot adopt the first one's snapshot (here a
    snapshot the server does not know), every column is read in one query: the same frame."""
    engine, _, _ = world
    if engine.url.get_backend_name() == "sqlite":
        pytest.skip("two sets of columns are read on PostgreSQL only")
    whole = snapshot.read_leads(engine, columns=snapshot.SNAPSHOT_COLUMNS)
    monkeypatch.setattr(snapshot, "HALVES_FROM", 2)

    def refused(conns: list[object]) -> None:
        with conns[-1].cursor() as cur:  # type: ignore[attr-defined]
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cur.execute("SET TRANSACTION SNAPSHOT '00000000-00000000-1'")

    monkeypatch.setattr(pg_reader, "_share_snapshot", refused)
    queries = _recorded_parts(monkeypatch)
    pd.testing.assert_frame_equal(
        snapshot.read_leads(engine, columns=snapshot.SNAPSHOT_COLUMNS), whole
    )
    assert len(queries) == 1 and '"email"' in queries[0] and '"owner_id"' in queries[0]


def _recorded_parts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The SQL of every part `pg_reader` reads from now on, in order."""
    queries: list[str] = []
    read_part = pg_reader._read_part  # noqa: SLF001

    def counted(conn: object, sql: str) -> pa.Table:
        queries.append(sql)
        return read_part(conn, sql)

    monkeypatch.setattr(pg_reader, "_read_part", counted)
    return queries


def test_empty_table_reads_with_its_columns(engine: Engine) -> None:
    frame = snapshot.read_leads(engine, columns=snapshot.SNAPSHOT_COLUMNS)
    assert frame.empty and list(frame.columns) == list(snapshot.SNAPSHOT_COLUMNS)


def test_sqlite_read_of_a_missing_file_is_one_clear_error(tmp_path: Path) -> None:
    from sla_core import db

    engine = db.make_engine(f"sqlite:///{tmp_path / 'none' / 'x.db'}")
    with pytest.raises(snapshot.SnapshotError, match="no such table: lead"):
        snapshot.read_leads(engine)


def test_read_arrow_on_sqlite_runs_in_a_child_process(sqlite_engine: Engine) -> None:
    table = bulk.read_arrow(sqlite_engine, "SELECT ? AS a, 'x' AS b", [7])
    assert table.to_pydict() == {"a": [7], "b": ["x"]}


def test_data_revision_changes_on_touch_insert_and_sqlite_delete(world) -> None:  # type: ignore[no-untyped-def]
    engine, rep, _ = world
    with Session(engine) as session:
        first = snapshot.data_revision(session=session)
        assert snapshot.data_revision(session=session) == first  # stable while nothing changes
        lead_id = session.exec(Lead.__table__.select().where(Lead.lead_key == "l1")).one().id  # type: ignore[attr-defined]
        leads.record_touch(session=session, lead_id=lead_id, kind="call", actor=rep)
        session.commit()
        touched = snapshot.data_revision(session=session)
        assert touched != first
        session.add(Lead(lead_key="l4", created_at=T0, updated_at=T0))
        session.commit()
        added = snapshot.data_revision(session=session)
        assert added != touched
        if engine.dialect.name == "sqlite":  # PostgreSQL: a deletion records an event
            session.delete(session.get(Lead, lead_id))
            session.commit()
            assert snapshot.data_revision(session=session) not in {first, touched, added}


def test_frozen_snapshot_refuses_writes_and_views_stay_apart() -> None:
    frame = pd.DataFrame(
        {
            "n": [1, 2],
            "at": pd.to_datetime(["2026-01-01", "2026-01-02"], utc=True),
            "stage": pd.Categorical(["mql", "won"]),
        }
    )
    shared = snapshot.freeze(frame)
    with pytest.raises(ValueError, match="read-only"):
        shared.loc[0, "n"] = 5
    # pandas 3.1 reports the read-only datetime array as an internal AssertionError
    with pytest.raises((ValueError, AssertionError)):
        shared.loc[0, "at"] = pd.Timestamp("2027-01-01", tz="UTC")
    assert shared["n"].tolist() == [1, 2] and shared["at"].dt.year.tolist() == [2026, 2026]
    view = shared.copy(deep=False)
    view.loc[0, "n"] = 9  # copy-on-write: the view gets its own column
    view["extra"] = 1
    assert shared["n"].tolist() == [1, 2] and "extra" not in shared


def test_shared_memo_computes_once_per_key_and_keeps_a_bound() -> None:
    shared = snapshot.Shared("r1", pd.DataFrame({"owner_id": [1.0, 2.0, 1.0]}), limit=2)
    calls: list[str] = []
    for key in ("a", "a", "b", "a", "c", "b"):
        shared.memo(key, lambda k=key: calls.append(k) or k)  # type: ignore[func-returns-value]
    assert calls == ["a", "b", "c", "b"]  # "b" was dropped when "c" came (limit 2)
    mine = shared.for_owner(1)
    assert mine is shared.for_owner(1) and len(mine) == 2
    assert shared.for_owner(None) is shared.frame


def test_a_new_stamp_replaces_the_entry_instead_of_adding_one() -> None:
    shared = snapshot.Shared("r1", pd.DataFrame({"owner_id": [1.0]}))
    calls: list[int] = []
    for minute in (1, 1, 2, 2, 3):
        value = shared.memo("clocks", lambda m=minute: calls.append(m) or m, stamp=minute)  # type: ignore[func-returns-value]
        assert value == minute
    assert calls == [1, 2, 3]  # once per minute
    assert shared.computed() == ("clocks",)  # one entry, not one per minute


def test_columns_read_from_one_message_are_copied_out_of_it() -> None:
    """SQLite's reader hands every column over as a slice of one IPC message; the snapshot
    copies each into buffers of its own, so the message can go once the frame is built."""
    table = pa.table({"id": pa.array([1, 2, 3], pa.int64()), "email": ["a@x.io", None, "c@x.io"]})
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    read = pa.ipc.open_stream(sink.getvalue()).read_all()

    def sliced(t: pa.Table) -> bool:
        return any(
            b is not None and b.parent is not None
            for column in t.columns
            for chunk in column.chunks
            for b in chunk.buffers()
        )

    assert sliced(read)  # what the reader gives
    owned = snapshot._owned(read)  # noqa: SLF001
    assert not sliced(owned) and owned.equals(table)


def test_a_frame_read_from_a_two_batch_message_holds_nothing_of_it() -> None:
    """A large read comes as one record batch per id half: the text columns are copied out
    (and joined), the other columns are left for pandas, which joins them into arrays of
    its own; no column of the frame lies in the message, so the message can go."""
    halves = [
        pa.record_batch(
            {
                "id": pa.array(ids, pa.int64()),
                "email": pa.array([f"{i}@x.io" for i in ids]),
                "score": pa.array([float(i) if i % 2 else None for i in ids]),
                "stage": pa.array(["won" if i % 3 else "lost" for i in ids]).dictionary_encode(),
                "at": pa.array([i * 1_000_000 for i in ids], pa.timestamp("us", tz="UTC")),
            }
        )
        for ids in (range(1, 51), range(51, 101))
    ]
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, halves[0].schema) as writer:
        for half in halves:
            writer.write_batch(half)
    message = sink.getvalue()
    read = pa.ipc.open_stream(message).read_all()
    assert read.column("id").num_chunks == 2
    owned = snapshot._owned(read)  # noqa: SLF001
    assert owned.column("email").num_chunks == 1  # joined by its copy
    assert owned.column("id").num_chunks == 2  # left for pandas to join
    frame = owned.to_pandas(split_blocks=True)
    inside = range(message.address, message.address + message.size)

    def addresses(values: object) -> list[int]:
        arrow = getattr(values, "_pa_array", None)
        if arrow is not None:
            return [b.address for c in arrow.chunks for b in c.buffers() if b is not None]
        for name in ("_ndarray", "_codes"):
            values = getattr(values, name, values)
        return [values.__array_interface__["data"][0]]  # type: ignore[attr-defined]

    held = {c: [a for a in addresses(frame[c].array) if a in inside] for c in frame.columns}
    assert held == {c: [] for c in frame.columns}
    expected = pa.Table.from_batches(halves).to_pandas()
    pd.testing.assert_frame_equal(frame, expected)
