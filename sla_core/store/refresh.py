"""Refreshing the lead snapshot: after a write, read the rows it changed, not every lead.

Each load probes where the data stands (`Mark`); the next load reads only the leads stamped,
added or named by an event since then, and builds a new frozen frame from the one before
(copy-on-write: untouched columns are shared). A first load, many changes, a deletion or a
rebuilt table read everything again. Both give the same frame (tests/test_snapshot_refresh.py).

Long because finding the rows a write changed and splicing them into a frozen frame must agree column by column with a full read (tests/test_snapshot_refresh.py).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from sqlalchemy import func, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from sla_core.clock import now, to_micros
from sla_core.models import BatchStatus, ImportBatch, Lead, LeadEvent
from sla_core.store.bulk import LEAD_TIME_COLUMNS, arrow_schema
from sla_core.store.snapshot import (
    SNAPSHOT_COLUMNS,
    Delta,
    Shared,
    differs_at,
    read_leads,
    read_table,
)


@dataclass(frozen=True)
class Mark:
    """Where the data stood at one probe: the data revision's parts and the instant."""

    updated: int | None  # max(updated_at), epoch micros
    lead_id: int | None  # max(lead.id)
    first_id: int | None  # min(lead.id)
    event_id: int | None  # max(leadevent.id)
    count: int | None  # SQLite only: the number of leads
    at: datetime  # when the probe ran (the app's clock)
    importing_since: datetime | None = None  # the start of the oldest import still running
    settled: tuple[int, ...] = ()  # stamps of imports finished lately (epoch micros)

    @property
    def revision(self) -> str:
        parts = [self.updated, self.lead_id, self.event_id, self.first_id]
        if self.count is not None:
            parts.append(self.count)
        return "-".join(str(part) for part in parts)


def probe(*, session: Session) -> Mark:
    """The data's `Mark` now: index lookups (and a count of the index on SQLite) and the
    start of any import still running (its rows are stamped then, committed later), asked
    in one statement (a round trip each cost PostgreSQL's reruns a millisecond or two)."""
    at = now()
    running = select(func.min(col(ImportBatch.started_at))).where(
        col(ImportBatch.status) == BatchStatus.RUNNING
    )
    asked = [
        select(func.max(col(Lead.updated_at))).scalar_subquery(),
        running.scalar_subquery(),
        select(func.max(col(Lead.id))).scalar_subquery(),
        select(func.min(col(Lead.id))).scalar_subquery(),
        select(func.max(col(LeadEvent.id))).scalar_subquery(),
    ]
    if session.get_bind().dialect.name == "sqlite":
        asked.append(select(func.count()).select_from(Lead).scalar_subquery())
    found = session.execute(select(*asked)).one()
    updated, importing_since, lead_id, first_id, event_id = found[:5]
    finished = select(ImportBatch.finished_at).where(
        col(ImportBatch.status).in_([BatchStatus.DONE, BatchStatus.REJECTS]),
        col(ImportBatch.finished_at) >= at - IN_FLIGHT,
    )
    return Mark(
        importing_since=importing_since,
        settled=tuple(sorted({to_micros(f) for f in session.exec(finished) if f is not None})),
        updated=None if updated is None else to_micros(updated),
        lead_id=lead_id,
        first_id=first_id,
        event_id=event_id,
        count=int(found[5]) if len(found) > 5 else None,
        at=at,
    )


