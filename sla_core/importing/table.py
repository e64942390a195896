"""The table every reader returns (CSV/TSV text or a workbook sheet), and what they share."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

HEADER_SCAN_ROWS = 30


class ReadError(ValueError):
    """The file cannot be read as a table; the message says what and where."""


@dataclass
class RawTable:
    """The file's cells as text, with the file line of each row and what was detected."""

    frame: pd.DataFrame
    lines: np.ndarray
    encoding: str | None
    delimiter: str | None
    header_line: int
    sheet: str | None = None
    notes: list[str] = field(default_factory=list)
    bad_lines: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame({"line": [], "reason": [], "raw": []})
    )
    # the text has NUL bytes: the rows holding them are rejected (validation checks cells)
    nul_bytes: bool = False


def find_header(rows: list[list[str]]) -> int:
    """Index of the header row: the first row filled like the table (skips title lines)."""
    filled = [sum(1 for cell in row if str(cell).strip()) for row in rows[:HEADER_SCAN_ROWS]]
    if not any(filled):
        return 0
    width = Counter(n for n in filled if n).most_common(1)[0][0]
    widest = max(filled)
    for index, count in enumerate(filled):
        if count >= max(1, min(width, widest) * 0.6):
            return index
    return 0


def tidy(table: RawTable) -> RawTable:
    """Drop the empty unnamed column a trailing delimiter makes, and blank rows."""
    frame = table.frame
    # A trailing delimiter on every line makes an unnamed, empty last column.
    empty_unnamed = [
        c
        for c in frame.columns
        if str(c).startswith("Unnamed:") and not frame[c].str.strip().ne("").any()
    ]
    frame = frame.drop(columns=empty_unnamed)
    if frame.shape[1] == 0:
        raise ReadError("the file has no columns")
    # Only rows whose first cell is empty can be blank: check the rest on those alone.
    blank = np.array(frame.iloc[:, 0].str.strip().eq(""), dtype=bool)
    if blank.any():
        candidates = frame.loc[blank]
        blank[blank] = candidates.apply(lambda s: s.str.strip().eq("")).all(axis=1).to_numpy()
    if blank.any():
        frame = frame.loc[~blank].reset_index(drop=True)
        table.lines = table.lines[~blank]
    if len(frame) == 0 and table.bad_lines.empty:
        raise ReadError("the file has a header row but no data rows")
    table.frame = frame
    return table
