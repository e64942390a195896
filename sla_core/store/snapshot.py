"""The lead snapshot: every lead as one read-only DataFrame, read fast, keyed by a data revision.

How it is read (issue 11): straight into Arrow, never through Python row objects. On
PostgreSQL through ADBC (COPY) in this process; on SQLite through ADBC in a child process
(`sla_core.store.sqlite_reader`: ADBC's own SQLite must not open the app's file in this process),
streamed back as Arrow. Epoch-micro columns become aware UTC timestamps and
repeated text columns (`CATEGORY_COLUMNS`) pandas categories, both inside Arrow.

The contract for pages (`ui.data.leads_for`): the snapshot is shared by every session
and **never mutated**: its arrays are read-only (`freeze`), and each caller gets a shallow
view (`frame.copy(deep=False)`) so that adding a column to it leaves the shared frame as
it was. Filter into new frames; compare categories with `==`/`isin`; to fill gaps in a
category column, turn it into text first (`col.astype("str")`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from sla_core.models import Lead, LeadEvent
from sla_core.store import sqlite_reader
from sla_core.store.bulk import LEAD_TIME_COLUMNS, arrow_schema, placeholder, read_arrow
from sla_core.store.fields import CATEGORY_FIELDS
from sla_core.store.sqlite_reader import shape

# Import bookkeeping that no page reads; everything else is in the snapshot.
_IMPORT_ONLY = ("row_hash", "import_batch_id")
SNAPSHOT_COLUMNS: tuple[str, ...] = tuple(
    c.name
    for c in Lead.__table__.columns  # type: ignore[attr-defined]
    if c.name not in _IMPORT_ONLY
)
# Text columns with few distinct values: pandas categories (a fraction of the memory).
CATEGORY_COLUMNS: tuple[str, ...] = (*CATEGORY_FIELDS, "stage")
T = TypeVar("T")


class SnapshotError(RuntimeError):
    """The leads could not be read; the message says why in one line."""


def read_leads(
    engine: Engine, owner_id: int | None = None, columns: Sequence[str] | None = None
) -> pd.DataFrame:
    """The lead snapshot (all leads, or one owner's): aware UTC timestamps, categories.

    `columns` None reads every column of the table; pages read `SNAPSHOT_COLUMNS`.
    """
    names = [c.name for c in Lead.__table__.columns]  # type: ignore[attr-defined]
    wanted = names if columns is None else [c for c in names if c in set(columns)]
    select_sql = "SELECT " + ", ".join(f'"{c}"' for c in wanted) + " FROM lead"
    table = read_table(engine, select_sql, owner_id=owner_id)
    return table.to_pandas(split_blocks=True, self_destruct=True)


def read_table(engine: Engine, select_sql: str, *, owner_id: int | None) -> pa.Table:
    """The shaped Arrow table of `select_sql` (a SELECT ... FROM lead), optionally one owner's."""
    schema = arrow_schema(Lead.__table__)  # type: ignore[attr-defined]
    params: list[Any] = []
    if owner_id is not None:
        select_sql += " WHERE owner_id = " + placeholder(engine, 1)
        params = [owner_id]
    sql = select_sql + " ORDER BY id"
    if engine.url.get_backend_name() != "sqlite":
        raw = read_arrow(engine, sql, params)
        return shape(raw, schema, LEAD_TIME_COLUMNS, CATEGORY_COLUMNS)
    path = engine.url.database
    if not path or path == ":memory:":
        raise SnapshotError("an in-memory SQLite database cannot be read by another process")
    try:
        return sqlite_reader.run(
            str(Path(path).resolve()), [(sql, params)], schema, LEAD_TIME_COLUMNS, CATEGORY_COLUMNS
        )
    except sqlite_reader.ReadFailed as exc:
        raise SnapshotError(str(exc)) from exc


def freeze(frame: pd.DataFrame) -> pd.DataFrame:
    """Make every numpy array under `frame` read-only (Arrow-backed text is immutable already).

    A write into the shared snapshot then raises ValueError instead of changing what other
    sessions see. Returns `frame` itself.
    """
    for block in frame._mgr.blocks:  # noqa: SLF001 - the arrays themselves, not views
        values = block.values
        array = getattr(values, "_ndarray", None)  # datetimes
        if array is None:
            array = getattr(values, "_codes", None)  # categories
        if array is None and isinstance(values, np.ndarray):
            array = values
        if isinstance(array, np.ndarray):
            array.flags.writeable = False
    return frame


def owner_view(snapshot: pd.DataFrame, owner_id: int) -> pd.DataFrame:
    """One owner's leads, filtered from the shared snapshot (a new, frozen frame)."""
    return freeze(snapshot[snapshot["owner_id"] == owner_id])


class Shared:
    """One data revision's snapshot, shared by every session, with what is derived from it.

    `frame` is frozen; `for_owner` and `memo` keep derived frames and aggregates for this
    revision only (at most `limit` of them, least recently used dropped first), so they
    go when the revision goes. Safe to use from several sessions' threads at once.
    """

    def __init__(self, revision: str, frame: pd.DataFrame, limit: int = 256) -> None:
        self.revision = revision
        self.frame = freeze(frame)
        self._limit = limit
        self._memo: OrderedDict[Hashable, tuple[Hashable, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def memo(self, key: Hashable, compute: Callable[[], T], *, stamp: Hashable = None) -> T:
        """`compute()` once per key for this revision (keys name the function and its inputs).

        `stamp`: for figures that move with time (the minute, say): a value with another
        stamp than the stored one is computed again and *replaces* it, so an idle revision
        does not pile up one copy per minute.
        """
        with self._lock:
            if key in self._memo and self._memo[key][0] == stamp:
                self._memo.move_to_end(key)
                return self._memo[key][1]  # type: ignore[no-any-return]
        value = compute()  # outside the lock: other sessions keep reading meanwhile
        with self._lock:
            self._memo[key] = (stamp, value)
            self._memo.move_to_end(key)
            while len(self._memo) > self._limit:
                self._memo.popitem(last=False)
        return value

    def computed(self) -> tuple[Hashable, ...]:
        """The keys of what `memo` holds now (for tests and diagnostics)."""
        with self._lock:
            return tuple(self._memo)

    def for_owner(self, owner_id: int | None) -> pd.DataFrame:
        """All leads (None), or one owner's as a frozen frame filtered once per revision."""
        if owner_id is None:
            return self.frame
        return self.memo(("owner", owner_id), lambda: owner_view(self.frame, owner_id))


def data_revision(*, session: Session) -> str:
    """A fingerprint that changes whenever leads or their history change (the cache key).

    Every lead write stamps `updated_at` (indexed) and most add an event; new leads raise
    the largest id. Each probe is one index lookup, cheap enough for every page run (about
    5 ms with a million leads). On SQLite, whose ids can be reused after a deletion, the
    count (an index scan, ~5 ms there) sees deletions too; PostgreSQL never reuses an id,
    and its count would scan the table (0.1-0.3 s at 1M), so code that deletes leads there
    without adding others must record a `LeadEvent` for it.
    """
    parts = [
        session.exec(select(func.max(col(Lead.updated_at)))).one(),
        session.exec(select(func.max(col(Lead.id)))).one(),
        session.exec(select(func.max(col(LeadEvent.id)))).one(),
    ]
    if session.get_bind().dialect.name == "sqlite":
        parts.append(session.exec(select(func.count()).select_from(Lead)).one())
    return "-".join(str(part) for part in parts)
