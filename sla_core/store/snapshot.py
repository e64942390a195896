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
from collections.abc import Callable, Collection, Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar, cast

import numpy as np
import pandas as pd
import pyarrow as pa
from sqlalchemy import func, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from sla_core.clock import now, to_micros
from sla_core.models import BatchStatus, ImportBatch, Lead, LeadEvent
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


@dataclass(frozen=True)
class Delta:
    """What changed from one revision's frame to the next, when the old rows kept their places.

    `positions`: where the changed and added rows sit in the new frame (ascending); rows
    before `appended_from` were there before (updated in place), the others are new.
    """

    positions: np.ndarray
    appended_from: int
    columns: frozenset[str] = frozenset()  # the columns whose values changed in some row

    def leaves(self, frame: pd.DataFrame, reads: Collection[str]) -> bool:
        """Whether a value that reads only the columns `reads` of `frame` stays as it was:
        no lead was added and none of those columns changed."""
        return self.appended_from == len(frame) and self.columns.isdisjoint(reads)

    def rows(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The changed and added rows of the new `frame`, with their index labels."""
        return frame.iloc[self.positions]


class Shared:
    """One data revision's snapshot, shared by every session, with what is derived from it.

    `frame` is frozen; `for_owner` and `memo` keep derived frames and aggregates for this
    revision only (at most `limit` of them, least recently used dropped first), so they
    go when the revision goes. Safe to use from several sessions' threads at once.

    A snapshot refreshed from the one before (`refresh`) knows what changed (`delta`): a
    memo entry given an `update` is then carried over from the previous revision's value
    by updating the changed rows only, instead of being computed again from every lead.
    """

    def __init__(
        self,
        revision: str,
        frame: pd.DataFrame,
        limit: int = 256,
        *,
        mark: Mark | None = None,
        before: Shared | None = None,
        delta: Delta | None = None,
    ) -> None:
        self.revision = revision
        self.frame = freeze(frame)
        self.mark = mark
        self.delta = delta if before is not None else None
        self._before = before if delta is not None else None
        if self._before is not None:
            self._before._before = None  # keep one step back only: no chain of old frames
        self._limit = limit
        self._memo: OrderedDict[Hashable, tuple[Hashable, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def _carried(self, key: Hashable, stamp: Hashable) -> tuple[bool, Any]:
        """The previous revision's value of `key` (moved out of it: the old revision holds
        one copy less; a run still on it computes the value again if it asks)."""
        before = self._before
        if before is None:
            return False, None
        with before._lock:
            entry = before._memo.get(key)
            if entry is None or entry[0] != stamp:
                return False, None
            del before._memo[key]
        return True, entry[1]

    def memo(
        self,
        key: Hashable,
        compute: Callable[[], T],
        *,
        stamp: Hashable = None,
        update: Callable[[T, Delta], T] | None = None,
        reads: Collection[str] | None = None,
    ) -> T:
        """`compute()` once per key for this revision (keys name the function and its inputs).

        `stamp`: for figures that move with time (the minute, say): a value with another
        stamp than the stored one is computed again and *replaces* it, so an idle revision
        does not pile up one copy per minute.
        `update(previous, delta)`: how to bring the previous revision's value (same key and
        stamp) up to date from the changed rows alone; without it, or without a previous
        value, `compute()` runs. It must give what `compute()` would.
        """
        with self._lock:
            if key in self._memo and self._memo[key][0] == stamp:
                self._memo.move_to_end(key)
                return self._memo[key][1]  # type: ignore[no-any-return]
        carry = update is not None or reads is not None
        found, previous = self._carried(key, stamp) if carry else (False, None)
        # outside the lock: other sessions keep reading meanwhile
        if (
            found
            and reads is not None
            and self.delta is not None
            and (not reads or self.delta.leaves(self.frame, reads))
        ):
            value: T = cast(T, previous)
        elif found and update is not None and self.delta is not None:
            value = update(cast(T, previous), self.delta)
        else:
            value = compute()
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

    def refiltered(self, view: pd.DataFrame, keep: Callable[[pd.DataFrame], Any]) -> pd.DataFrame:
        """`view` (rows of the previous frame where `keep` holds, in their order) brought up
        to this revision: the changed rows are dropped and, where `keep` holds, re-added."""
        assert self.delta is not None
        changed = self.delta.rows(self.frame)
        stale = view.index.intersection(changed.index[: _updated(self.delta)])
        fresh = changed[np.asarray(keep(changed), dtype=bool)]
        rest = view.drop(index=stale) if len(stale) else view
        if fresh.empty:
            return freeze(rest)
        return freeze(_conformed(pd.concat([rest, fresh]).sort_index(), self.frame))

    def fresh_rows(self, previous: pd.Index, view: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """For a per-lead value of the previous revision (rows labelled `previous`) and this
        revision's `view` (the frame, or rows of it): where each row of `view` was (-1: not
        there) and the positions in `view` of the rows to compute again (new or changed)."""
        assert self.delta is not None
        take = previous.get_indexer(view.index)
        fresh = (take < 0) | view.index.isin(self.delta.positions)
        return take, np.flatnonzero(fresh)

    def spliced(
        self,
        previous: pd.DataFrame,
        view: pd.DataFrame,
        compute: Callable[[pd.DataFrame, np.ndarray], pd.DataFrame],
    ) -> pd.DataFrame:
        """A per-lead frame (one row per row of `view`, same index) brought from the previous
        revision's value: unchanged rows are taken over, `compute(rows, positions)` gives the
        new and changed ones (the same columns and types as the previous value)."""
        take, rows = self.fresh_rows(previous.index, view)
        computed = compute(view.iloc[rows], rows)
        kept = len(previous) if len(take) >= len(previous) else -1
        same_place = kept >= 0 and bool((take[:kept] == np.arange(kept)).all())
        columns: dict[str, Any] = {}
        for name in previous.columns:
            before = previous[name].array
            if same_place and len(take) == kept:  # rows kept their places: copy-on-write
                if (
                    not len(rows)
                    or not _differs(pd.Series(before.take(rows)), computed[name]).any()
                ):
                    columns[str(name)] = before  # unchanged: shared with the previous value
                    continue
                values = before.copy()
            else:
                values = before.take(take, allow_fill=True)
            if len(rows):
                values[rows] = computed[name].array
            columns[str(name)] = values
        out = pd.DataFrame(columns, index=view.index, copy=False)
        if (out.dtypes != previous.dtypes).any():
            return out.astype(previous.dtypes.to_dict())
        return out

    def for_owner(self, owner_id: int | None) -> pd.DataFrame:
        """All leads (None), or one owner's as a frozen frame filtered once per revision."""
        if owner_id is None:
            return self.frame
        return self.memo(
            ("owner", owner_id),
            lambda: owner_view(self.frame, owner_id),
            update=lambda view, _: self.refiltered(view, lambda f: f["owner_id"] == owner_id),
        )


