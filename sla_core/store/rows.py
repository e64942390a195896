"""Imported rows as the lead table stores them: Arrow columns, instants as epoch micros."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sla_core.stages import Stage
from sla_core.store.fields import FLOAT_FIELDS, STORE_TEXT_FIELDS


def as_stored(rows: pd.DataFrame, fields: Sequence[str], hashes: pa.Array) -> pa.Table:
    """Rows as Arrow with the column types the lead table stores (instants as epoch micros)."""
    columns: dict[str, pa.Array] = {"lead_key": _text(pa.array(rows["lead_key"]))}
    for name in fields:
        values = pa.array(rows[name])
        if name in STORE_TEXT_FIELDS:
            columns[name] = _text(values)
        elif name in FLOAT_FIELDS:
            columns[name] = values.cast(pa.float64())
        else:  # integers, and timestamp[us, UTC] whose int64 is the epoch microsecond
            columns[name] = values.cast(pa.int64())
    columns["row_hash"] = hashes
    return pa.table(columns)


def _text(values: pa.Array) -> pa.Array:
    """Text as Arrow strings; pandas' large strings go in as they are (no copy)."""
    if pa.types.is_large_string(values.type) or pa.types.is_string(values.type):
        return values
    return values.cast(pa.string())


def new_lead_columns(
    table: pa.Table, fields: Sequence[str], stamp: int, batch_id: int | None
) -> pa.Table:
    """New leads' columns the file may not give: stage lead, created now, no touches yet."""
    n = table.num_rows
    if "stage" in fields:
        stage = pc.fill_null(table["stage"], Stage.LEAD.value)
        table = table.set_column(table.schema.get_field_index("stage"), "stage", stage)
    else:
        table = table.append_column("stage", pa.array([Stage.LEAD.value] * n, pa.string()))
    if "created_at" in fields:
        created = pc.fill_null(table["created_at"], pa.scalar(stamp, pa.int64()))
        table = table.set_column(table.schema.get_field_index("created_at"), "created_at", created)
    else:
        table = table.append_column("created_at", pa.repeat(pa.scalar(stamp, pa.int64()), n))
    constant = {"touches": 0, "updated_at": stamp, "import_batch_id": batch_id}
    for name, value in constant.items():
        table = table.append_column(name, pa.repeat(pa.scalar(value, pa.int64()), n))
    return table
