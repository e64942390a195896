"""Browsing leads: filtering, paging and the table a person reads (pure, vectorised)."""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from sla_core import access
from sla_core.exporting import safe_csv
from sla_core.models import User
from sla_core.people.roster import people_frame  # the one people frame (pages still import it here)
from sla_core.stages import STAGE_LABELS
from sla_core.store.memo import Memo

PAGE_SIZE = 50


@dataclass(frozen=True)
class LeadFilter:
    """What a person asked to see; empty collections and None mean "any".

    Hashable (collections are kept as sorted tuples), so a result can be cached per filter.
    """

    stages: Collection[str] = ()
    sources: Collection[str] = ()
    owner_ids: Collection[int] = ()
    created_from: date | None = None
    created_to: date | None = None
    text: str = ""

    def __post_init__(self) -> None:
        for name in ("stages", "sources", "owner_ids"):
            object.__setattr__(self, name, tuple(sorted(set(getattr(self, name)))))
        object.__setattr__(self, "text", self.text.strip())


def newest_first(leads: pd.DataFrame) -> np.ndarray:
    """Row positions of `leads` from the newest to the oldest creation (ties keep their order).

    Computed once per snapshot and reused by every filter (`matching_positions`).
    """
    created = leads["created_at"].astype("int64").to_numpy()  # epoch units, no objects
    order: np.ndarray = np.argsort(-created, kind="stable")
    return order


# Every column `matching_positions` reads (with `newest_first`), and the owner a view is of.
FILTERED_COLUMNS: tuple[str, ...] = (
    "stage", "source", "owner_id", "created_at",
    "first_name", "last_name", "email", "company", "lead_key",
)  # fmt: skip


def matches(leads: pd.DataFrame, wanted: LeadFilter) -> np.ndarray:
    """A boolean per row: does it meet every criterion? Text matches name, e-mail or company."""
    mask = np.ones(len(leads), dtype=bool)
    if wanted.stages:
        mask &= leads["stage"].isin(list(wanted.stages)).to_numpy()
    if wanted.sources:
        mask &= leads["source"].isin(list(wanted.sources)).to_numpy()
    if wanted.owner_ids:
        mask &= leads["owner_id"].isin(list(wanted.owner_ids)).to_numpy()
    created = leads["created_at"]
    if wanted.created_from is not None:
        mask &= (created >= pd.Timestamp(wanted.created_from, tz="UTC")).to_numpy()
    if wanted.created_to is not None:  # the whole last day counts
        end = pd.Timestamp(wanted.created_to, tz="UTC") + pd.Timedelta(days=1)
        mask &= (created < end).to_numpy()
    if wanted.text:
        mask &= _text_hits(leads, wanted.text, mask)
    return mask


def _text_hits(leads: pd.DataFrame, needle: str, among: np.ndarray) -> np.ndarray:
    """Rows (of those in `among`) whose name, e-mail, company or CRM id contains `needle`."""
    rows = leads[among]
    hit = np.zeros(len(rows), dtype=bool)
    for column in ("first_name", "last_name", "email", "company", "lead_key"):
        hit |= rows[column].str.contains(needle, case=False, regex=False, na=False).to_numpy()
    if " " in needle:
        full = rows["first_name"].fillna("") + " " + rows["last_name"].fillna("")
        hit |= full.str.contains(needle, case=False, regex=False).to_numpy()
    out = np.zeros(len(leads), dtype=bool)
    out[np.flatnonzero(among)[hit]] = True
    return out


def matching_positions(
    leads: pd.DataFrame, wanted: LeadFilter, order: np.ndarray | None = None
) -> np.ndarray:
    """Row positions of the leads matching `wanted`, newest first (`order`: `newest_first`)."""
    order = newest_first(leads) if order is None else order
    found: np.ndarray = order[matches(leads, wanted)[order]]
    return found


def filter_leads(leads: pd.DataFrame, wanted: LeadFilter) -> pd.DataFrame:
    """The leads matching every criterion, newest first, as a new frame."""
    return leads.take(matching_positions(leads, wanted))


def page_count(rows: int, size: int = PAGE_SIZE) -> int:
    """Pages needed for `rows` rows (at least one, so an empty result still has page 1)."""
    return max(1, math.ceil(rows / size))


