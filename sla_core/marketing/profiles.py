"""The leads' profiles prepared for the criteria preview, and brought up to date after a write.

`prepare` factorises the six profile columns and codes the source, marketer and month of
every lead, once per data revision. `rebased` brings a prepared base to the next revision
from the changed and added leads alone: their values are looked up among the codes already
given, a value never seen before gets the next code, and every array the write left as it
was is shared with the base before. A code no lead holds any more stays (counted zero), so
the codes of the leads left alone keep their meaning. What is derived from a base reads
values, counts and first appearances, never the order of the codes, and so is the same for
a rebased base as for one prepared afresh. Codes are kept in the narrowest integer type
that holds them (`_narrow`) and widen when a write brings values that do not fit.

Long because preparing the profiles and bringing them forward after a write must agree value
by value, count by count (tests/test_mql_preview_kept.py), and so live side by side.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sla_core.periods import Calendar, labels_of
from sla_core.scoring import accepted_uniques
from sla_core.terms import NUMERIC_CRITERIA, Criterion, CriterionField, MQLDefinition

NONE_LABEL = "(none)"
GROUPS = ("source", "marketer", "month")
# the first appearance of a value no lead holds any more: after every other
_NOWHERE = np.iinfo(np.int64).max


@dataclass(frozen=True)
class Coded:
    """One column as integer codes into `labels`; missing values have the code `missing`
    (-1: no lead's value was missing when the codes were given)."""

    codes: np.ndarray
    labels: tuple[str, ...]
    missing: int = -1


@dataclass(frozen=True, eq=False)
class ProfileBase:
    """The snapshot prepared for rescoring; built once per data revision, never mutated.

    `text`: each text criterion's codes (-1: missing) and distinct values; `counts` and
    `first`: how many leads hold each value, and the position of the first that does.
    `parent`: the base this one was rebased from (`rebased`), while that one lives.
    """

    size: int
    text: Mapping[CriterionField, tuple[np.ndarray, pd.Series]]
    numbers: Mapping[CriterionField, np.ndarray]
    groups: Mapping[str, Coded]
    counts: Mapping[CriterionField, np.ndarray]
    first: Mapping[CriterionField, np.ndarray]
    parent: weakref.ref[ProfileBase] | None = field(default=None, repr=False)


def _column(leads: pd.DataFrame, criterion: CriterionField) -> pd.Series:
    if criterion.value in leads:
        return leads[criterion.value]
    return pd.Series(pd.NA, index=leads.index)


def _numbers(column: pd.Series) -> np.ndarray:
    numbers = pd.to_numeric(column, errors="coerce")
    return np.asarray(numbers.to_numpy(dtype="float64", na_value=np.nan), dtype=np.float64)


def _group_values(
    leads: pd.DataFrame, marketers: Mapping[int, str], zone: str, calendar: Calendar
) -> dict[str, pd.Series]:
    """The source, marketer name and month label of each lead (missing stays missing)."""
    missing = pd.Series(pd.NA, index=leads.index, dtype="Int64")
    marketer = leads.get("marketer_id", missing).astype("Int64").map(marketers, na_action="ignore")
    return {
        "source": leads.get("source", missing.astype("string")),
        "marketer": marketer.astype("string"),
        "month": labels_of(leads["created_at"], zone=zone, calendar=calendar),
    }


def _coded(values: pd.Series) -> Coded:
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    labels = [str(u) for u in uniques]
    if (codes < 0).any():
        codes = np.where(codes < 0, len(labels), codes)
        labels.append(NONE_LABEL)
        return Coded(_narrow(codes, len(labels)), tuple(labels), len(labels) - 1)
    return Coded(_narrow(codes, len(labels)), tuple(labels))


def _code_type(top: int) -> np.dtype[np.signedinteger[Any]]:
    """The narrowest integer type holding the codes -1 to `top`."""
    for kind in (np.int8, np.int16, np.int32):
        if top <= np.iinfo(kind).max:
            return np.dtype(kind)
    return np.dtype(np.int64)


def _narrow(codes: np.ndarray, top: int) -> np.ndarray:
    """`codes` (-1 to `top`) in `_code_type(top)`: one byte a lead where pandas gives eight
    for a column of few values (a million leads' preview held 69 MiB, most of it codes)."""
    return np.asarray(codes).astype(_code_type(top), copy=False)


def _counts(codes: np.ndarray, size: int) -> np.ndarray:
    return np.bincount(codes[codes >= 0], minlength=size).astype(np.int64)


def _first_seen(codes: np.ndarray, size: int) -> np.ndarray:
    """Where each code first appears, for codes given in order of first appearance
    (`pd.factorize`): the running maximum reaches each code at its first lead."""
    if not len(codes):
        return np.full(size, _NOWHERE, dtype=np.int64)
    return np.searchsorted(np.maximum.accumulate(codes), np.arange(size)).astype(np.int64)


def prepare(
    leads: pd.DataFrame,
    *,
    marketers: Mapping[int, str] | None = None,
    zone: str = "UTC",
    calendar: Calendar = Calendar.GREGORIAN,
) -> ProfileBase:
    """Factorise the six profile columns and the source, marketer and month of every lead."""
    text: dict[CriterionField, tuple[np.ndarray, pd.Series]] = {}
    numbers: dict[CriterionField, np.ndarray] = {}
    counts: dict[CriterionField, np.ndarray] = {}
    first: dict[CriterionField, np.ndarray] = {}
    for criterion in CriterionField:
        column = _column(leads, criterion)
        if criterion in NUMERIC_CRITERIA:
            numbers[criterion] = _numbers(column)
            continue
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
        codes = _narrow(codes, len(uniques))
        text[criterion] = (codes, pd.Series(uniques))
        counts[criterion] = _counts(codes, len(uniques))
        first[criterion] = _first_seen(codes, len(uniques))
    values = _group_values(leads, dict(marketers or {}), zone, calendar)
    groups = {name: _coded(values[name]) for name in GROUPS}
    return ProfileBase(len(leads), text, numbers, groups, counts, first)


def present_values(base: ProfileBase, criterion: CriterionField, limit: int = 300) -> list[str]:
    """A text criterion's values present in the leads, most frequent first (blanks left out;
    among equally frequent ones, the one a lead held first comes first)."""
    _codes, uniques = base.text[criterion]
    counts = base.counts[criterion]
    order = np.lexsort((base.first[criterion], -counts))
    values = [str(uniques.iloc[i]).strip() for i in order[: limit * 2] if counts[i]]
    return [v for v in dict.fromkeys(values) if v][:limit]


def criterion_hits(
    base: ProfileBase, criterion: Criterion, at: np.ndarray | None = None
) -> np.ndarray:
    """Whether each lead (or the leads at positions `at`) meets one criterion (the same
    rule as `scoring.criterion_met`)."""
    if criterion.field in NUMERIC_CRITERIA:
        numbers = base.numbers[criterion.field]
        if at is not None:
            numbers = numbers[at]
        met = ~np.isnan(numbers)
        with np.errstate(invalid="ignore"):
            if criterion.minimum is not None:
                met &= numbers >= criterion.minimum
            if criterion.maximum is not None:
                met &= numbers <= criterion.maximum
        return np.asarray(met, dtype=bool)
    codes, uniques = base.text[criterion.field]
    lookup = np.append(accepted_uniques(uniques, criterion), False)
    return np.asarray(lookup[codes if at is None else codes[at]])


def scores(base: ProfileBase, mql: MQLDefinition, at: np.ndarray | None = None) -> np.ndarray:
    """Every lead's score under `mql` (or the scores of the leads at positions `at`)."""
    total = np.zeros(base.size if at is None else len(at), dtype=np.int64)
    for criterion in mql.criteria:
        total += criterion_hits(base, criterion, at) * criterion.weight
    return total


# After a write: the base brought up to date from the changed and added leads alone.


def rebased(
    base: ProfileBase,
    leads: pd.DataFrame,
    positions: np.ndarray,
    *,
    marketers: Mapping[int, str] | None = None,
    zone: str = "UTC",
    calendar: Calendar = Calendar.GREGORIAN,
) -> ProfileBase | None:
    """`base`, prepared from the leads before a write, brought up to `leads`: the rows at
    `positions` (ascending) changed or were added, the others kept their places and values.
    What `prepare(leads)` gives, up to the order of the codes; None when `positions` does not
    name every added row (then prepare afresh)."""
    size = len(leads)
    at = np.asarray(positions, dtype=np.int64)
    if size < base.size or np.count_nonzero(at >= base.size) != size - base.size:
        return None
    rows = leads.iloc[at]
    text = dict(base.text)
    numbers = dict(base.numbers)
    counts = dict(base.counts)
    first = dict(base.first)
    for criterion in CriterionField:
        column = _column(rows, criterion)
        if criterion in NUMERIC_CRITERIA:
            numbers[criterion] = _put(base.numbers[criterion], at, _numbers(column), size)
            continue
        codes, uniques = base.text[criterion]
        uniques, new = _looked_up(uniques, column)
        old = codes[at[at < base.size]]
        grown = _put(codes, at, new, size)
        text[criterion] = (grown, uniques)
        counts[criterion] = _recounted(base.counts[criterion], old, new, len(uniques))
        first[criterion] = _refirst(base.first[criterion], grown, at, old, new, len(uniques))
    values = _group_values(rows, dict(marketers or {}), zone, calendar)
    groups = {name: _recoded(base.groups[name], values[name], at, size) for name in GROUPS}
    return ProfileBase(size, text, numbers, groups, counts, first, weakref.ref(base))


def _put(old: np.ndarray, at: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """`old` with the values at positions `at` replaced and grown to `size` (every new
    position among `at`); `old` itself when that changes nothing."""
    if size == len(old) and np.array_equal(old[at], values, equal_nan=old.dtype.kind == "f"):
        return old
    kind = old.dtype  # codes (`_narrow`) widen when a new value does not fit
    if kind.kind == "i" and len(values):
        kind = np.promote_types(kind, _code_type(int(values.max())))
    out = np.empty(size, dtype=kind)
    out[: len(old)] = old
    out[at] = values
    out.flags.writeable = False
    return out


def _grown(values: np.ndarray, size: int, fill: int = 0) -> np.ndarray:
    out = np.full(size, fill, dtype=np.int64)
    out[: len(values)] = values
    return out


def _looked_up(uniques: pd.Series, column: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """The codes of `column`'s values among `uniques` (-1: missing), with the values never
    seen before added at the end of `uniques`."""
    values = column.to_numpy(dtype=object)
    missing = np.asarray(pd.isna(values), dtype=bool)
    codes = np.full(len(values), -1, dtype=np.int64)
    known = pd.Index(uniques.to_numpy(dtype=object), dtype=object)
    codes[~missing] = known.get_indexer(values[~missing])
    unseen = ~missing & (codes < 0)
    if unseen.any():
        extra_codes, extra = pd.factorize(values[unseen])
        codes[unseen] = len(known) + extra_codes
        added = np.concatenate([known.to_numpy(), np.asarray(extra, dtype=object)])
        uniques = pd.Series(added, dtype=object)
    return uniques, codes


def _recounted(counts: np.ndarray, old: np.ndarray, new: np.ndarray, size: int) -> np.ndarray:
    """Leads per value once the leads whose codes were `old` hold `new` (and the added ones)."""
    out = _grown(counts, size)
    out -= _counts(old, size)
    out += _counts(new, size)
    return out


def _refirst(
    first: np.ndarray,
    codes: np.ndarray,
    at: np.ndarray,
    old: np.ndarray,
    new: np.ndarray,
    size: int,
) -> np.ndarray:
    """Where each value first appears in the new `codes`, from where it did before: a value
    a changed lead took may now appear earlier; a value whose first lead let it go is looked
    for again (one pass over the codes, for such a value only)."""
    out = _grown(first, size, _NOWHERE)
    held = new >= 0
    np.minimum.at(out, new[held], at[held])
    lost = (old >= 0) & (codes[at[: len(old)]] != old)
    left = at[: len(old)][lost]
    for value in np.unique(old[lost]):
        if np.isin(out[value], left):
            hits = np.flatnonzero(codes == value)
            out[value] = hits[0] if len(hits) else _NOWHERE
    return out


def _recoded(coded: Coded, values: pd.Series, at: np.ndarray, size: int) -> Coded:
    """`coded` with the leads at `at` given the codes of `values` (labelled as `_coded` does)."""
    labels = list(coded.labels)
    missing = coded.missing
    where = {label: i for i, label in enumerate(labels) if i != missing}
    found, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = np.empty(len(uniques), dtype=np.int64)
    for i, value in enumerate(uniques):
        label = str(value)
        if label not in where:
            where[label] = len(labels)
            labels.append(label)
        mapped[i] = where[label]
    if (found < 0).any() and missing < 0:
        missing = len(labels)
        labels.append(NONE_LABEL)
    new = np.where(found < 0, missing, mapped[np.maximum(found, 0)] if len(mapped) else missing)
    return Coded(_put(coded.codes, at, new.astype(np.int64), size), tuple(labels), missing)
