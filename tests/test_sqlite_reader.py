"""The SQLite reader process hands a large answer over in a mapped in-memory file instead
of the pipe (`sqlite_reader`: a million leads' 271 MiB took about a second through the
pipe), gives the same table either way, closes its copy once the app holds it, and falls
back to the pipe where the file cannot be opened."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

from sla_core.store import sqlite_reader


@pytest.fixture
def database(tmp_path: Path) -> str:
    path = tmp_path / "reads.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, score REAL)")
        conn.executemany(
            "INSERT INTO t VALUES (?, ?, ?)",
            [(i, None if i % 7 == 0 else f"lead {i} ünï", i / 3) for i in range(1, 5001)],
        )
    return str(path)


@pytest.fixture
def reader() -> Iterator[Any]:
    one = sqlite_reader._Reader()  # noqa: SLF001 - a reader of the test's own
    yield one
    if one.child is not None:
        one.child.kill()
        one.child.wait()


def request(path: str) -> dict[str, Any]:
    return {
        "path": path,
        "queries": [["SELECT id, name, score FROM t WHERE id < 2500 ORDER BY id", []],
                    ["SELECT id, name, score FROM t WHERE id >= 2500 ORDER BY id", []]],
        "schema": pa.schema([]).serialize().to_pybytes().hex(),
        "times": [],
        "categories": [],
    }  # fmt: skip


def memfds(pid: int) -> list[str]:
    """The in-memory files process `pid` holds open, once it has had a moment to close its
    last (it does so on reading our word, after we went on)."""
    folder = Path(f"/proc/{pid}/fd")
    for _ in range(100):
        held = []
        for name in os.listdir(folder):
            try:
                link = os.readlink(folder / name)
            except FileNotFoundError:  # closed meanwhile
                continue
            if link.startswith("/memfd:leadpact-read"):
                held.append(link)
        if not held:
            break
        time.sleep(0.05)
    return held


@pytest.mark.skipif(not hasattr(os, "memfd_create"), reason="in-memory files are Linux's")
def test_a_large_answer_comes_mapped_equal_to_the_pipe_and_the_reader_lets_go(
    database: str, reader: Any
) -> None:
    reader.memfd_from = None
    piped = reader.ask(request(database))
    reader.memfd_from = 0  # every answer counts as large
    mapped = reader.ask(request(database))
    assert mapped.num_rows == 5000 and mapped.equals(piped)
    buffer = mapped.column("name").chunk(0).buffers()[2]
    assert buffer is not None and buffer.parent is not None  # a view of the mapped file
    assert reader.memfd_from == 0  # still mapping
    assert memfds(reader.child.pid) == []  # the reader closed its copy once we held it


@pytest.mark.skipif(not hasattr(os, "memfd_create"), reason="in-memory files are Linux's")
def test_where_the_file_cannot_be_opened_the_pipe_brings_it(
    database: str, reader: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader.memfd_from = None
    piped = reader.ask(request(database))
    monkeypatch.setattr(sqlite_reader, "memfd_path", lambda pid, fd: "/proc/0/fd/no-such")
    reader.memfd_from = 0
    again = reader.ask(request(database))
    assert again.equals(piped)
    assert reader.memfd_from is None  # from now on through the pipe
    assert memfds(reader.child.pid) == []
    assert reader.ask(request(database)).equals(piped)  # and the reader still answers


@pytest.mark.skipif(not hasattr(os, "memfd_create"), reason="in-memory files are Linux's")
def test_the_halves_come_apart_and_the_app_joins_them(database: str, reader: Any) -> None:
    """The reader answers two queries as two record batches, not joined by a copy of its
    own: the app joins them (`snapshot._owned` copies text into one chunk, pandas makes
    its own array of each other column). A repeated text column is one dictionary for
    both halves."""
    from sla_core.store import snapshot

    reader.memfd_from = 0
    answer = reader.ask({**request(database), "categories": ["name"]})
    assert [answer.column(n).num_chunks for n in ("id", "score", "name")] == [2, 2, 2]
    assert [len(c) for c in answer.column("id").chunks] == [2499, 2501]
    dictionaries = {len(c.dictionary) for c in answer.column("name").chunks}
    assert dictionaries == {5000 - 5000 // 7}  # one dictionary, every distinct name
    plain = reader.ask(request(database))  # the names as text
    owned = snapshot._owned(plain)  # noqa: SLF001
    text = owned.column("name")
    assert text.num_chunks == 1
    assert all(b is None or b.parent is None for b in text.chunk(0).buffers())
    frame = owned.to_pandas()
    assert frame["id"].tolist() == list(range(1, 5001))
    assert pd.isna(frame["name"].iloc[13])
    assert frame["name"].iloc[14] == "lead 15 ünï"
    categories = snapshot._owned(answer).to_pandas()["name"]  # noqa: SLF001
    assert categories.dtype == "category" and categories.iloc[14] == "lead 15 ünï"
