"""The bulk upsert of imported leads: idempotent, all-or-nothing, with events, on both databases."""

from __future__ import annotations

import sqlite3

import pandas as pd
import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from sla_core.store.snapshot import read_leads
from sla_core.store.writer import (
    LeadStoreError,
    UpsertResult,
    row_hashes,
    upsert_leads,
)


def _frame(n: int = 3, *, stage: str = "lead", start: int = 0) -> pd.DataFrame:
    """n leads hs-<start>...; lead i's values depend on i only, so overlapping frames agree."""
    ids = range(start, start + n)
    return pd.DataFrame(
        {
            "line": pd.Series(range(2, n + 2), dtype="int64"),
            "lead_key": pd.Series([f"hs-{i}" for i in ids], dtype="str"),
            "external_id": pd.Series([f"hs-{i}" for i in ids], dtype="str"),
            "email": pd.Series([f"p{i}@example.com" for i in ids], dtype="str"),
            "first_name": pd.Series([("Ana", None, "Ümit")[i % 3] for i in ids], dtype="str"),
            "company_size": pd.array([(51, None, 1000)[i % 3] for i in ids], dtype="Int64"),
            "deal_value": pd.Series([(1500.5, None, 0.0)[i % 3] for i in ids], dtype="float64"),
            "stage": pd.Series([stage] * n, dtype="str"),
            "created_at": pd.to_datetime(["2025-01-02T03:04:05.123456Z"] * n, utc=True).as_unit(
                "us"
            ),
        }
    )


def _events(engine: Engine) -> pd.DataFrame:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT lead_id, kind, from_stage, to_stage, actor_id, batch_id"
                " FROM leadevent ORDER BY id"
            )
        ).all()
    return pd.DataFrame(
        rows, columns=["lead_id", "kind", "from_stage", "to_stage", "actor", "batch"]
    )


def test_new_leads_are_stored_with_their_values(engine: Engine) -> None:
    result = upsert_leads(engine=engine, frame=_frame(), batch_id=7, actor_id=1)

    assert result == UpsertResult(new=3, changed=0, unchanged=0)
    leads = read_leads(engine).sort_values("lead_key").reset_index(drop=True)
    assert list(leads["lead_key"]) == ["hs-0", "hs-1", "hs-2"]
    assert leads.loc[0, "first_name"] == "Ana" and pd.isna(leads.loc[1, "first_name"])
    assert leads.loc[2, "first_name"] == "Ümit"
    assert leads.loc[0, "company_size"] == 51 and pd.isna(leads.loc[1, "company_size"])
    assert leads.loc[0, "deal_value"] == 1500.5
    assert leads.loc[0, "created_at"] == pd.Timestamp("2025-01-02T03:04:05.123456Z")
    assert set(leads["touches"]) == {0}
    assert set(leads["import_batch_id"]) == {7}
    assert leads["updated_at"].notna().all()


def test_each_new_lead_gets_one_created_event(engine: Engine) -> None:
    upsert_leads(engine=engine, frame=_frame(stage="mql"), batch_id=7, actor_id=1)

    events = _events(engine)
    assert len(events) == 3
    assert set(events["kind"]) == {"created"}
    assert set(events["to_stage"]) == {"mql"}
    assert set(events["actor"]) == {1} and set(events["batch"]) == {7}
    assert sorted(events["lead_id"]) == sorted(read_leads(engine)["id"])


def test_reimporting_the_same_frame_changes_nothing(engine: Engine) -> None:
    upsert_leads(engine=engine, frame=_frame(), batch_id=1, actor_id=None)
    before = read_leads(engine)

    again = upsert_leads(engine=engine, frame=_frame(), batch_id=2, actor_id=None)

    assert again == UpsertResult(new=0, changed=0, unchanged=3)
    pd.testing.assert_frame_equal(read_leads(engine), before)
    assert len(_events(engine)) == 3


def test_a_changed_row_updates_the_snapshot_and_logs_the_stage_move(engine: Engine) -> None:
    upsert_leads(engine=engine, frame=_frame(), batch_id=1, actor_id=None)
    frame = _frame()
    frame.loc[0, "stage"] = "mql"
    frame.loc[1, "first_name"] = "Bea"

    result = upsert_leads(engine=engine, frame=frame, batch_id=2, actor_id=5)

    assert result == UpsertResult(new=0, changed=2, unchanged=1)
    leads = read_leads(engine).set_index("lead_key")
    assert leads.loc["hs-0", "stage"] == "mql"
    assert leads.loc["hs-1", "first_name"] == "Bea"
    assert leads.loc["hs-0", "import_batch_id"] == 2
    assert leads.loc["hs-2", "import_batch_id"] == 1
    moves = _events(engine).query("kind == 'stage'")
    assert len(moves) == 1
    assert moves.iloc[0][["from_stage", "to_stage", "actor", "batch"]].tolist() == [
        "lead",
        "mql",
        5,
        2,
    ]
    assert moves.iloc[0]["lead_id"] == leads.loc["hs-0", "id"]


