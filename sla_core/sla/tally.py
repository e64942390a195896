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

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sla_core.periods import Period
from sla_core.sla.cohorts import COHORT, conditions, place

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


def tally(
    leads: pd.DataFrame,
    clocks: pd.DataFrame,
    spans: list[Period],
    scope: np.ndarray | None = None,
    kept: pd.DataFrame | None = None,
) -> Tally:
    """Count `spans` (periods that do not overlap) over the leads where `scope` holds (all
    when None), with the clocks `clocks`; `kept` as for `cohorts.conditions`."""
    placed = place(leads, spans)
    where = {c: w.astype(np.int16) for c, w in placed.where.items()}
    bits = _bits(conditions(leads, clocks, kept), len(leads), scope)
    table = _table(_counts(len(spans), where, bits))
    return Tally(spans, leads.index, where, bits, table)


def _spliced(
    before: np.ndarray, take: np.ndarray | None, rows: np.ndarray, fresh: np.ndarray
) -> np.ndarray:
    """`before` rearranged by `take` (None: every lead where it was), `rows` set to `fresh`."""
    if take is None:
        out = before.copy()
    elif len(before):
        out = before[np.maximum(take, 0)]
    else:
        out = np.zeros(len(take), dtype=before.dtype)
    out[rows] = fresh
    return out


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
    same = len(take) == len(old.index) and bool((take == np.arange(len(take))).all())
    if same:  # every lead where it was: only the changed ones lose their share
        gone = rows
    else:
        staying = take >= 0
        staying[rows] = False
        stale = np.ones(len(old.index), dtype=bool)
        stale[take[staying]] = False
        gone = np.flatnonzero(stale)
    fresh = tally(leads.iloc[rows], clocks.iloc[rows], old.spans, scope, kept)
    size = len(old.spans)
    counts = old.table.to_numpy(dtype=np.int64).T.copy()
    counts -= _counts(size, {c: w[gone] for c, w in old.where.items()}, old.bits[gone])
    counts += fresh.table.to_numpy(dtype=np.int64).T
    moved = None if same else take
    where = {c: _spliced(w, moved, rows, fresh.where[c]) for c, w in old.where.items()}
    bits = _spliced(old.bits, moved, rows, fresh.bits)
    return Tally(old.spans, leads.index, where, bits, _table(counts))