def page_of(frame: pd.DataFrame, page: int, size: int = PAGE_SIZE) -> pd.DataFrame:
    """Rows of the 1-based `page`; a page past the end gives the last page."""
    page = min(max(1, page), page_count(len(frame), size))
    return frame.iloc[(page - 1) * size : page * size]


def page_rows(
    leads: pd.DataFrame, positions: np.ndarray, page: int, size: int = PAGE_SIZE
) -> pd.DataFrame:
    """The leads at `positions` on the 1-based `page` (only those rows are copied)."""
    page = min(max(1, page), page_count(len(positions), size))
    return leads.take(positions[(page - 1) * size : page * size])


def _text(column: pd.Series) -> pd.Series:
    """Text for reading: missing values are empty, not "None" (categories become text)."""
    return column.astype("str").fillna("")


def _when(column: pd.Series) -> pd.Series:
    """Instants as "2026-05-03 14:05" (UTC), and empty where there is none."""
    return column.dt.strftime("%Y-%m-%d %H:%M").astype("str").fillna("")


def for_display(leads: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """The columns a person reads: full name, owner's name and stage label, as plain text,
    and last the lead's id in the CRM it came from (many exports carry no names)."""
    owners = people.set_index("id")["name"]
    labels = {s.value: label for s, label in STAGE_LABELS.items()}
    stage = _text(leads["stage"])
    return pd.DataFrame(
        {
            "name": (_text(leads["first_name"]) + " " + _text(leads["last_name"])).str.strip(),
            "email": _text(leads["email"]),
            "company": _text(leads["company"]),
            "stage": stage.map(labels).fillna(stage),
            "source": _text(leads["source"]),
            "owner": leads["owner_id"].map(owners).fillna("—").astype(str),
            "created_at": _when(leads["created_at"]),
            "mql_at": _when(leads["mql_at"]),
            "touches": leads["touches"],
            "lead_key": _text(leads["lead_key"]),
        },
        index=leads.index,
    )


def export_csv(leads: pd.DataFrame, people: pd.DataFrame) -> bytes:
    """The leads a person filtered, as the table shows them, with formulas neutralised."""
    return safe_csv(for_display(leads, people))


def choices(leads: pd.DataFrame, column: str) -> list[str]:
    """The distinct non-empty values of a column, sorted, for a filter's options."""
    values = leads[column]
    if isinstance(values.dtype, pd.CategoricalDtype):
        present = values.cat.categories[np.unique(values.cat.codes[values.cat.codes >= 0])]
        return sorted(str(v) for v in present)
    return sorted(str(v) for v in values.dropna().unique())


def owners_present(leads: pd.DataFrame) -> list[int]:
    """The ids of the people who own at least one of `leads`."""
    return [int(i) for i in pd.unique(leads["owner_id"].dropna())]


# The Leads page's memoised views (`sla_core.store.memo`): each works out whose leads the acting
# user may browse first (`access.lead_scope`, which refuses those who may not) and keys the
# memo by it, so a hit never hands one person's view to another. `leads` is that view of
# the shared snapshot (`Shared.for_owner`); a write that leaves the columns they read as
# they were (a logged call) keeps them (`reads`).


def source_choices(leads: pd.DataFrame, *, actor: User, memo: Memo) -> list[str]:
    """The sources present among the leads `actor` browses (`choices`)."""
    owner = access.lead_scope(actor)
    return memo(
        ("choices", owner, "source"),
        lambda: choices(leads, "source"),
        reads=("source", "owner_id"),
    )


def owners_in_view(leads: pd.DataFrame, *, actor: User, memo: Memo) -> list[int]:
    """The owners of the leads `actor` browses (`owners_present`)."""
    owner = access.lead_scope(actor)
    return memo(("owners", owner), lambda: owners_present(leads), reads=("owner_id",))


def found_in_view(
    leads: pd.DataFrame, wanted: LeadFilter, *, actor: User, memo: Memo
) -> np.ndarray:
    """Row positions of the leads `actor` browses that match `wanted`, newest first."""
    owner = access.lead_scope(actor)
    order = memo(
        ("newest first", owner),
        lambda: newest_first(leads),
        reads=("created_at", "owner_id"),
    )
    return memo(
        ("leads", owner, wanted),
        lambda: matching_positions(leads, wanted, order),
        reads=FILTERED_COLUMNS,
    )


__all__ = ["people_frame"]
