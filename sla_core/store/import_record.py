"""An import's own rows, written in the import's transaction: its rejects and its finished record."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from sla_core.models import BatchStatus
from sla_core.store.results import ImportUnit, summary_line


def store_rejects(cur: Any, unit: ImportUnit, late: pd.DataFrame) -> None:
    """The rejected rows, each with its line, column, value, reason and the row as it was
    (rows rejected inside the transaction, `late`, without the row's text)."""
    rejects = pd.concat([unit.rejects, late.assign(raw=None)], ignore_index=True)
    if not len(rejects):
        return
    table = pa.table(
        {
            "batch_id": pa.array(np.full(len(rejects), unit.batch_id), pa.int32()),
            "line": pa.array(rejects["line"].astype("int64").to_numpy(), pa.int32()),
            **{
                name: pa.array([None if pd.isna(v) else str(v) for v in rejects[name]], pa.string())
                for name in ("column", "value", "reason", "raw")
            },
        }
    )
    cur.adbc_ingest("importreject", table, mode="append")


def finish_batch(
    cur: Any,
    unit: ImportUnit,
    counts: tuple[int, int, int],
    *,
    rejected: int,
    postgres: bool,
    stamp: int,
) -> None:
    """The batch record's counts, status and summary (committed with the leads, or not at all)."""
    new, changed, unchanged = counts
    status = BatchStatus.REJECTS if rejected else BatchStatus.DONE
    message = summary_line(new, changed, unchanged, rejected)
    cur.execute(
        f"UPDATE importbatch SET status = '{status}', finished_at = {stamp},"
        f" rows_total = {int(unit.rows_total)}, new = {new}, changed = {changed},"
        f" unchanged = {unchanged}, rejected = {rejected},"
        f" message = {'$1' if postgres else '?'} WHERE id = {int(unit.batch_id)}",
        [message],
    )
