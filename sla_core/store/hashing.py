"""Row fingerprints: which imported rows are new, changed, or stored exactly so already."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sla_core.store.fields import DATE_FIELDS, FLOAT_FIELDS, SALES_FIELDS, STORE_INT_FIELDS
from sla_core.store.outcomes import check_sales_rules
from sla_core.store.results import ImportUnit

# Above this many stored leads per imported row, look keys up through a temp table
# instead of reading every stored key.
_READ_ALL_RATIO = 4
_MIX = np.uint64(0x100000001B3)  # the 64-bit FNV prime
_NULL_HASH = np.uint64(0x9E3779B97F4A7C15)


def row_hashes(frame: pd.DataFrame, fields: Sequence[str]) -> pa.Array:
    """A fingerprint of each row's imported fields (and of which fields the file had)."""
    signature = hashlib.sha256(",".join(fields).encode()).digest()[:8]
    combined = np.full(len(frame), np.frombuffer(signature, dtype=np.uint64)[0])
    with np.errstate(over="ignore"):  # wrap-around multiplication is the point
        for name in fields:
            combined = combined * _MIX ^ _column_hash(frame[name])
    return pa.array(combined).cast(pa.string())


def _column_hash(values: pd.Series) -> np.ndarray:
    """A uint64 per value; text is hashed once per distinct value (Arrow dictionary-encodes)."""
    if values.dtype != "str":
        hashed = pd.util.hash_pandas_object(values, index=False, categorize=False)
        numbers: np.ndarray = hashed.to_numpy()
        return numbers
    text = pa.array(values)
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    sample = text.slice(0, 10_000)
    if 2 * len(pc.unique(sample)) > len(sample):  # mostly distinct (e-mails, ids): no dictionary
        distinct = text.to_numpy(zero_copy_only=False).astype(object)
        hashed = pd.util.hash_array(distinct, categorize=False)
        return np.where(pc.is_null(text).to_numpy(zero_copy_only=False), _NULL_HASH, hashed)
    encoded = pc.dictionary_encode(text)
    if len(encoded.dictionary) == 0:  # the column is empty in every row
        return np.full(len(text), _NULL_HASH, dtype=np.uint64)
    distinct = encoded.dictionary.to_numpy(zero_copy_only=False).astype(object)
    per_value = pd.util.hash_array(distinct, categorize=False)
    indices = encoded.indices.fill_null(-1).to_numpy()
    return np.where(indices >= 0, per_value.take(np.maximum(indices, 0)), _NULL_HASH)


def positions(stored: pd.Series, keys: pd.Series) -> np.ndarray:
    """Where each key sits among the stored keys (-1: not stored)."""
    stored_keys, wanted = _flat(stored), _flat(keys)
    if stored_keys.equals(wanted):  # the same file again into a table holding just it
        return np.arange(len(wanted))
    found = pc.index_in(wanted, value_set=stored_keys)
    where: np.ndarray = found.fill_null(-1).to_numpy(zero_copy_only=False)
    return where


def _flat(values: pd.Series) -> pa.Array:
    array = pa.array(values)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return array.cast(pa.string())


def canonical(frame: pd.DataFrame, fields: Sequence[str]) -> pd.DataFrame:
    """The key and imported fields in one dtype each, so equal values hash equally."""
    out = {"lead_key": frame["lead_key"].astype("str")}
    for name in fields:
        column = frame[name]
        if name in STORE_INT_FIELDS:
            out[name] = column.astype("Int64")
        elif name in FLOAT_FIELDS:
            out[name] = column.astype("float64")
        elif name in DATE_FIELDS:
            out[name] = pd.to_datetime(column, utc=True).dt.as_unit("us")
        else:
            out[name] = column.astype("str")
    return pd.DataFrame(out, index=frame.index)


def existing_keys(cur: Any, keys: pd.Series, postgres: bool) -> tuple[pd.DataFrame, int]:
    """The stored (id, lead_key, row_hash, stage, closed_at) of the keys, and the highest id."""
    total, last_id = _scalars(cur, "SELECT COUNT(*), COALESCE(MAX(id), 0) FROM lead")
    columns = "lead.id, lead.lead_key, lead.row_hash, lead.stage, lead.closed_at"
    by_join = total > _READ_ALL_RATIO * len(keys)
    if by_join:
        keys_table = pa.table({"lead_key": pa.array(keys).cast(pa.string())})
        cur.adbc_ingest("import_keys", keys_table, mode="create", temporary=True)
        sql = f"SELECT {columns} FROM lead JOIN import_keys AS k ON k.lead_key = lead.lead_key"
    else:
        sql = f"SELECT {columns} FROM lead"
    if not postgres:
        # SQLite's driver types each column from its first batch: read in one batch.
        cur.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": "100000000"})
    cur.execute(sql)
    schema = pa.schema(
        [
            ("id", pa.int64()),
            ("lead_key", pa.string()),
            ("row_hash", pa.string()),
            ("stage", pa.string()),
            ("closed_at", pa.int64()),
        ]
    )
    table = cur.fetch_arrow_table()
    table = pa.table([table.column(i).cast(f.type) for i, f in enumerate(schema)], schema=schema)
    if by_join:
        cur.execute("DROP TABLE import_keys")
    return table.to_pandas(), last_id


