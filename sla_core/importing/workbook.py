"""Reading a workbook (.xlsx): one sheet as text, formulas kept as their text."""

from __future__ import annotations

import io
from datetime import datetime

import pandas as pd

from sla_core.importing.table import HEADER_SCAN_ROWS, RawTable, ReadError, find_header, tidy


def _fill_header(names: list[str]) -> list[str]:
    # A merged header cell leaves its neighbours empty: name them after the merged one.
    out: list[str] = []
    for i, name in enumerate(names):
        name = str(name).strip() if name is not None and str(name) != "nan" else ""
        if not name:
            name = f"{out[-1]} ({i + 1})" if out else f"column {i + 1}"
        while name in out:
            name = f"{name}_"
        out.append(name)
    return out


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _sheets(data: bytes) -> dict[str, pd.DataFrame]:
    from openpyxl import load_workbook

    try:
        # data_only=False: a formula such as =HYPERLINK(...) is kept as its text.
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise ReadError(f"the workbook cannot be opened ({exc})") from None
    try:
        return {
            str(ws.title): pd.DataFrame(
                [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)],
                dtype="str",
            )
            for ws in book.worksheets
        }
    finally:
        book.close()


def read_xlsx(data: bytes, sheet: str | None = None) -> RawTable:
    """Read one sheet of a workbook (the named one, else the first with data) as text."""
    sheets = _sheets(data)
    filled = {name: int(df.ne("").to_numpy().sum()) for name, df in sheets.items()}
    if sheet is not None and sheet not in sheets:
        raise ReadError(f"the workbook has no sheet {sheet!r}; it has: {', '.join(sheets)}")
    chosen = sheet or next((name for name, n in filled.items() if n), None)
    if chosen is None:
        raise ReadError("the workbook is empty")
    grid = sheets[chosen].fillna("")
    rows = grid.head(HEADER_SCAN_ROWS).astype(str).values.tolist()
    header_index = find_header(rows)
    frame = grid.iloc[header_index + 1 :].astype("str")
    frame.columns = _fill_header(list(grid.iloc[header_index]))
    lines = (frame.index.to_numpy(dtype="int64") + 1).astype("int64")
    table = RawTable(
        frame=frame.reset_index(drop=True),
        lines=lines,
        encoding=None,
        delimiter=None,
        header_line=header_index + 1,
        sheet=str(chosen),
    )
    if len(sheets) > 1:
        table.notes.append(
            f"the workbook has {len(sheets)} sheets ({', '.join(map(str, sheets))}); "
            f"read {chosen!r}"
        )
    return tidy(table)