class Watch:
    """`probe` for one database, answered without a query while nothing was committed.

    SQLite: one connection kept open asks `PRAGMA data_version`, which changes whenever
    another connection (of this process or another) commits. While it stays the same the
    last mark still holds (with this instant). A rerun asks the data's revision several
    times (each view of the page, the hand-off), and SQLite's count of the leads, read again
    from disk after every write, took about 10 ms each time at a million leads.
    PostgreSQL (or SQLite in memory): every call probes.
    """

    def __init__(self, engine: Engine) -> None:
        self._lock = threading.Lock()
        self._last: tuple[int, Mark] | None = None
        self._connection: sqlite3.Connection | None = None
        self._file: tuple[int, int] | None = None  # the file it has open (device, inode)
        path = engine.url.database
        on_disk = engine.dialect.name == "sqlite" and path and path != ":memory:"
        self._path = Path(path) if on_disk and path else None

    def _version(self) -> int | None:
        """The file's data version; None when it cannot be asked (then every call probes).
        A file replaced under the same name (a database created again) is opened anew."""
        if self._path is None:
            return None
        try:
            found = self._path.stat()
            file = (found.st_dev, found.st_ino)
            if self._connection is None or file != self._file:
                if self._connection is not None:
                    self._connection.close()
                self._connection = sqlite3.connect(
                    self._path, check_same_thread=False, isolation_level=None
                )
                self._file, self._last = file, None
            return int(self._connection.execute("PRAGMA data_version").fetchone()[0])
        except (OSError, sqlite3.Error):
            return None

    def probe(self, *, session: Session) -> Mark:
        """The data's `Mark` now (`probe`)."""
        with self._lock:
            version, last = self._version(), self._last
        if version is not None and last is not None and last[0] == version:
            return replace(last[1], at=now())  # nothing committed since: the same data
        mark = probe(session=session)
        if version is not None:
            with self._lock:
                self._last = (version, mark)
        return mark


# A write is stamped before its transaction commits: rows stamped this long before the
# last probe are read again, so a write that committed just after it is not missed. An
# import running at the last probe is covered from its start (up to `LONGEST_IMPORT`).
IN_FLIGHT = timedelta(minutes=2)
LONGEST_IMPORT = timedelta(hours=1)
# More changed rows than this (or this share of all rows): read everything again.
MOST_CHANGED_ROWS = 50_000
MOST_CHANGED_SHARE = 0.05


def changed_ids(session: Session, since: Mark) -> list[int] | None:
    """Ids of the leads written since `since` (changed, added, or deleted), or None when too
    many changed for a partial read to pay off. Ids come from index range scans: leads
    added (id above the last maximum), stamped since the last probe (less `IN_FLIGHT`; a
    stamp is the app's clock when written; an import that had committed by then is left
    out) and named by a newer event (a write stamped with an earlier instant, a deletion)."""
    start = since.at - IN_FLIGHT
    if since.importing_since is not None:
        start = min(start, max(since.importing_since, since.at - LONGEST_IMPORT))
    parts = [
        f"SELECT id FROM lead WHERE {where}" for where in _stamped_since(to_micros(start), since)
    ]
    if since.lead_id is not None:
        parts.append(f"SELECT id FROM lead WHERE id > {int(since.lead_id)}")
    else:
        parts.append("SELECT id FROM lead")
    if since.event_id is not None:
        parts.append(f"SELECT lead_id FROM leadevent WHERE id > {int(since.event_id)}")
    limit = MOST_CHANGED_ROWS + 1
    sql = "SELECT id FROM (" + " UNION ".join(parts) + f") AS changed LIMIT {limit}"
    ids = [int(row[0]) for row in session.execute(text(sql))]
    return None if len(ids) > MOST_CHANGED_ROWS else sorted(ids)


def _stamped_since(start: int, since: Mark) -> list[str]:
    """Conditions on `updated_at` for "stamped at `start` or later", leaving out the stamps
    of imports that had committed before the last probe (their rows are in the snapshot
    already; an import stamps all its rows with one instant): one index range each."""
    bounds = [stamp for stamp in since.settled if stamp >= start]
    conditions = []
    low, inclusive = start, True
    for stamp in bounds:
        if stamp > low or (stamp == low and not inclusive):
            op = ">=" if inclusive else ">"
            conditions.append(f"updated_at {op} {int(low)} AND updated_at < {int(stamp)}")
        low, inclusive = stamp, False
    conditions.append(f"updated_at {'>=' if inclusive else '>'} {int(low)}")
    return conditions


