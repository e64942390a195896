"""Storing imported leads: one idempotent, all-or-nothing bulk upsert by lead_key (Arrow/ADBC).

The ORM is not the bulk path: a million leads go in through Arrow ingest (COPY on PostgreSQL)
and set-based SQL, on one ADBC connection, committed once (sla_core.store.upsert). On SQLite
that connection lives in a worker process (sla_core.store.worker).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import text
from sqlalchemy.engine import Engine

from sla_core.stages import Stage
from sla_core.store.fields import IMPORT_FIELDS
from sla_core.store.hashing import row_hashes
from sla_core.store.results import ImportUnit, LeadStoreError, Progress, UpsertResult
from sla_core.store.upsert import upsert_in_process
from sla_core.store.worker import upsert_in_worker

__all__ = [
    "IMPORT_FIELDS",
    "ImportUnit",
    "LeadStoreError",
    "UpsertResult",
    "row_hashes",
    "upsert_leads",
]

_STAGES = [s.value for s in Stage]


def upsert_leads(
    *,
    engine: Engine,
    frame: pd.DataFrame,
    batch_id: int | None,
    actor_id: int | None,
    progress: Progress | None = None,
    unit: ImportUnit | None = None,
) -> UpsertResult:
    """Insert new leads and update changed ones by lead_key, in one transaction, with events.

    With `unit` (an import), the import's new people, rejects and finished batch record are
    written in the same transaction.
    """
    report: Progress = progress or (lambda _fraction, _message: None)
    _check(frame)
    if engine.url.get_backend_name() == "sqlite":
        # The ADBC driver carries its own copy of SQLite. Two copies in one process do not
        # see each other's locks, and closing the ADBC connection deletes the WAL under the
        # ORM's open connections (later commits are lost). In a worker process SQLite's
        # normal cross-process locking applies.
        return upsert_in_worker(engine, frame, batch_id, actor_id, report, unit)
    result = upsert_in_process(engine, frame, batch_id, actor_id, report, unit)
    if result.new + result.changed >= ANALYZE_FROM:
        _analyze(engine)
    return result


# PostgreSQL: after this many rows written, the planner's statistics of the lead tables are
# refreshed at once (autovacuum may take long, or be off): with stale ones it scanned the
# million events to find the few new ones at every page run after a write (~40 ms).
ANALYZE_FROM = 10_000


def _analyze(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("ANALYZE lead"))
        conn.execute(text("ANALYZE leadevent"))


def _check(frame: pd.DataFrame) -> None:
    if "lead_key" not in frame.columns:
        raise LeadStoreError("the rows have no lead key (CRM record id or e-mail)")
    keys = frame["lead_key"]
    if keys.isna().any():
        line = _first_line(frame, keys.isna())
        raise LeadStoreError(f"{line}: the row has no lead key (CRM record id or e-mail)")
    duplicated = keys.duplicated()
    if duplicated.any():
        line = _first_line(frame, duplicated)
        raise LeadStoreError(f"{line}: the lead key {keys[duplicated].iloc[0]!r} appears twice")
    if "stage" in frame.columns:
        bad = frame["stage"].notna() & ~frame["stage"].isin(_STAGES)
        if bad.any():
            line = _first_line(frame, bad)
            raise LeadStoreError(f"{line}: unknown stage {frame['stage'][bad].iloc[0]!r}")


def _first_line(frame: pd.DataFrame, mask: pd.Series) -> str:
    if "line" in frame.columns:
        return f"line {int(frame['line'][mask].iloc[0])}"
    return f"row {int(np.flatnonzero(mask.to_numpy())[0]) + 1}"
