"""A write touches what it changed: the snapshot refreshed from the rows written since the last
revision equals a full read, after any sequence of writes, on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from sla_core import clock, db, leads
from sla_core.access import system_actor
from sla_core.importing import ImportOptions
from sla_core.importing.run import run_import
from sla_core.models import BatchStatus, ImportBatch, Lead, Role, Team, TeamKind, User
from sla_core.people import users
from sla_core.stages import IllegalTransition, Stage
from sla_core.store import refresh, snapshot

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
SOURCES = ("webinar", "ads", "event", "referral", "partner")
INDUSTRIES = ("Retail", "Banking", "Health", "Energy")
SERIAL = itertools.count()  # a fresh key for every lead a test adds


def comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """Categories as their values (their order may differ: new ones are appended)."""
    out = frame.copy()
    for name, kind in frame.dtypes.items():
        if isinstance(kind, pd.CategoricalDtype):
            out[name] = frame[name].astype("object")
    return out


def assert_same_as_full_read(engine: Engine, refreshed: snapshot.Shared) -> None:
    full = snapshot.read_leads(engine, columns=snapshot.SNAPSHOT_COLUMNS)
    frame = refreshed.frame
    for name in snapshot.CATEGORY_COLUMNS:
        assert isinstance(frame[name].dtype, pd.CategoricalDtype), name
    pd.testing.assert_frame_equal(comparable(frame), comparable(full))
    # the refreshed frame is frozen like a full read's
    with pytest.raises((ValueError, AssertionError)):
        frame.loc[frame.index[0], "touches"] = -1


def seed(engine: Engine) -> tuple[User, list[User]]:
    with Session(engine, expire_on_commit=False) as session:
        admin = users.create_user(
            actor=system_actor(), session=session, username="boss", name="Boss", role=Role.ADMIN
        )
        team = Team(name="North", kind=TeamKind.SALES)  # only placed reps take leads
        session.add(team)
        session.flush()
        reps = [
            User(username=f"rep{i}", name=f"Rep {i}", role=Role.SALES_REP, team_id=team.id)
            for i in range(3)
        ]
        session.add_all(reps)
        session.flush()
        for i in range(12):
            session.add(
                Lead(
                    lead_key=f"seed{i}@x.io",
                    email=f"seed{i}@x.io",
                    created_at=T0,
                    stage=Stage.MQL if i % 3 else Stage.LEAD,
                    mql_at=T0 if i % 3 else None,
                    owner_id=reps[i % 3].id if i % 4 else None,
                    assigned_at=T0 if i % 4 else None,
                    source=SOURCES[i % 2],
                    industry=INDUSTRIES[i % 2],
                    updated_at=T0,
                )
            )
        session.commit()
    return admin, reps


def lead_ids(engine: Engine) -> list[int]:
    with Session(engine) as session:
        return sorted(int(i) for i in session.exec(select(Lead.id)))  # type: ignore[arg-type]


WRITE = st.one_of(
    st.tuples(st.just("touch"), st.integers(0, 10**6), st.sampled_from([None, -400, 3, 90])),
    st.tuples(st.just("stage"), st.integers(0, 10**6), st.sampled_from(list(Stage))),
    st.tuples(st.just("reassign"), st.integers(0, 10**6), st.integers(0, 2)),
    st.tuples(st.just("import"), st.integers(0, 10**6), st.sampled_from(INDUSTRIES + ("Mining",))),
    st.tuples(st.just("new"), st.integers(0, 10**6), st.sampled_from(SOURCES + ("podcast",))),
)


def apply(engine: Engine, admin: User, reps: list[User], write: tuple[Any, ...]) -> None:
    kind, pick, arg = write
    n = next(SERIAL)
    ids = lead_ids(engine)
    lead_id = ids[pick % len(ids)]
    with Session(engine, expire_on_commit=False) as session:
        try:
            if kind == "touch":  # an earlier instant too: a call logged late
                at = None if arg is None else T0 + timedelta(hours=arg)
                leads.record_touch(
                    session=session, lead_id=lead_id, kind="call", actor=admin, at=at
                )
            elif kind == "stage":
                leads.change_stage(session=session, lead_id=lead_id, target=arg, actor=admin)
            elif kind == "reassign":
                lead = session.get(Lead, lead_id)
                assert lead is not None
                leads.reassign(session=session, lead_id=lead_id, to_owner=reps[arg].id or 0,
                               actor=admin, seen_owner=lead.owner_id)  # fmt: skip
            elif kind == "new":
                session.add(Lead(lead_key=f"new{n}@x.io", email=f"new{n}@x.io", created_at=T0,
                                 source=arg, updated_at=T0))  # fmt: skip
            session.commit()
        except (IllegalTransition, ValueError, leads.StaleLead):
            session.rollback()
    if kind == "import":  # one stored lead updated (a new industry, maybe), one added
        with Session(engine) as session:
            key = session.get(Lead, lead_id).lead_key  # type: ignore[union-attr]
        data = (
            f"Email,Company,Industry,Create Date\n{key},Co {n},{arg},2026-10-01\n"
            f"imp{n}@x.io,New {n},{arg},2026-10-02\n"
        ).encode()
        run_import(engine=engine, data=data, filename="f.csv", actor=admin, options=ImportOptions())


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batches=st.lists(st.lists(WRITE, min_size=1, max_size=4), min_size=1, max_size=3))
def test_refreshed_snapshot_equals_a_full_read_after_random_writes(
    engine: Engine, batches: list[list[tuple[Any, ...]]]
) -> None:
    if not lead_ids(engine):
        seed(engine)
    with Session(engine) as session:
        admin = session.exec(select(User).where(User.username == "boss")).one()
        found = session.exec(select(User).where(User.role == Role.SALES_REP).order_by(User.id))  # type: ignore[arg-type]
        reps = list(found)
        session.expunge_all()
    with Session(engine) as session:
        shared = refresh.load(engine, refresh.probe(session=session))
    partial = 0
    for batch in batches:
        for write in batch:
            apply(engine, admin, reps, write)
        with Session(engine) as session:
            mark = refresh.probe(session=session)
        refreshed = refresh.load(engine, mark, shared)
        assert refreshed.revision == mark.revision
        assert_same_as_full_read(engine, refreshed)
        partial += refreshed.delta is not None or refreshed is shared  # nothing written
        shared = refreshed
    assert partial == len(batches)  # a few writes never needed a full read


def test_a_touch_rereads_one_row_and_shares_every_column_it_left_alone(engine: Engine) -> None:
    admin, reps = seed(engine)
    with Session(engine) as session:
        before = refresh.load(engine, refresh.probe(session=session))
    lead_id = int(before.frame["id"].iloc[5])
    with Session(engine) as session:
        leads.record_touch(session=session, lead_id=lead_id, kind="call", actor=admin)
        session.commit()
        mark = refresh.probe(session=session)
        assert refresh.changed_ids(session, before.mark) == [lead_id]  # type: ignore[arg-type]
    after = refresh.load(engine, mark, before)
    assert after.delta is not None and after.delta.positions.tolist() == [5]
    assert_same_as_full_read(engine, after)
    assert after.frame["touches"].iloc[5] == 1 and before.frame["touches"].iloc[5] == 0
    text = [
        f["email"].array._pa_array.chunks[0].buffers()[-1].address
        for f in (after.frame, before.frame)
    ]  # noqa: SLF001
    assert text[0] == text[1]  # the same Arrow buffer, not a copy
    made = [f["created_at"].array._ndarray for f in (after.frame, before.frame)]  # noqa: SLF001
    assert np.shares_memory(made[0], made[1])
    assert not np.shares_memory(
        after.frame["touches"].to_numpy(), before.frame["touches"].to_numpy()
    )


def test_a_deletion_or_many_changes_fall_back_to_a_full_read(sqlite_engine: Engine) -> None:
    admin, _ = seed(sqlite_engine)
    with Session(sqlite_engine) as session:
        before = refresh.load(sqlite_engine, refresh.probe(session=session))
        session.delete(session.get(Lead, int(before.frame["id"].iloc[3])))
        session.commit()
        mark = refresh.probe(session=session)
    after = refresh.load(sqlite_engine, mark, before)
    assert after.delta is None and len(after.frame) == len(before.frame) - 1
    assert_same_as_full_read(sqlite_engine, after)


def test_memo_entries_carry_over_by_their_update(engine: Engine) -> None:
    admin, reps = seed(engine)
    with Session(engine) as session:
        before = refresh.load(engine, refresh.probe(session=session))
    owner = int(reps[1].id or 0)
    mine = before.for_owner(owner)
    before.memo("created", lambda: "old", reads=("created_at",))
    before.memo("owners", lambda: "old", reads=("owner_id",))
    lead_id = int(before.frame.loc[before.frame["owner_id"] != owner, "id"].iloc[0])
    with Session(engine) as session:
        leads.reassign(session=session, lead_id=lead_id, to_owner=owner, actor=admin,
                       seen_owner=session.get(Lead, lead_id).owner_id)  # type: ignore[union-attr]  # fmt: skip
        session.commit()
        mark = refresh.probe(session=session)
    after = refresh.load(engine, mark, before)
    computed: list[str] = []
    assert after.memo("n", lambda: computed.append("n") or 1) == 1  # type: ignore[func-returns-value]
    view = after.for_owner(owner)  # updated from `mine`, not filtered again
    pd.testing.assert_frame_equal(view, snapshot.owner_view(after.frame, owner))
    assert len(view) == len(mine) + 1 and lead_id in set(view["id"])
    assert computed == ["n"]
    # a value that reads columns the reassignment left alone is kept; one reading the owner is not
    assert after.delta is not None and {"owner_id", "assigned_at"} <= after.delta.columns
    assert after.memo("created", lambda: "new", reads=("created_at",)) == "old"
    assert after.memo("owners", lambda: "new", reads=("owner_id",)) == "new"


def test_an_import_that_commits_long_after_its_stamp_is_not_missed(engine: Engine) -> None:
    """An import stamps its rows when it starts and commits minutes later: a snapshot taken
    meanwhile must read them at the next refresh, though no event names them."""
    admin, _ = seed(engine)
    started = clock.now() - timedelta(minutes=30)
    with Session(engine) as session:
        batch = ImportBatch(filename="big.csv", file_hash="x", started_at=started)
        session.add(batch)
        session.commit()
        before = refresh.load(engine, refresh.probe(session=session))
        assert before.mark is not None and before.mark.importing_since == started
        lead_id = int(before.frame["id"].iloc[2])
        stamp = clock.to_micros(started)
        session.execute(
            text(f"UPDATE lead SET company = 'Imported', updated_at = {stamp} WHERE id = {lead_id}")
        )
        batch.status = BatchStatus.DONE
        session.add(batch)
        session.commit()
        mark = refresh.probe(session=session)
    after = refresh.load(engine, mark, before)
    assert after.delta is not None
    assert after.frame.loc[after.frame["id"] == lead_id, "company"].tolist() == ["Imported"]
    assert_same_as_full_read(engine, after)


def test_an_import_committed_before_the_last_look_is_not_read_again(engine: Engine) -> None:
    """An import stamps all its rows with one instant: right after it, a logged call makes
    the next refresh read that one lead, not every row the import wrote."""
    admin, _ = seed(engine)
    data = "".join(f"fresh{i}@x.io,Co {i},2026-10-01\n" for i in range(5))
    run_import(engine=engine, data=("Email,Company,Create Date\n" + data).encode(),
               filename="f.csv", actor=admin, options=ImportOptions())  # fmt: skip
    with Session(engine) as session:
        before = refresh.load(engine, refresh.probe(session=session))
        assert before.mark is not None and len(before.mark.settled) == 1
        lead_id = int(before.frame["id"].iloc[-1])  # one the import added
        leads.record_touch(session=session, lead_id=lead_id, kind="call", actor=admin)
        session.commit()
        assert refresh.changed_ids(session, before.mark) == [lead_id]
        mark = refresh.probe(session=session)
    after = refresh.load(engine, mark, before)
    assert after.delta is not None
    assert_same_as_full_read(engine, after)


def test_stamp_ranges_leave_out_settled_imports_only() -> None:
    mark = refresh.Mark(None, None, None, None, None, clock.now(), settled=(5, 9, 20))
    assert refresh._stamped_since(7, mark) == [  # noqa: SLF001
        "updated_at >= 7 AND updated_at < 9",
        "updated_at > 9 AND updated_at < 20",
        "updated_at > 20",
    ]
    assert refresh._stamped_since(9, mark)[0] == "updated_at > 9 AND updated_at < 20"  # noqa: SLF001
    assert refresh._stamped_since(7, refresh.Mark(None, None, None, None, None, clock.now())) == [  # noqa: SLF001
        "updated_at >= 7"
    ]


def test_the_watch_answers_without_a_query_until_something_is_committed(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite: while nothing was committed the last mark holds; any commit, from this process
    or another (a touch, a raw deletion), and a file created again under the same name,
    make it probe again and see the new revision."""
    _admin, reps = seed(sqlite_engine)
    watch = refresh.Watch(sqlite_engine)
    probes: list[str] = []
    real = refresh.probe

    def counted(*, session: Session) -> refresh.Mark:
        mark = real(session=session)
        probes.append(mark.revision)
        return mark

    monkeypatch.setattr(refresh, "probe", counted)
    with Session(sqlite_engine) as session:
        first = watch.probe(session=session)
        again = watch.probe(session=session)
    assert len(probes) == 1 and again.revision == first.revision and again.at >= first.at

    with Session(sqlite_engine) as session:  # a touch, through the app's own engine
        lead_id = int(session.exec(select(Lead.id).where(Lead.owner_id == reps[0].id)).first() or 0)
        leads.record_touch(session=session, lead_id=lead_id, kind="call", actor=reps[0])
        session.commit()
    with Session(sqlite_engine) as session:
        touched = watch.probe(session=session)
    assert len(probes) == 2 and touched.revision != first.revision

    path = sqlite_engine.url.database
    assert path
    with closing(sqlite3.connect(path)) as other:  # another process's raw deletion
        other.execute("DELETE FROM leadevent WHERE lead_id = (SELECT max(id) FROM lead)")
        other.execute("DELETE FROM lead WHERE id = (SELECT max(id) FROM lead)")
        other.commit()
    with Session(sqlite_engine) as session:
        deleted = watch.probe(session=session)
    assert len(probes) == 3 and deleted.revision != touched.revision

    with Session(sqlite_engine) as session:
        assert watch.probe(session=session).revision == deleted.revision
    assert len(probes) == 3  # nothing since: no query


def test_a_database_created_again_under_the_same_name_is_watched_anew(tmp_path: Path) -> None:
    path = tmp_path / "again.db"
    engine = db.make_engine(f"sqlite:///{path}")
    db.migrate(engine)
    seed(engine)
    watch = refresh.Watch(engine)
    with Session(engine) as session:
        first = watch.probe(session=session)
    engine.dispose()
    path.unlink()
    engine = db.make_engine(f"sqlite:///{path}")
    db.migrate(engine)
    with Session(engine) as session:
        fresh = watch.probe(session=session)
    assert fresh.revision != first.revision and fresh.lead_id is None
    engine.dispose()
