"""The per-person counts behind the boards, kept up to date from the leads a write changed
(issue 17, "current within a blink"), as `sla_core.sla.tally` keeps the Compliance page's.

A board's heavy part is counting, per period and person, the service levels of the leads
that touch the period (`board.slot_counts`: `levels.sales_levels` per owner,
`levels.marketing_levels` per marketer, and when the period's last clock runs out). A
`BoardTally` holds those counts with each lead's share of them: the period each of its
cohort instants falls in, which counting rules hold (`cohorts.conditions` and marketing's
verdict), its owner and marketer, and its last deadline. After a write `retally` takes
away the shares of the changed leads and adds their new ones; `counts` gives what
`board.slot_counts` gives on the new leads and clocks (tests/test_board_tally.py).
The breaches reassignments left with the owners who missed them (`reassign.kept_breaches`)
are few: they are held whole and added per period when a slot is framed
(`sla.levels.add_kept`, the rule of `service_levels`).

Long because each lead's share and the counts kept from it must be computed, taken away
and added by the same rules, in one place.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sla_core.periods import Period
from sla_core.sla import levels as sla_levels
from sla_core.sla.cohorts import COHORT, conditions, place, requalified
from sla_core.sla.tally import chunks
from sla_core.store.snapshot import unmoved

# Bits of `BoardTally.bits`: sales' counting rules (owner), then marketing's (marketer).
SALES: tuple[str, ...] = tuple(COHORT)
MARKETING: tuple[str, ...] = ("mqls", "accepted", "decided", "undecided")
_MARKETING_BIT = len(SALES)
MILESTONES: tuple[str, ...] = ("mql_at", "assigned_at", "opportunity_at", "closed_at")
NEVER = np.iinfo(np.int64).min  # no deadline


@dataclass(frozen=True)
class SlotCounts:
    """One period's counts as a board reads them (`board.slot_counts`)."""

    sales: pd.DataFrame  # `levels.sales_levels`: per owner id
    marketing: pd.DataFrame  # `levels.marketing_levels`: per marketer id
    last: int | None  # the latest deadline of the period's cohort (epoch micros), None: none


def layers(spans: list[Period]) -> list[list[int]]:
    """`spans` (by position) split into layers of periods that do not overlap, in order."""
    out: list[list[int]] = []
    for i, span in enumerate(spans):
        for layer in out:
            if all(span.end <= spans[j].start or span.start >= spans[j].end for j in layer):
                layer.append(i)
                break
        else:
            out.append([i])
    return out


@dataclass(frozen=True)
class Shares:
    """Each lead's share of the counts (one entry per lead, in order)."""

    where: list[dict[str, np.ndarray]]  # per layer and milestone: the span's place, -1 none
    bits: np.ndarray  # uint32: the rules that hold (SALES, then MARKETING)
    owner: np.ndarray  # int32 person ids, -1: none
    marketer: np.ndarray
    last: np.ndarray  # int64 epoch micros, NEVER: no deadline


def _micros(values: pd.Series) -> np.ndarray:
    stamps = values.to_numpy(dtype="datetime64[us]")
    out: np.ndarray = stamps.astype(np.int64)
    out[np.isnat(stamps)] = NEVER
    return out


def _person(values: pd.Series) -> np.ndarray:
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    return np.asarray(np.where(np.isnan(numbers), -1, numbers), dtype=np.int32)


def shares(
    leads: pd.DataFrame,
    clocks: pd.DataFrame,
    spans: list[Period],
    kept: pd.DataFrame | None = None,
) -> Shares:
    """Every lead's share (the rules of `cohorts.conditions` and `levels.marketing_masks`;
    `kept` as for `cohorts.conditions`), `sla.tally.CHUNK_ROWS` leads at a time."""
    parts = [
        _shares(leads.iloc[rows], clocks.iloc[rows], spans, kept) for rows in chunks(len(leads))
    ]
    if len(parts) == 1:
        return parts[0]
    return Shares(
        [
            {c: np.concatenate([p.where[i][c] for p in parts]) for c in layer}
            for i, layer in enumerate(parts[0].where)
        ],
        *(
            np.concatenate([getattr(p, n) for p in parts])
            for n in ("bits", "owner", "marketer", "last")
        ),
    )