def _updated(delta: Delta) -> int:
    """How many of the delta's rows were there before (updated in place)."""
    return int(np.searchsorted(delta.positions, delta.appended_from))


def _conformed(rows: pd.DataFrame, like: pd.DataFrame) -> pd.DataFrame:
    """`rows` with `like`'s column types (categories included), for frames put together."""
    out = rows.copy(deep=False)
    for name, kind in like.dtypes.items():
        if name in out and out[name].dtype != kind:
            out[name] = out[name].astype(kind)
    return out


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
    start of any import still running (its rows are stamped then, committed later)."""
    at = now()
    updated = session.exec(select(func.max(col(Lead.updated_at)))).one()
    count = None
    if session.get_bind().dialect.name == "sqlite":
        count = int(session.exec(select(func.count()).select_from(Lead)).one())
    running = select(func.min(col(ImportBatch.started_at))).where(
        col(ImportBatch.status) == BatchStatus.RUNNING
    )
    finished = select(ImportBatch.finished_at).where(
        col(ImportBatch.status).in_([BatchStatus.DONE, BatchStatus.REJECTS]),
        col(ImportBatch.finished_at) >= at - IN_FLIGHT,
    )
    return Mark(
        importing_since=session.exec(running).one(),
        settled=tuple(sorted({to_micros(f) for f in session.exec(finished) if f is not None})),
        updated=None if updated is None else to_micros(updated),
        lead_id=session.exec(select(func.max(col(Lead.id)))).one(),
        first_id=session.exec(select(func.min(col(Lead.id)))).one(),
        event_id=session.exec(select(func.max(col(LeadEvent.id)))).one(),
        count=count,
        at=at,
    )


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
    select_sql = "SELECT " + ", ".join(f'"{c}"' for c in SNAPSHOT_COLUMNS) + " FROM lead"
    rows = _read_ids(engine, select_sql, ids)
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


def _read_ids(engine: Engine, select_sql: str, ids: Sequence[int]) -> pd.DataFrame:
    listed = ", ".join(str(int(i)) for i in ids) or "NULL"
    table = read_table(engine, f"{select_sql} WHERE id IN ({listed})", owner_id=None)
    return table.to_pandas(split_blocks=True, self_destruct=True)


def _union_categories(old: pd.Series, new: pd.Series) -> pd.CategoricalDtype:
    """`old`'s categories followed by the values of `new` they lack (old codes stay valid)."""
    known = old.cat.categories
    values = pd.Index(new.dropna().astype("str").unique())
    extra = values[~values.isin(known)]
    if not len(extra):
        return old.dtype
    return pd.CategoricalDtype(known.append(extra.astype(known.dtype)), ordered=False)


def _differs(old: pd.Series, new: pd.Series) -> np.ndarray:
    """Per row: whether the values differ (missing equals missing), whatever the types."""
    a = old.astype("object").to_numpy()
    b = new.astype("object").to_numpy()
    missing_a, missing_b = pd.isna(a), pd.isna(b)
    both = ~missing_a & ~missing_b
    out = missing_a != missing_b
    out[both] = a[both] != b[both]
    return np.asarray(out, dtype=bool)


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
        differs = _differs(before.iloc[at], after)
        if not differs.any():
            continue
        moved |= differs
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


def data_revision(*, session: Session) -> str:
    """A fingerprint that changes whenever leads or their history change (the cache key).

    Every lead write stamps `updated_at` (indexed) and most add an event; new leads raise
    the largest id. Each probe is one index lookup, cheap enough for every page run (about
    5 ms with a million leads). On SQLite, whose ids can be reused after a deletion, the
    count (an index scan, ~5 ms there) sees deletions too; PostgreSQL never reuses an id,
    and its count would scan the table (0.1-0.3 s at 1M), so code that deletes leads there
    without adding others must record a `LeadEvent` for it.
    """
    return probe(session=session).revision


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
    leads read again. Both give the same frame (tests/test_snapshot_refresh.py)."""
    if before is not None and before.mark is not None:
        if before.revision == mark.revision:
            return before
        if _comparable(before.mark, mark):
            with Session(engine) as session:
                ids = changed_ids(session, before.mark)
            fresh = None if ids is None else refresh(engine, before, mark, ids)
            if fresh is not None:
                return fresh
    return Shared(mark.revision, read_leads(engine, columns=SNAPSHOT_COLUMNS), mark=mark)