def test_columns_missing_from_the_file_are_left_untouched(engine: Engine) -> None:
    upsert_leads(engine=engine, frame=_frame(), batch_id=1, actor_id=None)
    slim = _frame()[["line", "lead_key", "stage"]]
    slim.loc[2, "stage"] = "sal"

    result = upsert_leads(engine=engine, frame=slim, batch_id=2, actor_id=None)

    # a different set of columns is a different import: every row is rewritten once
    assert result == UpsertResult(new=0, changed=3, unchanged=0)
    leads = read_leads(engine).set_index("lead_key")
    assert leads.loc["hs-0", "first_name"] == "Ana"
    assert leads.loc["hs-0", "deal_value"] == 1500.5
    assert leads.loc["hs-2", "stage"] == "sal"


def test_new_leads_without_stage_or_creation_time_get_defaults(engine: Engine) -> None:
    frame = _frame()[["line", "lead_key", "email"]]

    upsert_leads(engine=engine, frame=frame, batch_id=None, actor_id=None)

    leads = read_leads(engine)
    assert set(leads["stage"]) == {"lead"}
    assert leads["created_at"].notna().all()
    assert leads["import_batch_id"].isna().all()


def test_an_empty_cell_keeps_the_stored_stage(engine: Engine) -> None:
    upsert_leads(engine=engine, frame=_frame(stage="sql"), batch_id=1, actor_id=None)
    frame = _frame(stage="sql")
    frame["stage"] = pd.Series([None, "sql", "sql"], dtype="str")

    upsert_leads(engine=engine, frame=frame, batch_id=2, actor_id=None)

    assert set(read_leads(engine)["stage"]) == {"sql"}
    assert len(_events(engine).query("kind == 'stage'")) == 0


def test_new_and_known_keys_mix_in_one_import(engine: Engine) -> None:
    upsert_leads(engine=engine, frame=_frame(3), batch_id=1, actor_id=None)

    result = upsert_leads(engine=engine, frame=_frame(3, start=2), batch_id=2, actor_id=None)

    assert result == UpsertResult(new=2, changed=0, unchanged=1)
    assert sorted(read_leads(engine)["lead_key"]) == [f"hs-{i}" for i in range(5)]
    assert len(_events(engine)) == 5


def test_a_small_import_into_a_large_table_looks_keys_up_by_join(engine: Engine) -> None:
    upsert_leads(engine=engine, frame=_frame(40), batch_id=1, actor_id=None)
    frame = _frame(40).iloc[[3, 4]].reset_index(drop=True)
    frame.loc[0, "stage"] = "won"
    frame = pd.concat([frame, _frame(1, start=99)], ignore_index=True)

    result = upsert_leads(engine=engine, frame=frame, batch_id=2, actor_id=None)

    assert result == UpsertResult(new=1, changed=1, unchanged=1)
    assert read_leads(engine).set_index("lead_key").loc["hs-3", "stage"] == "won"


class _Interrupted(RuntimeError):
    pass


@pytest.mark.parametrize("at", [0.5, 0.7, 0.95])
def test_a_failure_half_way_leaves_stored_leads_exactly_as_they_were(
    engine: Engine, at: float
) -> None:
    upsert_leads(engine=engine, frame=_frame(), batch_id=1, actor_id=None)
    before = read_leads(engine)
    events_before = _events(engine)
    frame = _frame(3, start=1)  # one changed lead, two new ones
    frame.loc[0, "stage"] = "mql"

    def interrupt(fraction: float, _message: str) -> None:
        # the page going away mid-import: new rows, events or updates already written
        if fraction >= at:
            raise _Interrupted

    with pytest.raises(_Interrupted):
        upsert_leads(engine=engine, frame=frame, batch_id=2, actor_id=None, progress=interrupt)

    pd.testing.assert_frame_equal(read_leads(engine), before)
    pd.testing.assert_frame_equal(_events(engine), events_before)


def test_a_value_the_database_refuses_writes_nothing(engine: Engine) -> None:
    upsert_leads(engine=engine, frame=_frame(), batch_id=1, actor_id=None)
    if engine.url.get_backend_name() == "sqlite":
        pytest.skip("SQLite does not enforce VARCHAR lengths")
    before = read_leads(engine)
    frame = _frame(3, start=1)
    # hs-1 is stored: its update fails on VARCHAR(100) after hs-2 and hs-3 were inserted
    frame["country"] = pd.Series(["x" * 500, None, None], dtype="str")

    with pytest.raises(Exception):  # noqa: B017 - the driver's own error type
        upsert_leads(engine=engine, frame=frame, batch_id=2, actor_id=None)
    pd.testing.assert_frame_equal(read_leads(engine), before)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.assign(lead_key=["a", "a", "b"]), "line 3: the lead key 'a' appears twice"),
        (lambda f: f.assign(lead_key=["a", None, "b"]), "line 3: the row has no lead key"),
        (lambda f: f.assign(stage=["lead", "sal", "hot"]), "line 4: unknown stage 'hot'"),
        (lambda f: f.drop(columns="lead_key"), "the rows have no lead key"),
    ],
)
def test_a_frame_that_breaks_the_contract_is_refused(engine: Engine, change, message) -> None:
    with pytest.raises(LeadStoreError, match=message):
        upsert_leads(engine=engine, frame=change(_frame()), batch_id=None, actor_id=None)
    assert read_leads(engine).empty