def _scalars(cur: Any, sql: str) -> tuple[int, int]:
    cur.execute(sql)
    row = cur.fetchone()
    return int(row[0]), int(row[1])


def stored_for(existing: pd.DataFrame, pos: np.ndarray) -> pd.DataFrame:
    """The stored stage and close date for each imported row (missing for new leads)."""
    found = pos >= 0
    stage = np.full(len(pos), None, dtype=object)
    stage[found] = existing["stage"].to_numpy(dtype=object)[pos[found]]
    micros = np.full(len(pos), np.nan)
    micros[found] = existing["closed_at"].to_numpy(dtype="float64")[pos[found]]
    closed = pd.to_datetime(micros, unit="us", utc=True).astype("datetime64[us, UTC]")
    return pd.DataFrame({"stage": stage, "closed_at": closed})


def _stored_sales(cur: Any, ids: np.ndarray, names: list[str], postgres: bool) -> pd.DataFrame:
    """The stored stage, owner_id and `names` (sales' fields) of the leads `ids`, in order;
    milestones as UTC timestamps."""
    cur.adbc_ingest(
        "import_changed", pa.table({"id": pa.array(ids, pa.int64())}), mode="create", temporary=True
    )
    picked = ", ".join(f"lead.{n}" for n in ["id", "stage", "owner_id", *names])
    if not postgres:  # SQLite's driver types each column from its first batch: read in one
        cur.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": "100000000"})
    cur.execute(f"SELECT {picked} FROM lead JOIN import_changed AS k ON k.id = lead.id")
    rows = cur.fetch_arrow_table().to_pandas()
    cur.execute("DROP TABLE import_changed")
    rows.columns = ["id", "stage", "owner_id", *names]
    stored = rows.set_index("id").reindex(ids)
    for name in names:
        if name in DATE_FIELDS:
            micros = pd.to_numeric(stored[name], errors="coerce")
            stored[name] = pd.to_datetime(micros, unit="us", utc=True)
    return stored.reset_index(drop=True)


def _placed_reps(cur: Any) -> frozenset[int]:
    """The ids a lead may be handed to: active sales reps placed in a team or given a login."""
    cur.execute(
        "SELECT id FROM \"user\" WHERE active AND role = 'sales_rep'"
        " AND (team_id IS NOT NULL OR password_hash IS NOT NULL)"
    )
    return frozenset(int(r[0]) for r in cur.fetchall())


def changed_to_write(
    cur: Any,
    frame: pd.DataFrame,
    classified: tuple[pd.DataFrame, pd.DataFrame, np.ndarray, pa.Array, np.ndarray],
    fields: list[str],
    unit: ImportUnit | None,
    postgres: bool,
    late: pd.DataFrame,
) -> tuple[pd.DataFrame, np.ndarray, pa.Array, pd.DataFrame]:
    """The changed rows of stored leads (rows, ids, fingerprints) to write: with an import,
    those that keep the lifecycle, routing and the sides' rules (lead_outcomes.
    check_sales_rules); the others join the rejects."""
    canon, existing, pos, hashes, changed_mask = classified
    stored = pos >= 0
    rows = canon.loc[stored].loc[changed_mask]
    ids = existing["id"].to_numpy()[pos[stored][changed_mask]]
    hashed = hashes.filter(pa.array(stored)).filter(pa.array(changed_mask))
    names = [n for n in SALES_FIELDS if n in fields and n != "owner_id"]
    if unit is None or not len(rows) or not ({"stage", "owner_id", *names} & set(fields)):
        return rows, ids, hashed, late
    lines = frame.loc[rows.index, "line"].to_numpy() if "line" in frame else rows.index + 1
    keep, refused = check_sales_rules(
        rows,
        np.asarray(lines),
        _stored_sales(cur, ids, names, postgres),
        columns=unit.columns,
        sales_side=unit.sales_side,
        owners=_placed_reps(cur),
    )
    if keep.all():
        return rows, ids, hashed, late
    late = pd.concat([late, refused], ignore_index=True) if len(late) else refused
    return rows.loc[keep], ids[keep], hashed.filter(pa.array(keep)), late