def refresh(engine: Engine, before: Shared, mark: Mark, ids: Sequence[int]) -> Shared | None:
    """The next revision's snapshot from `before` and the rows `ids` read again (see
    `changed_ids`), or None when a full read is the better way (too many changes, rows
    deleted on PostgreSQL's watch, another column set).

    Copy-on-write: the new frame shares every column the changes left as they were with
    `before.frame`; a changed column is copied once and its changed rows replaced; new
    leads (ids above the last) are appended. `before.frame` is never touched.
    """
    old = before.frame
    if before.mark is None or list(old.columns) != list(SNAPSHOT_COLUMNS):
        return None
    if len(ids) > max(MOST_CHANGED_SHARE * len(old), 1_000):
        return None
    rows = _read_ids(engine, ids)
    have = old["id"].to_numpy()
    got = rows["id"].to_numpy()
    at, inside = _found(have, got)
    wanted = np.asarray(ids, dtype=np.int64)
    gone = np.setdiff1d(wanted[_found(have, wanted)[1]], got)
    newest = int(have[-1]) if len(have) else -1
    if len(gone) or (got[~inside] <= newest).any():
        # a deletion, or an id below the newest reused: rows change places, read them all
        return None
    frame, moved, changed = _replaced(old, rows[inside], at[inside])
    added = rows[~inside]
    if len(added):
        frame = _appended(frame, added)
    if mark.count is not None and len(frame) != mark.count:
        return None  # a deletion SQLite counted but no event named: read everything
    # re-read rows that did not change (written before the last probe) need no new figures
    positions = np.concatenate([at[inside][moved], np.arange(len(old), len(frame))])
    positions = positions.astype(np.int64)
    if len(added):
        changed = frozenset(str(c) for c in frame.columns)
    delta = Delta(positions=positions, appended_from=len(old), columns=changed)
    return Shared(mark.revision, _detached(frame), mark=mark, before=before, delta=delta)


def _detached(frame: pd.DataFrame) -> pd.DataFrame:
    """The same columns (no copy) in a frame of their own: pandas' copy-on-write then has no
    other frame to copy for, so a write into it meets the frozen arrays and fails (`freeze`)."""
    return pd.DataFrame({name: frame[name].array for name in frame.columns}, copy=False)