def test_progress_is_reported_from_start_to_done(engine: Engine) -> None:
    calls: list[tuple[float, str]] = []

    upsert_leads(
        engine=engine,
        frame=_frame(),
        batch_id=None,
        actor_id=None,
        progress=lambda f, m: calls.append((f, m)),
    )

    fractions = [f for f, _ in calls]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert 3 <= len(calls) <= 10
    assert all(isinstance(m, str) and m for _, m in calls)


def test_a_rows_fingerprint_does_not_depend_on_the_other_rows() -> None:
    # mostly distinct text is hashed value by value, repetitive text through a dictionary
    distinct = pd.DataFrame(
        {"email": pd.Series(["a@x.io", None] + [f"{i}@x.io" for i in range(98)], dtype="str")}
    )
    repetitive = pd.DataFrame({"email": pd.Series(["a@x.io", None] + ["b@x.io"] * 98, dtype="str")})

    assert row_hashes(distinct, ["email"])[:2] == row_hashes(repetitive, ["email"])[:2]
    assert row_hashes(distinct, ["email"])[0] != row_hashes(distinct, ["email"])[1]


def test_the_same_values_under_other_columns_are_a_change() -> None:
    frame = pd.DataFrame({"company": pd.Series(["Acme"], dtype="str")})
    moved = frame.rename(columns={"company": "campaign"})

    assert row_hashes(frame, ["company"]) != row_hashes(moved, ["campaign"])


def test_an_import_with_no_good_rows_stores_nothing(engine: Engine) -> None:
    upsert_leads(engine=engine, frame=_frame(), batch_id=1, actor_id=None)
    before = read_leads(engine)

    result = upsert_leads(engine=engine, frame=_frame(0), batch_id=2, actor_id=None)

    assert result == UpsertResult(new=0, changed=0, unchanged=0)
    pd.testing.assert_frame_equal(read_leads(engine), before)


def test_the_snapshot_can_be_read_for_one_owner(engine: Engine) -> None:
    frame = _frame().assign(owner_id=pd.array([4, 5, 4], dtype="Int64"))
    upsert_leads(engine=engine, frame=frame, batch_id=None, actor_id=None)

    mine = read_leads(engine, owner_id=4)

    assert sorted(mine["lead_key"]) == ["hs-0", "hs-2"]
    assert str(mine["created_at"].dtype) == "datetime64[us, UTC]"


@pytest.mark.parametrize(
    "retype",
    [
        lambda f: f.astype({"email": "object", "first_name": "object"}),
        lambda f: f.assign(company_size=f["company_size"].astype("float64")),
        lambda f: f.assign(created_at=f["created_at"].dt.as_unit("ns")),
        lambda f: f.assign(created_at=f["created_at"].dt.tz_convert("Asia/Tehran")),
    ],
    ids=["object text", "float sizes", "nanoseconds", "other zone"],
)
def test_the_same_values_in_other_dtypes_are_unchanged(sqlite_engine: Engine, retype) -> None:
    upsert_leads(engine=sqlite_engine, frame=_frame(), batch_id=1, actor_id=None)

    again = upsert_leads(engine=sqlite_engine, frame=retype(_frame()), batch_id=2, actor_id=None)

    assert again == UpsertResult(new=0, changed=0, unchanged=3)


def test_orm_writes_between_imports_lose_nothing_on_sqlite(sqlite_engine: Engine) -> None:
    # ADBC brings its own copy of SQLite; run in this process, closing it deleted the WAL
    # under the ORM's open connection, and the next checkpoint overwrote an import's rows
    for i in range(3):
        frame = pd.DataFrame({"lead_key": pd.Series([f"k{i}"], dtype="str")})
        upsert_leads(engine=sqlite_engine, frame=frame, batch_id=None, actor_id=None)
        with sqlite_engine.begin() as conn:
            conn.execute(text("UPDATE lead SET touches = touches + 1 WHERE lead_key = 'k0'"))
    database = str(sqlite_engine.url.database)
    sqlite_engine.dispose()

    with sqlite3.connect(database) as fresh:
        leads = dict(fresh.execute("SELECT lead_key, touches FROM lead").fetchall())
    assert leads == {"k0": 3, "k1": 0, "k2": 0}