def _shares(
    leads: pd.DataFrame,
    clocks: pd.DataFrame,
    spans: list[Period],
    kept: pd.DataFrame | None = None,
) -> Shares:
    where = []
    for layer in layers(spans):
        placed = place(leads, [spans[i] for i in layer])
        slots = np.array([*layer, -1], dtype=np.int8)  # a layer's place -> the span's position
        where.append({c: slots[placed.where[c]] for c in MILESTONES})
    bits = np.zeros(len(leads), dtype=np.uint32)
    for i, (name, holds) in enumerate(conditions(leads, clocks, kept).items()):
        assert name == SALES[i]
        bits |= holds.astype(np.uint32) << np.uint32(i)
    # a new MQL with a marketer (`levels.marketing_masks`): re-qualified ones are beside it
    produced = leads["marketer_id"].notna().to_numpy(dtype=bool) & ~requalified(leads)
    accepted, decided = sla_levels.sales_verdict(leads["stage"])
    for i, holds in enumerate((produced, accepted, decided, ~decided)):
        bits |= (produced & holds).astype(np.uint32) << np.uint32(_MARKETING_BIT + i)
    last = np.maximum(
        _micros(clocks["disposition_deadline"]), _micros(clocks["work_deadline"])
    )  # fmt: skip
    return Shares(where, bits, _person(leads["owner_id"]), _person(leads["marketer_id"]), last)


def _bit(bits: np.ndarray, i: int) -> np.ndarray:
    return ((bits >> np.uint32(i)) & np.uint32(1)).astype(bool)


def _touching(where: list[dict[str, np.ndarray]]) -> list[np.ndarray]:
    """Per milestone column: the span it falls in when no earlier column fell in the same
    one (a lead touches each span once), else -1."""
    out = []
    columns = [layer[c] for layer in where for c in MILESTONES]
    for k, column in enumerate(columns):
        first = column.copy()
        for earlier in columns[:k]:
            first[earlier == column] = -1
        out.append(first)
    return out


@dataclass(frozen=True)
class Counts:
    """Per count name, span and person (`people` gives the persons' ids, sorted)."""

    people: np.ndarray
    sales: np.ndarray  # (len(SALES), spans, people)
    marketing: np.ndarray  # (len(MARKETING), spans, people)


def _count(part: Shares, size: int, people: np.ndarray) -> Counts:
    """The counts of the leads in `part` (a lead counts 0 where it has no person)."""
    width = len(people)
    owner = np.searchsorted(people, part.owner)
    marketer = np.searchsorted(people, part.marketer)
    sales = np.zeros((len(SALES), size, width), dtype=np.int64)
    marketing = np.zeros((len(MARKETING), size, width), dtype=np.int64)
    touching = _touching(part.where) if len(part.bits) else []

    def add(into: np.ndarray, holds: np.ndarray, slots: np.ndarray, who: np.ndarray) -> None:
        ok = holds & (slots >= 0)
        flat = slots[ok].astype(np.int64) * width + who[ok]
        into += np.bincount(flat, minlength=size * width).reshape(size, width)

    has_owner, has_marketer = part.owner >= 0, part.marketer >= 0
    for i, name in enumerate(SALES):
        holds = _bit(part.bits, i) & has_owner
        column = COHORT[name]
        if column is None:  # whatever its period: once per span the lead touches
            for slots in touching:
                add(sales[i], holds, slots, owner)
            continue
        for layer in part.where:
            add(sales[i], holds, layer[column], owner)
    for i in range(len(MARKETING)):
        holds = _bit(part.bits, _MARKETING_BIT + i) & has_marketer
        for layer in part.where:
            add(marketing[i], holds, layer["mql_at"], marketer)
    return Counts(people, sales, marketing)