def _found(have: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each of `wanted` is in the sorted ids `have`, and whether it is there at all
    (binary search: a few microseconds per id, whatever the number of leads)."""
    at = np.searchsorted(have, wanted)
    if not len(have):
        return at, np.zeros(len(wanted), dtype=bool)
    return at, (at < len(have)) & (have[np.minimum(at, len(have) - 1)] == wanted)


def _read_ids(engine: Engine, ids: Sequence[int]) -> pd.DataFrame:
    listed = ", ".join(str(int(i)) for i in ids) or "NULL"
    table = read_table(engine, SNAPSHOT_COLUMNS, owner_id=None, where=f"id IN ({listed})")
    return table.to_pandas(split_blocks=True, self_destruct=True)


def _union_categories(old: pd.Series, new: pd.Series) -> pd.CategoricalDtype:
    """`old`'s categories followed by the values of `new` they lack (old codes stay valid)."""
    known = old.cat.categories
    values = pd.Index(new.dropna().astype("str").unique())
    extra = values[~values.isin(known)]
    if not len(extra):
        return old.dtype
    return pd.CategoricalDtype(known.append(extra.astype(known.dtype)), ordered=False)


def _integer_column(name: str) -> bool:
    schema = arrow_schema(Lead.__table__)  # type: ignore[attr-defined]
    return name not in LEAD_TIME_COLUMNS and pa.types.is_integer(schema.field(name).type)


def _numbers(name: str, values: np.ndarray, index: pd.Index) -> pd.Series:
    """A number column as a full read types it: int64 without gaps, float64 with them."""
    column = pd.Series(values, index=index, name=name)
    if _integer_column(name) and not np.isnan(values).any():
        return column.astype(np.int64)
    return column


def _instants(before: pd.Series, at: np.ndarray, after: pd.Series) -> pd.Series:
    """An instant column with the rows at `at` replaced (UTC instants, no time-zone math)."""
    values = np.array(before.array._ndarray, copy=True)  # noqa: SLF001 - the UTC instants
    values[at] = after.astype(before.dtype).array._ndarray  # noqa: SLF001
    array = pd.arrays.DatetimeArray._simple_new(values, dtype=before.dtype)  # noqa: SLF001
    return pd.Series(array, index=before.index, name=before.name, copy=False)


def _replaced(
    old: pd.DataFrame, rows: pd.DataFrame, at: np.ndarray
) -> tuple[pd.DataFrame, np.ndarray, frozenset[str]]:
    """`old` with the rows at positions `at` replaced by `rows` (same columns): columns
    whose values did not change are shared with `old`, the others copied once. Also, per
    row of `rows`, whether any of its values changed, and the columns that changed."""
    frame = old.copy(deep=False)
    moved = np.zeros(len(at), dtype=bool)
    changed: set[str] = set()
    if not len(at):
        return frame, moved, frozenset()
    for name in old.columns:
        before = old[name]
        after = rows[name]
        differ = differs_at(before, at, after)
        if not differ.any():
            continue
        moved |= differ
        changed.add(str(name))
        if isinstance(before.dtype, pd.CategoricalDtype):
            column = before.astype(_union_categories(before, after)).copy()
            column.iloc[at] = after.astype("object").to_numpy()
        elif isinstance(before.dtype, pd.DatetimeTZDtype):
            column = _instants(before, at, after)
        elif before.dtype == np.int64 and not after.isna().any():
            values = before.to_numpy(copy=True)
            values[at] = after.to_numpy(dtype=np.int64)
            column = pd.Series(values, index=before.index, name=name, copy=False)
        elif pd.api.types.is_numeric_dtype(before.dtype):
            values = before.to_numpy(dtype=np.float64, copy=True)
            values[at] = after.to_numpy(dtype=np.float64, na_value=np.nan)
            column = _numbers(str(name), values, before.index)
        else:  # text (Arrow-backed, immutable): rebuilt once
            values = before.to_numpy(dtype=object, na_value=None).copy()
            values[at] = after.to_numpy(dtype=object, na_value=None)
            column = pd.Series(values, index=before.index, dtype=before.dtype, name=name)
        frame[name] = column
    return frame, moved, frozenset(changed)


def _appended(frame: pd.DataFrame, added: pd.DataFrame) -> pd.DataFrame:
    """`frame` followed by the new rows `added`, every column typed as a full read types it."""
    columns: dict[str, pd.Series] = {}
    index = pd.RangeIndex(len(frame) + len(added))
    for name in frame.columns:
        before = frame[name]
        after = added[name]
        if isinstance(before.dtype, pd.CategoricalDtype):
            kind = _union_categories(before, after)
            after = pd.Series(after.astype("object").to_numpy(), dtype=kind)
            joined = pd.concat([before.astype(kind), after], ignore_index=True)
        elif isinstance(before.dtype, pd.DatetimeTZDtype):
            joined = pd.concat([before, after.astype(before.dtype)], ignore_index=True)
        elif pd.api.types.is_numeric_dtype(before.dtype):
            values = np.concatenate(
                [
                    before.to_numpy(dtype=np.float64),
                    after.to_numpy(dtype=np.float64, na_value=np.nan),
                ]
            )
            joined = _numbers(str(name), values, index)
        else:
            joined = pd.concat([before, after.astype(before.dtype)], ignore_index=True)
        columns[str(name)] = joined.set_axis(index).rename(name)
    return pd.DataFrame(columns, copy=False)


def _comparable(before: Mark, after: Mark) -> bool:
    """Whether `after` can follow `before` by writes alone (no table emptied or rebuilt)."""
    if before.lead_id is None:
        return after.lead_id is None or before.event_id is None or after.event_id is not None
    return (
        after.lead_id is not None
        and after.lead_id >= before.lead_id
        and after.first_id == before.first_id
        and (before.event_id or 0) <= (after.event_id or 0)
    )


def load(engine: Engine, mark: Mark, before: Shared | None = None) -> Shared:
    """The snapshot at `mark` (probed just before): `before` refreshed with the rows written
    since (see `changed_ids`, `refresh`), or, on a first load or after many changes, all
    leads read again. Both give the same frame (tests/test_snapshot_refresh.py). A refreshed
    snapshot brings the figures `before` keeps current up to date (`Shared.keep`)."""
    if before is not None and before.mark is not None:
        if before.revision == mark.revision:
            return before
        if _comparable(before.mark, mark):
            with Session(engine) as session:
                ids = changed_ids(session, before.mark)
            fresh = None if ids is None else refresh(engine, before, mark, ids)
            if fresh is not None:
                fresh.bring_forward()  # what every page reads, current before any page asks
                return fresh
    return Shared(mark.revision, read_leads(engine, columns=SNAPSHOT_COLUMNS), mark=mark)
