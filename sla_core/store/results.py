"""What the lead writer and its SQLite worker share: results, errors, one import's extras."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sla_core.settings import Settings

Progress = Callable[[float, str], None]


def import_wait_seconds() -> int:
    """How long an import waits for another one (or a lead edit) to finish before giving up.

    60 s, or LEADPACT_IMPORT_WAIT_SECONDS (read when asked; the SQLite worker is told it
    with each job).
    """
    return Settings.from_environ().import_wait_seconds


# Frame columns naming people the file has who are not users yet: kind -> column.
NEW_PEOPLE_COLUMNS = {"owner": "new_owner", "marketer": "new_marketer"}


class LeadStoreError(ValueError):
    """The prepared frame cannot be stored; the message says what and where."""


@dataclass(frozen=True)
class UpsertResult:
    """How many rows were new, changed or already stored exactly so."""

    new: int
    changed: int
    unchanged: int
    # seconds per phase (hash, key read, classify, ingest new, events, update changed, commit)
    seconds: dict[str, float] = field(default_factory=dict, compare=False)
    # peak memory of the worker process that wrote to SQLite (None: written in this process)
    worker_peak_mib: float | None = field(default=None, compare=False)
    # people the import created, as "value (role)"
    created_people: tuple[str, ...] = field(default=(), compare=False)
    # rows rejected inside the transaction (against what is stored): line, column, value, reason
    rejects: tuple[dict[str, Any], ...] = field(default=(), compare=False)


@dataclass
class ImportUnit:
    """The rest of one import, written in the same transaction as its leads.

    The batch row (committed as 'running' before) is finished, the people the file names who
    are not users yet are found or created, and the rejected rows are stored: all or nothing.
    """

    batch_id: int
    rows_total: int
    rejects: pd.DataFrame  # line, column, value, reason, raw
    # our field -> the file's column (how rows rejected in the transaction name the column)
    columns: dict[str, str] = field(default_factory=dict)
    # an outcome file: rows whose key is not stored are rejected
    update_only: bool = False
    # won/lost leads without a close date: "reject" them, or date them "today"
    undated_outcomes: str = "reject"
    # whether the importer may change what sales holds on stored leads (an admin or a sales
    # manager); a marketing-side import creates leads and changes marketing fields only
    sales_side: bool = False

    @property
    def rejected(self) -> int:
        """Rows rejected (a row with several problems counts once)."""
        return int(self.rejects["line"].nunique()) if len(self.rejects) else 0

    def describe(self) -> dict[str, Any]:
        """The JSON-able part (the rejects travel as an Arrow file)."""
        return {
            "batch_id": self.batch_id,
            "rows_total": self.rows_total,
            "columns": self.columns,
            "update_only": self.update_only,
            "undated_outcomes": self.undated_outcomes,
            "sales_side": self.sales_side,
        }


def summary_line(new: int, changed: int, unchanged: int, rejected: int) -> str:
    """An import's counts in one line (the CLI, the page and the batch record say the same)."""
    return f"{new:,} new, {changed:,} changed, {unchanged:,} unchanged, {rejected:,} rejected"