def _latest(part: Shares, size: int) -> np.ndarray:
    """Per span: the latest deadline of the leads assigned or made MQLs in it."""
    out = np.full(size, NEVER, dtype=np.int64)
    for layer in part.where:
        for column in ("assigned_at", "mql_at"):
            slots = layer[column]
            ok = slots >= 0
            np.maximum.at(out, slots[ok].astype(np.int64), part.last[ok])
    return out


@dataclass(frozen=True)
class BoardTally:
    """The counts of `spans` and each lead's share of them (leads labelled `index`), and
    the breaches reassignments left with previous owners (`kept`, added per slot)."""

    spans: list[Period]
    index: pd.Index
    shares: Shares
    counts: Counts
    latest: np.ndarray  # per span, epoch micros (NEVER: no deadline)
    kept: pd.DataFrame | None = None

    def digest(self) -> str:
        """A name for the counts (equal counts, equal name): what a board is scored from."""
        found = hashlib.blake2b(digest_size=16)
        for part in (self.counts.people, self.counts.sales, self.counts.marketing, self.latest):
            found.update(np.ascontiguousarray(part).tobytes())
            found.update(repr(part.shape).encode())
        if self.kept is not None and len(self.kept):
            found.update(
                self.kept.to_json(orient="split", date_format="iso", date_unit="us").encode()
            )
        return found.hexdigest()

    def same_span(self, other: BoardTally, position: int) -> bool:
        """Whether the span at `position` has the same counts here as in `other` (same
        people, counts, latest deadline and kept breaches): its slot can be taken over."""
        mine, theirs = self.counts, other.counts
        if not np.array_equal(mine.people, theirs.people) or self.spans != other.spans:
            return False
        if (self.kept is None) != (other.kept is None) or (
            self.kept is not None and other.kept is not None and not self.kept.equals(other.kept)
        ):
            return False
        return (
            bool(self.latest[position] == other.latest[position])
            and np.array_equal(mine.sales[:, position, :], theirs.sales[:, position, :])
            and np.array_equal(mine.marketing[:, position, :], theirs.marketing[:, position, :])
        )

    def slot(self, position: int) -> SlotCounts:
        """The counts of the span at `position`, framed as `board.slot_counts` frames them."""
        people = pd.Index(self.counts.people, dtype=np.int64)
        sales = pd.DataFrame(
            self.counts.sales[:, position, :].T, index=people.rename("owner_id"), columns=SALES
        )
        sales = sales[(sales != 0).any(axis=1)].astype(np.int64)
        sales = sla_levels.add_kept(sales, self.kept, self.spans[position])
        sales = sla_levels.with_conversion(sales)
        marketing = pd.DataFrame(
            self.counts.marketing[:, position, :].T,
            index=people.rename("marketer_id"),
            columns=MARKETING,
        )
        marketing = marketing[(marketing != 0).any(axis=1)]
        marketing = (
            marketing[["mqls", "accepted", "decided"]]
            .rename(columns={"decided": "marketing_dispositioned"})
            .astype(np.int64)
        )
        last = int(self.latest[position])
        return SlotCounts(sales, marketing, None if last == NEVER else last)


def _people(*parts: Shares, known: np.ndarray | None = None) -> np.ndarray:
    found = [p.owner for p in parts] + [p.marketer for p in parts]
    if known is not None:
        found.append(known)
    ids = np.unique(np.concatenate(found)) if found else np.array([], dtype=np.int64)
    return ids[ids >= 0].astype(np.int64)


def tally(
    leads: pd.DataFrame,
    clocks: pd.DataFrame,
    spans: list[Period],
    kept: pd.DataFrame | None = None,
) -> BoardTally:
    """Count `spans` (any periods; overlapping ones go in separate layers) over every lead;
    `kept`: the breaches reassignments left with previous owners (`reassign.kept_breaches`)."""
    part = shares(leads, clocks, spans, kept)
    counts = _count(part, len(spans), _people(part))
    return BoardTally(spans, leads.index, part, counts, _latest(part, len(spans)), kept)


