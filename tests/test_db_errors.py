"""Issue 12.7: a database that cannot be used is one clear line, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from sla_core import db


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgresql://", "names no database"),
        ("postgresql://postgres@127.0.0.1:5432", "names no database"),
        ("postgresql://u@127.0.0.1:port/x", "not a database URL"),
        ("postgresql://u@127.0.0.1:99999/x", "port 99999"),
        ("postgresql://u:secret@127.0.0.1:bad/x", "not a database URL"),
    ],
)
def test_bad_urls_are_refused_in_one_line(url: str, message: str) -> None:
    with pytest.raises(db.DatabaseUnavailable, match=message) as info:
        db.make_engine(db.normalise_url(url))
    assert "\n" not in str(info.value)
    assert "secret" not in str(info.value)


def test_sqlite_path_whose_parent_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    with pytest.raises(db.DatabaseUnavailable, match="cannot be created|is not a folder") as info:
        db.make_engine(f"sqlite:///{tmp_path / 'afile' / 'leadpact.db'}")
    assert "\n" not in str(info.value)


def test_sqlite_path_whose_parent_is_missing_is_created(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'new' / 'deeper' / 'leadpact.db'}")
    db.migrate(engine)
    assert (tmp_path / "new" / "deeper" / "leadpact.db").exists()


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    engine = db.make_engine(f"sqlite:///{path}")
    with pytest.raises(db.DatabaseUnavailable) as info:
        db.migrate(engine)
    assert "\n" not in str(info.value)


def test_a_read_only_database_file_refuses_writes_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "ro.db"
    engine = db.make_engine(f"sqlite:///{path}")
    db.migrate(engine)
    engine.dispose()
    # The tests run as root, whom file modes do not stop: open the file read-only instead.
    engine = db.make_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    with pytest.raises(DBAPIError) as info, engine.begin() as conn:
        conn.execute(text("INSERT INTO setting (key, value) VALUES ('a', 'b')"))
    assert db.one_line(info.value) == "attempt to write a readonly database"


def test_the_reader_child_exits_quietly_when_its_parent_goes_away(tmp_path: Path) -> None:
    """Issue 18.17: a killed CLI left its SQLite reader child printing a BrokenPipe traceback."""
    import json
    import subprocess
    import sys

    import pyarrow as pa

    path = tmp_path / "big.db"
    engine = db.make_engine(f"sqlite:///{path}")
    db.migrate(engine)
    engine.dispose()
    rows = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000) "
    request = {
        "path": str(path),
        "queries": [[rows + "SELECT i, printf('row %08d', i) AS label FROM n", []]],
        "schema": pa.schema([]).serialize().to_pybytes().hex(),
        "times": [],
        "categories": [],
    }
    child = subprocess.Popen(
        [sys.executable, "-m", "sla_core.store.sqlite_reader"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert child.stdin is not None and child.stdout is not None and child.stderr is not None
    child.stdin.write(json.dumps(request).encode() + b"\n")
    child.stdin.flush()
    child.stdout.read(1)  # the answer has begun: the parent now goes away mid-stream
    child.stdout.close()
    child.stdin.close()
    assert child.wait(timeout=60) == 0
    assert child.stderr.read().decode() == ""
