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

Long because the shared snapshot and its memo (what every page reads) live with the read they cache, so their contract stays in one place.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.api.extensions import ExtensionArray
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from sla_core.models import Lead
from sla_core.store import pg_reader, process, sqlite_reader
from sla_core.store.bulk import LEAD_TIME_COLUMNS, arrow_schema, placeholder, read_arrow
from sla_core.store.fields import CATEGORY_FIELDS
from sla_core.store.memo import Flights
from sla_core.store.sqlite_reader import shape

if TYPE_CHECKING:
    from sla_core.store.refresh import Mark

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
    table = _owned(read_table(engine, wanted, owner_id=owner_id, halves=True))
    frame = table.to_pandas(split_blocks=True, self_destruct=True)
    del table
    process.give_back_memory()
    return frame


def _owned(table: pa.Table) -> pa.Table:
    """`table` with no column left as a view pandas would keep of a shared buffer.

    SQLite's reader hands all columns over as slices of one buffer (an IPC message), a
    large read in one record batch per id half. pandas copies some into arrays of its own
    (instants, numbers with gaps, and any column in more than one chunk, which it joins)
    and keeps others as they are (text, and whole numbers in one chunk): those slices kept
    the whole buffer alive, so at a million leads the frame's 265 MiB held 444 MiB. Those
    are copied out first (text joined into one chunk by the same copy); the message goes
    once pandas has made its own arrays of the rest, and each column holds just its own
    data. A column pandas joins anyway is not copied here first: at a million leads that
    was 170 MiB copied twice, into memory never touched before (0.1-0.5 s of page faults at
    a server's first read).
    """
    for i, field in enumerate(table.schema):
        column = table.column(i)
        text = pa.types.is_string(field.type) or pa.types.is_large_string(field.type)
        if column.num_chunks > 1 and not text:
            continue  # pandas joins the chunks into an array of its own
        if column.num_chunks and any(
            b is not None and b.parent is not None for c in column.chunks for b in c.buffers()
        ):
            owned = pa.concat_arrays(column.chunks)
            table = table.set_column(i, field, pa.chunked_array([owned], field.type))
    return table


# A read of at least this many ids is run as two queries side by side: at a million leads
# 1.4 s instead of 2.0-2.4 s on SQLite (two id halves, in the reader's threads), and on
# PostgreSQL (two sets of columns on two connections: decoding the COPY stream is the cost)
# 1.8-2.0 s instead of 3.2 s, 2.2-2.5 s as two id halves.
HALVES_FROM = 100_000


def read_table(
    engine: Engine,
    columns: Sequence[str],
    *,
    owner_id: int | None,
    where: str = "",
    halves: bool = False,
) -> pa.Table:
    """The shaped Arrow table of the leads' `columns`, by id: all, one owner's, or those
    `where` (an SQL condition the caller built from numbers) selects.

    `halves`: a large read of every lead is split in two read side by side: on SQLite two
    id ranges (open-ended, so no lead added meanwhile falls between them; a write that lands
    between the two halves' reads is one the next refresh reads again, as for any write after
    the revision probe that preceded the read), on PostgreSQL two sets of columns read in one
    snapshot (`pg_reader`)."""
    schema = arrow_schema(Lead.__table__)  # type: ignore[attr-defined]
    select_sql = "SELECT " + ", ".join(f'"{c}"' for c in columns) + " FROM lead"
    params: list[Any] = []
    conditions = [where] if where else []
    if owner_id is not None:
        conditions.append("owner_id = " + placeholder(engine, 1))
        params = [owner_id]
    postgres = engine.url.get_backend_name() != "sqlite"
    middle = _middle_id(engine) if halves else None
    if postgres and middle is not None and not conditions:
        return pg_reader.read_side_by_side(  # each column in one chunk already
            engine,
            "lead",
            columns,
            schema,
            finish=lambda part: shape(part, schema, LEAD_TIME_COLUMNS, CATEGORY_COLUMNS),
        )
    ranges = [[]] if middle is None or postgres else [[f"id < {middle}"], [f"id >= {middle}"]]
    queries = [
        (f"{select_sql} WHERE {' AND '.join([*conditions, *r])}" if conditions or r else select_sql)
        + " ORDER BY id"
        for r in ranges
    ]
    if postgres:
        raw = read_arrow(engine, queries[0], params)
        return _one_chunk(shape(raw, schema, LEAD_TIME_COLUMNS, CATEGORY_COLUMNS))
    path = engine.url.database
    if not path or path == ":memory:":
        raise SnapshotError("an in-memory SQLite database cannot be read by another process")
    try:
        return sqlite_reader.run(
            str(Path(path).resolve()),
            [(sql, params) for sql in queries],
            schema,
            LEAD_TIME_COLUMNS,
            CATEGORY_COLUMNS,
        )
    except sqlite_reader.ReadFailed as exc:
        raise SnapshotError(str(exc)) from exc