def _widened(counts: Counts, people: np.ndarray) -> Counts:
    """`counts` over more people (the new ones count 0)."""
    if len(people) == len(counts.people):
        return counts
    at = np.searchsorted(people, counts.people)
    sales = np.zeros((*counts.sales.shape[:2], len(people)), dtype=np.int64)
    marketing = np.zeros((*counts.marketing.shape[:2], len(people)), dtype=np.int64)
    sales[:, :, at] = counts.sales
    marketing[:, :, at] = counts.marketing
    return Counts(people, sales, marketing)


def _pick(part: Shares, rows: np.ndarray) -> Shares:
    return Shares(
        [{c: w[rows] for c, w in layer.items()} for layer in part.where],
        part.bits[rows],
        part.owner[rows],
        part.marketer[rows],
        part.last[rows],
    )


def _splice(before: np.ndarray, rows: np.ndarray, fresh: np.ndarray, size: int) -> np.ndarray:
    """`before` (the leads kept their places; `size` - len(before) added), `rows` set;
    `before` itself when that changes nothing (these arrays are never written once built)."""
    if size == len(before) and np.array_equal(before[rows], fresh):
        return before
    out = np.empty(size, dtype=before.dtype)
    out[: len(before)] = before
    out[rows] = fresh
    return out


def retally(
    old: BoardTally,
    leads: pd.DataFrame,
    clocks: pd.DataFrame,
    take: np.ndarray,
    rows: np.ndarray,
    kept: pd.DataFrame | None = None,
) -> BoardTally:
    """`old` brought to `leads` (and their `clocks`): `take` says where each lead was in
    `old` (-1: new), `rows` which leads to count again (`Delta.fresh_rows`). Only when the
    leads kept their places (new ones appended); otherwise everything is counted again.
    `kept`: the kept breaches now (`reassign.kept_updated`): a breach is recorded by a
    write that stamps its lead, so only the leads of `rows` may have new ones."""
    staying = len(old.index)
    if not unmoved(take, staying):
        return tally(leads, clocks, old.spans, kept)
    if bool((take[staying:] >= 0).any()):
        return tally(leads, clocks, old.spans, kept)
    size = len(old.spans)
    gone = rows[rows < staying]
    before = _pick(old.shares, gone)
    fresh = shares(leads.iloc[rows], clocks.iloc[rows], old.spans, kept)
    people = _people(fresh, known=old.counts.people)
    counts = _widened(old.counts, people)
    minus, plus = _count(before, size, people), _count(fresh, size, people)
    counts = Counts(
        people,
        counts.sales - minus.sales + plus.sales,
        counts.marketing - minus.marketing + plus.marketing,
    )
    total = len(leads)
    part = Shares(
        [
            {c: _splice(w, rows, fresh.where[n][c], total) for c, w in layer.items()}
            for n, layer in enumerate(old.shares.where)
        ],
        _splice(old.shares.bits, rows, fresh.bits, total),
        _splice(old.shares.owner, rows, fresh.owner, total),
        _splice(old.shares.marketer, rows, fresh.marketer, total),
        _splice(old.shares.last, rows, fresh.last, total),
    )
    latest = old.latest.copy()
    lost = _latest(before, size)  # a span whose latest deadline may have left: again
    again = np.flatnonzero((lost >= latest) & (lost != NEVER))
    latest = np.maximum(latest, _latest(fresh, size))
    for position in again:
        latest[position] = _latest_of(part, int(position))
    return BoardTally(old.spans, leads.index, part, counts, latest, kept)


def _latest_of(part: Shares, position: int) -> int:
    """The latest deadline of the span at `position` over every lead (`_latest`, one span)."""
    for layer in part.where:
        if (layer["assigned_at"] == position).any() or (layer["mql_at"] == position).any():
            inside = (layer["assigned_at"] == position) | (layer["mql_at"] == position)
            return int(part.last[inside].max())
    return int(NEVER)
