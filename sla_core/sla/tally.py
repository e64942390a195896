"""Period counts kept up to date from the leads a write changed (issue 17, "current within a
blink").

A `Tally` holds the counts of some periods (`cohorts.period_counts`: the rules of
`levels.service_levels`) together with each lead's share of them: the period each of its
cohort instants falls in and which counting rules hold for it. After a write, `retally`
takes away the shares of the leads that changed or left and adds their new ones, instead
of counting every lead again: a few hundred microseconds per changed lead. It gives what
`tally` gives on the new leads and clocks (tests/test_sla_tally.py).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sla_core.periods import Period
from sla_core.sla.cohorts import COHORT, conditions, place
from sla_core.store.snapshot import unmoved

# Bit i of `Tally.bits` says whether the rule NAMES[i] holds for the lead.
NAMES: tuple[str, ...] = tuple(COHORT)


@dataclass(frozen=True)
class Tally:
    """The counts of `spans` (`table`: one row per period by position, a column per count)
    and each lead's share of them (leads labelled `index`, in order)."""

    spans: list[Period]
    index: pd.Index
    where: dict[str, np.ndarray]  # per cohort instant: the period it falls in (-1: none)
    bits: np.ndarray  # per lead: the rules that hold (0 for a lead outside the scope)
    table: pd.DataFrame


def counts_key(counts: np.ndarray) -> tuple[tuple[int, ...], str]:
    """Counts as part of a memo key (their shape and a digest): a figure read from them is
    carried over a write that leaves every count as it was."""
    values = np.ascontiguousarray(counts, dtype=np.int64)
    return values.shape, hashlib.blake2b(values.tobytes(), digest_size=16).hexdigest()


def _bits(rules: dict[str, np.ndarray], size: int, scope: np.ndarray | None) -> np.ndarray:
    bits = np.zeros(size, dtype=np.uint32)
    for i, name in enumerate(NAMES):
        bits |= rules[name].astype(np.uint32) << np.uint32(i)
    if scope is not None:
        bits[~np.asarray(scope, dtype=bool)] = 0
    return bits


def _counts(size: int, where: dict[str, np.ndarray], bits: np.ndarray) -> np.ndarray:
    """The counts (one row per name, one column per period) of the leads given."""
    out = np.zeros((len(NAMES), size), dtype=np.int64)
    for i, name in enumerate(NAMES):
        holds = ((bits >> np.uint32(i)) & np.uint32(1)).astype(bool)
        column = COHORT[name]
        if column is None:
            out[i, :] = int(holds.sum())
            continue
        slots = where[column][holds]
        out[i] = np.bincount(slots[slots >= 0], minlength=size)
    return out


def holds(counted: Tally, name: str, position: int) -> np.ndarray:
    """Per lead: whether it counts in `name` (a `cohorts.COHORT` key) of the period at
    `position` of `counted.spans`: what `levels.count_masks` says for that period."""
    bit = ((counted.bits >> np.uint32(NAMES.index(name))) & np.uint32(1)).astype(bool)
    column = COHORT[name]
    return bit if column is None else bit & (counted.where[column] == position)