def _middle_id(engine: Engine) -> int | None:
    """The id that halves the leads' id range, or None when the range is under HALVES_FROM."""
    try:
        with engine.connect() as conn:
            low, high = conn.exec_driver_sql("SELECT min(id), max(id) FROM lead").one()
    except SQLAlchemyError:
        return None  # the one read then says why in its own words
    if low is None or high - low + 1 < HALVES_FROM:
        return None
    return int(low + (high - low + 1) // 2)


def _one_chunk(table: pa.Table) -> pa.Table:
    """`table` with each text column in one chunk (PostgreSQL's COPY arrives in many): taking
    a few rows of a chunked text column copied it whole (~1 ms a column at a million rows,
    at every write's rerun). One column at a time, so the peak stays one column more."""
    for i, field in enumerate(table.schema):
        column = table.column(i)
        if column.num_chunks > 1 and (
            pa.types.is_string(field.type) or pa.types.is_large_string(field.type)
        ):
            table = table.set_column(i, field, column.combine_chunks())
    return table


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

    def fresh_rows(self, previous: pd.Index, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """`Shared.fresh_rows` for a per-lead value over the whole new `frame` (its
        previous rows labelled `previous`): where each lead was, and the rows to compute."""
        take = _positions(previous, frame.index)
        fresh = take < 0
        fresh[self.positions] = True
        return take, np.flatnonzero(fresh)


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
        self._fresh: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}
        self._lock = threading.Lock()
        self._flights = Flights()  # one computation of a key at a time, for every session
        # figures kept current across writes (`keep`): inherited from the revision before
        self._keepers: dict[Hashable, Callable[[Shared], object]] = (
            dict(self._before._keepers) if self._before is not None else {}
        )

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
        found, value = self._stored(key, stamp)
        if found:
            return cast(T, value)
        return self._flights.once(
            key, stamp, lambda: self._computed(key, compute, stamp, update, reads)
        )

    def _stored(self, key: Hashable, stamp: Hashable) -> tuple[bool, Any]:
        """Whether this revision holds `key`'s value for `stamp`, and the value."""
        with self._lock:
            entry = self._memo.get(key)
            if entry is None or entry[0] != stamp:
                return False, None
            self._memo.move_to_end(key)
            return True, entry[1]

    def _computed(
        self,
        key: Hashable,
        compute: Callable[[], T],
        stamp: Hashable,
        update: Callable[[T, Delta], T] | None,
        reads: Collection[str] | None,
    ) -> T:
        """`memo`'s value when it holds none: carried over, brought forward or computed."""
        found, stored = self._stored(key, stamp)  # by a computation that ended meanwhile
        if found:
            return cast(T, stored)
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

    def keep(self, slot: Hashable, bring: Callable[[Shared], object]) -> None:
        """Keep a figure current across writes, whether or not a page reads it meanwhile:
        `bring_forward` (`refresh.load`) calls `bring(revision)` on each revision refreshed
        from this one (it
        asks `memo` for the figure, which is then carried from the previous revision's
        value). Without it, a figure no page read during two writes is lost and computed
        again from every lead. `slot` names the figure: a new `bring` replaces the old one
        (the clocks under a newly signed agreement replace those under the last)."""
        with self._lock:
            self._keepers[slot] = bring

    def bring_forward(self) -> None:
        """Bring every kept figure to this revision (see `keep`); one that fails is dropped
        (the page that needs it computes it and says what went wrong)."""
        with self._lock:
            keepers = list(self._keepers.items())
        for slot, bring in keepers:
            try:
                bring(self)
            except Exception:  # noqa: BLE001 - a page asking for it reports the error
                with self._lock:
                    self._keepers.pop(slot, None)

    def earlier(self, key: Hashable) -> tuple[Hashable, Any, bool] | None:
        """The value `key` holds under another stamp (a figure of an earlier minute): its
        stamp, the value, and whether it belongs to the previous revision (its frame) rather
        than this one; None when neither holds one. For a `memo` compute that brings an
        older value up to date instead of starting over."""
        with self._lock:
            if key in self._memo:
                stamp, value = self._memo[key]
                return stamp, value, False
        before = self._before
        if before is None or self.delta is None:
            return None
        with before._lock:
            entry = before._memo.get(key)
        return None if entry is None else (entry[0], entry[1], True)

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
        labels = view.index
        # the whole frame's answer depends on the lengths alone: a page's figures all ask it
        whole = (len(previous), len(labels)) if _counting(previous) and _counting(labels) else None
        if whole is not None and whole in self._fresh:
            return self._fresh[whole]
        take = _positions(previous, labels)
        fresh = take < 0
        at = labels.get_indexer(self.frame.index[self.delta.positions])  # the changed rows
        fresh[at[at >= 0]] = True
        rows = np.flatnonzero(fresh)
        if whole is not None:
            rows.flags.writeable = False
            if take.flags.writeable:
                take.flags.writeable = False
            self._fresh[whole] = (take, rows)
        return take, rows

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
        kept = len(previous)
        same_place = unmoved(take, kept)
        columns: dict[str, Any] = {}
        for name in previous.columns:
            before = previous[name].array
            if same_place and len(take) == kept:  # rows kept their places: copy-on-write
                if not len(rows) or not differs_at(before, rows, computed[name]).any():
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


# 0, 1, 2, ... shared by every "nothing moved" answer of `fresh_rows` (read-only): an
# arange of a million positions per derived figure per write cost more than the update.
_IDENTITY = np.arange(0)


def identity(size: int) -> np.ndarray:
    """0, 1, ..., size - 1 as a read-only view of one shared array (no allocation)."""
    global _IDENTITY  # noqa: PLW0603 - grown rarely, only ever replaced whole
    shared = _IDENTITY
    if len(shared) < size:
        shared = np.arange(max(size, 2 * len(shared)))
        shared.flags.writeable = False
        _IDENTITY = shared
    return shared[:size]


def unmoved(take: np.ndarray, size: int) -> bool:
    """Whether `take` (`fresh_rows`'s) keeps the first `size` leads where they were (any
    after them new): then a per-lead value is copied and patched, not gathered."""
    if len(take) < size:
        return False
    if take.base is _IDENTITY and len(take) == size:
        return True  # `fresh_rows`'s own "nothing moved"
    return bool((take[:size] == identity(size)).all())


def _positions(previous: pd.Index, labels: pd.Index) -> np.ndarray:
    """Where each row labelled `labels` was among `previous` (-1: new)."""
    if _counting(previous) and _counting(labels):  # 0, 1, 2, ...: no lookup needed
        if len(labels) <= len(previous):
            return identity(len(labels))
        take = np.arange(len(labels))
        take[len(previous) :] = -1
        return take
    return np.asarray(previous.get_indexer(labels))


def _counting(index: pd.Index) -> bool:
    """Whether `index` labels its rows 0, 1, 2, ... (a snapshot's own index)."""
    return isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1


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


def data_revision(*, session: Session) -> str:
    """A fingerprint that changes whenever leads or their history change (the cache key).

    Every lead write stamps `updated_at` (indexed) and most add an event; new leads raise
    the largest id. Each probe is one index lookup, cheap enough for every page run (about
    5 ms with a million leads). On SQLite, whose ids can be reused after a deletion, the
    count (an index scan, ~5 ms there) sees deletions too; PostgreSQL never reuses an id,
    and its count would scan the table (0.1-0.3 s at 1M), so code that deletes leads there
    without adding others must record a `LeadEvent` for it.
    """
    from sla_core.store.refresh import probe  # the refresh builds on this module

    return probe(session=session).revision


def differs(old: pd.Series, new: pd.Series) -> np.ndarray:
    """Per row: whether the values differ (missing equals missing), whatever the types."""
    return _differ(old.astype("object").to_numpy(), new.astype("object").to_numpy())


def differs_at(column: pd.Series | ExtensionArray, at: np.ndarray, new: pd.Series) -> np.ndarray:
    """`differs(column.iloc[at], new)` without a Series of the rows taken: a refresh asks
    it of every column for a few rows, and the Series cost more than the comparison."""
    values = column.array if isinstance(column, pd.Series) else column
    return _differ(np.asarray(values[at], dtype=object), np.asarray(new.array, dtype=object))


def _differ(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    missing_a, missing_b = pd.isna(a), pd.isna(b)
    both = ~missing_a & ~missing_b
    out = missing_a != missing_b
    out[both] = a[both] != b[both]
    return np.asarray(out, dtype=bool)
