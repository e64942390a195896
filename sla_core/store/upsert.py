"""The upsert transaction on one ADBC connection: leads in by key, with their events, and for an
import its people, rejects and finished batch record, committed once (or not at all).

On SQLite this runs only in the worker process (see sla_core.store.worker and sla_core.store.bulk).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy.engine import Engine

from sla_core.clock import now, to_micros
from sla_core.models import BatchStatus
from sla_core.stages import EventKind
from sla_core.store.bulk import adbc_connect
from sla_core.store.fields import IMPORT_FIELDS
from sla_core.store.hashing import (
    canonical,
    changed_to_write,
    existing_keys,
    positions,
    row_hashes,
    stored_for,
)
from sla_core.store.import_record import finish_batch, store_rejects
from sla_core.store.named_people import resolve_people
from sla_core.store.outcomes import check_outcomes
from sla_core.store.results import (
    ImportUnit,
    LeadStoreError,
    Progress,
    UpsertResult,
    import_wait_seconds,
)
from sla_core.store.rows import as_stored, new_lead_columns

# NOT NULL columns: an empty cell in the file keeps what is stored.
_KEEP_WHEN_NULL = frozenset({"stage", "created_at"})
_BUSY = ("database is locked", "lock timeout")


def upsert_in_process(
    engine: Engine,
    frame: pd.DataFrame,
    batch_id: int | None,
    actor_id: int | None,
    report: Progress,
    unit: ImportUnit | None = None,
) -> UpsertResult:
    """The upsert (and an import's unit of work) on this process's own ADBC connection."""
    postgres = engine.url.get_backend_name() == "postgresql"
    stamp = to_micros(now())
    conn = adbc_connect(engine)
    try:
        cur = conn.cursor()
        _begin(cur, postgres, unit)
        created: list[str] = []
        if unit is not None:
            frame, created = resolve_people(
                cur, frame, postgres=postgres, stamp=stamp, actor_id=actor_id, batch=unit.batch_id
            )
        seconds: dict[str, float] = {}
        counts, late = _upsert(
            cur, frame, postgres, stamp, batch_id, actor_id, report, seconds, unit
        )
        if unit is not None:
            store_rejects(cur, unit, late)
            rejected = len(set(unit.rejects["line"]) | set(late["line"]))
            finish_batch(cur, unit, counts, rejected=rejected, postgres=postgres, stamp=stamp)
        report(0.95, "Committing")
        with _timed(seconds, "commit"):
            cur.close()
            conn.commit()
    except BaseException:
        with suppress(Exception):  # a broken connection must not hide the original error
            conn.rollback()
        raise
    finally:
        conn.close()
    report(1.0, "Done")
    late_rows = [
        {"line": int(r.line), "column": r.column, "value": r.value, "reason": r.reason}
        for r in late.itertuples(index=False)
    ]
    return UpsertResult(
        *counts, seconds=seconds, created_people=tuple(created), rejects=tuple(late_rows)
    )


def _begin(cur: Any, postgres: bool, unit: ImportUnit | None) -> None:
    """Wait (up to import_wait_seconds()) for the right to write; say so clearly when it is not given."""
    try:
        if postgres:
            # Imports and single-lead edits wait for each other; dashboards keep reading.
            cur.execute(f"SET LOCAL lock_timeout = '{import_wait_seconds()}s'")
            cur.execute("LOCK TABLE lead IN SHARE ROW EXCLUSIVE MODE")
        else:
            cur.execute(f"PRAGMA busy_timeout = {import_wait_seconds() * 1000}")
            # 64 MiB of page cache (default 2 MiB) cuts a million-row insert's index upkeep from
            # ~9 s to ~5 s; 400 MiB measured no faster and costs memory.
            cur.execute("PRAGMA cache_size = -65536")
            cur.execute("PRAGMA temp_store = MEMORY")
        # The first statement writes, so the write lock is taken (or waited for) before any
        # read: a read first would make SQLite refuse the later write at once.
        if unit is not None:
            cur.execute(
                f"UPDATE importbatch SET status = '{BatchStatus.RUNNING}' WHERE id = {int(unit.batch_id)}"
            )
        else:
            cur.execute("UPDATE lead SET id = id WHERE 1 = 0")
    except Exception as exc:
        if any(word in str(exc) for word in _BUSY):
            raise LeadStoreError(
                f"another import was still writing after {import_wait_seconds()} s of waiting; "
                "nothing was stored: import again when it has finished"
            ) from None
        raise


def _upsert(
    cur: Any,
    frame: pd.DataFrame,
    postgres: bool,
    stamp: int,
    batch_id: int | None,
    actor_id: int | None,
    report: Progress,
    seconds: dict[str, float],
    unit: ImportUnit | None = None,
) -> tuple[tuple[int, int, int], pd.DataFrame]:
    """Classify the rows by key and fingerprint, insert the new, update the changed; with an
    import, first reject the rows that would leave a lead inconsistent (lead_outcomes)."""
    fields = [name for name in IMPORT_FIELDS if name in frame.columns]
    canon = canonical(frame, fields)
    report(0.05, f"Comparing {len(frame):,} rows with the stored leads")
    with ThreadPoolExecutor(max_workers=1) as pool:
        # the stored keys stream in (the driver releases the GIL) while rows are hashed
        stored = pool.submit(_timed_keys, cur, canon["lead_key"], postgres, seconds)
        with _timed(seconds, "hash"):
            hashes = row_hashes(canon, fields)
        existing, last_id = stored.result()
    late = pd.DataFrame(columns=["line", "column", "value", "reason"])
    with _timed(seconds, "classify"):
        pos = positions(existing["lead_key"], canon["lead_key"])
        if unit is not None and (unit.update_only or {"stage", "closed_at"} & set(fields)):
            canon, pos, hashes, fields, late = _consistent(
                frame, canon, existing, pos, hashes, fields, unit, stamp
            )
        is_new = pos < 0
        stored_hash = pa.array(existing["row_hash"]).take(pa.array(pos[~is_new]))
        same = pc.equal(stored_hash, hashes.filter(pa.array(~is_new))).fill_null(False)
        changed_mask = ~same.to_numpy(zero_copy_only=False)
        unchanged = int((~changed_mask).sum())
        new_rows = canon if is_new.all() else canon.loc[is_new]
        changed_rows, changed_ids, hashed, late = changed_to_write(
            cur, frame, (canon, existing, pos, hashes, changed_mask), fields, unit, postgres, late
        )
    tail = f" (batch {batch_id})" if batch_id is not None else ""
    if len(new_rows):
        report(0.2, f"Storing {len(new_rows):,} new leads{tail}")
        with _timed(seconds, "ingest new"):
            table = as_stored(new_rows, fields, hashes.filter(pa.array(is_new)))
            table = new_lead_columns(table, fields, stamp, batch_id)
            cur.adbc_ingest("lead", table, mode="append")
        report(0.5, "Recording a 'created' event for each new lead")
        with _timed(seconds, "events"):
            cur.execute(
                "INSERT INTO leadevent (lead_id, at, kind, to_stage, actor_id, batch_id)"
                f" SELECT id, created_at, '{EventKind.CREATED}', stage, {_sql_int(actor_id)},"
                f" {_sql_int(batch_id)} FROM lead WHERE id > {last_id}"
            )
    if len(changed_rows):
        report(0.7, f"Updating {len(changed_rows):,} changed leads")
        with _timed(seconds, "update changed"):
            table = as_stored(changed_rows, fields, hashed).append_column(
                "id", pa.array(changed_ids, pa.int64())
            )
            _update(cur, table, fields, stamp, actor_id, batch_id)
    return (len(new_rows), len(changed_rows), unchanged), late


def _update(
    cur: Any,
    table: pa.Table,
    fields: Sequence[str],
    stamp: int,
    actor_id: int | None,
    batch_id: int | None,
) -> None:
    """Stage the changed rows, log stage moves, then update only the columns the file has."""
    cur.adbc_ingest("import_stage", table, mode="create", temporary=True)
    if "stage" in fields:
        cur.execute(
            "INSERT INTO leadevent (lead_id, at, kind, from_stage, to_stage, actor_id, batch_id)"
            f" SELECT lead.id, {stamp}, '{EventKind.STAGE}', lead.stage, s.stage, {_sql_int(actor_id)},"
            f" {_sql_int(batch_id)} FROM import_stage AS s JOIN lead ON lead.id = s.id"
            " WHERE s.stage IS NOT NULL AND s.stage <> lead.stage"
        )
    sets = [
        f"{name} = COALESCE(s.{name}, lead.{name})"
        if name in _KEEP_WHEN_NULL
        else f"{name} = s.{name}"
        for name in fields
    ]
    sets += [
        "row_hash = s.row_hash",
        f"updated_at = {stamp}",
        f"import_batch_id = {_sql_int(batch_id)}",
    ]
    cur.execute(f"UPDATE lead SET {', '.join(sets)} FROM import_stage AS s WHERE lead.id = s.id")
    cur.execute("DROP TABLE import_stage")


def _consistent(
    frame: pd.DataFrame,
    canon: pd.DataFrame,
    existing: pd.DataFrame,
    pos: np.ndarray,
    hashes: pa.Array,
    fields: list[str],
    unit: ImportUnit,
    stamp: int,
) -> tuple[pd.DataFrame, np.ndarray, pa.Array, list[str], pd.DataFrame]:
    """Only the rows that leave their lead consistent (lead_outcomes); the others rejected."""
    lines = frame["line"].to_numpy() if "line" in frame else np.arange(1, len(frame) + 1)
    check = check_outcomes(
        canon,
        lines,
        stored_for(existing, pos),
        columns=unit.columns,
        update_only=unit.update_only,
        undated_outcomes=unit.undated_outcomes,
        stamp=pd.Timestamp(stamp, unit="us", tz="UTC"),
    )
    if check.filled:  # close dates were written: the rows' fingerprints include them
        fields = [name for name in IMPORT_FIELDS if name in canon.columns]
        hashes = row_hashes(canon, fields)
    if not check.keep.all():
        canon, pos = canon.loc[check.keep], pos[check.keep]
        hashes = hashes.filter(pa.array(check.keep))
    return canon, pos, hashes, fields, check.rejects


def _timed_keys(
    cur: Any, keys: pd.Series, postgres: bool, seconds: dict[str, float]
) -> tuple[pd.DataFrame, int]:
    with _timed(seconds, "key read"):
        return existing_keys(cur, keys, postgres)


def _sql_int(value: int | None) -> str:
    """An id as a SQL literal (ADBC cannot bind a bare NULL parameter on PostgreSQL)."""
    return "NULL" if value is None else str(int(value))


@contextmanager
def _timed(seconds: dict[str, float], phase: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    seconds[phase] = seconds.get(phase, 0.0) + time.perf_counter() - start