def _table(counts: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(counts.T, columns=list(NAMES), index=pd.RangeIndex(counts.shape[1]))


# Leads counted at a time: a lead's share depends on that lead alone, and counting a million
# at once held a float copy of each of their instants (about 100 MiB beside the counts).
CHUNK_ROWS = 200_000


def chunks(size: int) -> list[slice]:
    """`CHUNK_ROWS` positions at a time, covering `size` (one empty slice for none)."""
    return [slice(a, min(a + CHUNK_ROWS, size)) for a in range(0, size, CHUNK_ROWS)] or [
        slice(0, 0)
    ]


def tally(
    leads: pd.DataFrame,
    clocks: pd.DataFrame,
    spans: list[Period],
    scope: np.ndarray | None = None,
    kept: pd.DataFrame | None = None,
) -> Tally:
    """Count `spans` (periods that do not overlap) over the leads where `scope` holds (all
    when None), with the clocks `clocks`; `kept` as for `cohorts.conditions`."""
    where, bits = _shares(leads, clocks, spans, scope, kept)
    table = _table(_counts(len(spans), where, bits))
    return Tally(spans, leads.index, where, bits, table)


def _shares(
    leads: pd.DataFrame,
    clocks: pd.DataFrame,
    spans: list[Period],
    scope: np.ndarray | None,
    kept: pd.DataFrame | None,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Each lead's period per cohort instant and its rule bits, `CHUNK_ROWS` at a time."""
    inside = None if scope is None else np.asarray(scope, dtype=bool)
    parts = []
    for rows in chunks(len(leads)):
        part = leads.iloc[rows]
        where = {c: w.astype(np.int16) for c, w in place(part, spans).where.items()}
        found = conditions(part, clocks.iloc[rows], kept)
        parts.append((where, _bits(found, len(part), _part(inside, rows))))
    where = {c: np.concatenate([w[c] for w, _ in parts]) for c in parts[0][0]}
    return where, np.concatenate([b for _, b in parts])


def _part(values: np.ndarray | None, rows: slice) -> np.ndarray | None:
    return None if values is None else values[rows]


def _spliced(
    before: np.ndarray, take: np.ndarray | None, rows: np.ndarray, fresh: np.ndarray
) -> np.ndarray:
    """`before` rearranged by `take` (None: every lead where it was), `rows` set to `fresh`;
    `before` itself when that changes nothing (a touch seldom moves a lead's periods): these
    arrays are never written once built, so the new value shares it."""
    if take is None:
        if np.array_equal(before[rows], fresh):
            return before
        out = before.copy()
    elif len(before):
        out = before[np.maximum(take, 0)]
    else:
        out = np.zeros(len(take), dtype=before.dtype)
    out[rows] = fresh
    return out


def _gone(size: int, take: np.ndarray, rows: np.ndarray) -> tuple[bool, np.ndarray]:
    """Whether every one of `size` counted leads kept its place (`take`: where each lead
    was, -1 new), and which of them lose their share: the changed `rows`, and leads no
    longer there."""
    same = len(take) == size and unmoved(take, size)
    if same:  # every lead where it was: only the changed ones lose their share
        return True, rows
    staying = take >= 0
    staying[rows] = False
    stale = np.ones(size, dtype=bool)
    stale[take[staying]] = False
    return False, np.flatnonzero(stale)


def retally(
    old: Tally,
    leads: pd.DataFrame,
    clocks: pd.DataFrame,
    take: np.ndarray,
    rows: np.ndarray,
    scope: np.ndarray | None = None,
    kept: pd.DataFrame | None = None,
) -> Tally:
    """`old` brought to `leads` (and their `clocks`): `take` says where each lead was in
    `old` (-1: new), `rows` which leads to count again (`Shared.fresh_rows`); `scope`
    whether each of those `rows` is in the scope (None: all). Every other lead keeps the
    share it had; a lead of `old` no longer in `leads` is taken away."""
    same, gone = _gone(len(old.index), take, rows)
    fresh = tally(leads.iloc[rows], clocks.iloc[rows], old.spans, scope, kept)
    size = len(old.spans)
    counts = old.table.to_numpy(dtype=np.int64).T.copy()
    counts -= _counts(size, {c: w[gone] for c, w in old.where.items()}, old.bits[gone])
    counts += fresh.table.to_numpy(dtype=np.int64).T
    moved = None if same else take
    where = {c: _spliced(w, moved, rows, fresh.where[c]) for c, w in old.where.items()}
    bits = _spliced(old.bits, moved, rows, fresh.bits)
    return Tally(old.spans, leads.index, where, bits, _table(counts))


@dataclass(frozen=True)
class ByOwner:
    """One period's counts per owner, kept per lead like a `Tally`: `counts` has a row per
    name (`NAMES`) and a column per owner id + 1 (column 0: leads with no owner)."""

    period: Period
    index: pd.Index
    where: dict[str, np.ndarray]  # per cohort instant: 0 inside the period, -1 outside
    bits: np.ndarray
    slots: np.ndarray  # per lead: its owner's id + 1 (0: none)
    counts: np.ndarray

    def table(self) -> pd.DataFrame:
        """The counts per owner as `levels._grouped` gives them: owners with something
        counted, by id; the leads with no owner left out."""
        ids = np.arange(self.counts.shape[1] - 1, dtype=np.int64)
        frame = pd.DataFrame(self.counts[:, 1:].T, columns=list(NAMES), index=ids)
        frame.index.name = "owner_id"
        return frame[(frame != 0).any(axis=1)]

    def everyone(self) -> dict[str, int]:
        """Every count over all leads (unassigned ones too)."""
        return {
            name: int(total) for name, total in zip(NAMES, self.counts.sum(axis=1), strict=True)
        }


def _owner_counts(
    width: int, where: dict[str, np.ndarray], bits: np.ndarray, slots: np.ndarray
) -> np.ndarray:
    out = np.zeros((len(NAMES), width), dtype=np.int64)
    for i, name in enumerate(NAMES):
        holds = ((bits >> np.uint32(i)) & np.uint32(1)).astype(bool)
        column = COHORT[name]
        if column is not None:
            holds &= where[column] == 0
        out[i] = np.bincount(slots[holds], minlength=width)
    return out


def _widened(counts: np.ndarray, width: int) -> np.ndarray:
    if counts.shape[1] >= width:
        return counts.copy()
    out = np.zeros((counts.shape[0], width), dtype=np.int64)
    out[:, : counts.shape[1]] = counts
    return out


def by_owner(
    leads: pd.DataFrame, clocks: pd.DataFrame, period: Period, kept: pd.DataFrame | None = None
) -> ByOwner:
    """`period`'s counts per owner (`levels.levels_by_scope`'s reps, before kept breaches
    are added), with each lead's share; `kept` as for `cohorts.conditions`."""
    where, bits = _shares(leads, clocks, [period], None, kept)
    owners = pd.to_numeric(leads["owner_id"], errors="coerce").to_numpy(dtype="float64")
    slots = np.where(np.isnan(owners), 0, owners + 1).astype(np.int64)
    width = int(slots.max()) + 1 if len(slots) else 1
    counts = _owner_counts(width, where, bits, slots)
    return ByOwner(period, leads.index, where, bits, slots, counts)


def rebyowner(
    old: ByOwner,
    leads: pd.DataFrame,
    clocks: pd.DataFrame,
    take: np.ndarray,
    rows: np.ndarray,
    kept: pd.DataFrame | None = None,
) -> ByOwner:
    """`old` brought to `leads` and `clocks` as `retally` brings a `Tally`: only the leads
    `rows` (`Shared.fresh_rows`) are counted again, a lead gone is taken away."""
    same, gone = _gone(len(old.index), take, rows)
    fresh = by_owner(leads.iloc[rows], clocks.iloc[rows], old.period, kept)
    width = max(old.counts.shape[1], fresh.counts.shape[1])
    counts = _widened(old.counts, width)
    counts -= _owner_counts(
        width, {c: w[gone] for c, w in old.where.items()}, old.bits[gone], old.slots[gone]
    )
    counts += _widened(fresh.counts, width)
    moved = None if same else take
    where = {c: _spliced(w, moved, rows, fresh.where[c]) for c, w in old.where.items()}
    bits = _spliced(old.bits, moved, rows, fresh.bits)
    slots = _spliced(old.slots, moved, rows, fresh.slots)
    return ByOwner(old.period, leads.index, where, bits, slots, counts)
