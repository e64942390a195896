"""Rejected rows: collected per check with line, column, value and reason; in-file duplicates."""

from __future__ import annotations

import csv
import io
from typing import Any

import numpy as np
import pandas as pd

from sla_core.importing.reading import RawTable

REJECT_COLUMNS = ["line", "column", "value", "reason", "raw"]
SHOWN = 80  # a rejected value is shown (page, CLI, stored reject) cut to this many characters


def shown(values: pd.Series) -> pd.Series:
    """Rejected values as messages show them: a long text cut to SHOWN characters with "…".

    The whole row stays in the reject's `raw` (the download), so nothing is lost; a 100 kB
    cell is no longer echoed in full on every page, line and JSON object (issue 18.17).
    """
    values = values.astype("object")
    lengths = values.map(lambda v: len(v) if isinstance(v, str) else 0)
    long = lengths > SHOWN
    if long.any():
        values = values.copy()
        values[long] = [str(v)[: SHOWN - 1] + "…" for v in values[long]]
    return values


class Rejects:
    """The problems found so far, and which rows have at least one."""

    def __init__(self, lines: pd.Series) -> None:
        self.lines = lines
        self.parts: list[pd.DataFrame] = []
        self.bad = pd.Series(False, index=lines.index)

    def add(
        self, mask: pd.Series, column: str | None, values: pd.Series | None, reason: Any
    ) -> None:
        # Later checks run on the rows that survived earlier ones: align to every row.
        mask = mask.reindex(self.lines.index, fill_value=False).fillna(False).astype(bool)
        if not mask.any():
            return
        self.bad |= mask

        def pick(series: pd.Series) -> Any:
            return series.reindex(self.lines.index)[mask].astype("object").to_numpy()

        def pick_values(series: pd.Series) -> Any:
            return shown(series.reindex(self.lines.index)[mask]).to_numpy()

        self.parts.append(
            pd.DataFrame(
                {
                    "line": self.lines[mask].to_numpy(),
                    "column": column,
                    "value": None if values is None else pick_values(values),
                    "reason": pick(reason) if isinstance(reason, pd.Series) else reason,
                }
            )
        )


def raw_rows(table: RawTable, lines: np.ndarray) -> pd.Series:
    """The original rows at `lines` as CSV text (what the rejects download gives back)."""
    positions = np.searchsorted(table.lines, lines)
    rows = table.frame.iloc[positions]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    texts = []
    for row in rows.itertuples(index=False):  # only rejected rows: few, and needed as text
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(row)
        texts.append(buffer.getvalue().rstrip("\n"))
    return pd.Series(texts, index=lines, dtype="object")


def duplicates(frame: pd.DataFrame, rej: Rejects, lines: pd.Series) -> pd.Series:
    """Keys twice in the file: all rejected when their data differ, else kept once."""
    dup = frame["lead_key"].duplicated(keep=False)
    if not dup.any():
        return dup
    sub = frame[dup]
    digest = pd.util.hash_pandas_object(sub.drop(columns=["lead_key", "line"]), index=False)
    differs = digest.groupby(sub["lead_key"]).transform("nunique") > 1
    first_line = lines[dup].groupby(sub["lead_key"]).transform("min")
    key_lines = lines[dup].astype(str).groupby(sub["lead_key"]).transform(", ".join)
    mask = pd.Series(False, index=frame.index)
    mask[sub.index] = differs
    reason = pd.Series("", index=frame.index, dtype="object")
    reason[sub.index] = "key appears with different data on lines " + key_lines
    rej.add(mask, "lead_key", frame["lead_key"], reason)
    later = frame["lead_key"].duplicated(keep="first") & ~mask
    reason2 = pd.Series("", index=frame.index, dtype="object")
    reason2[sub.index] = "same as line " + first_line.astype(str) + " (skipped)"
    rej.add(later, "lead_key", frame["lead_key"], reason2)
    return mask | later
