"""CSV and Excel files the app hands out: control characters dropped, formulas neutralised."""

from __future__ import annotations

import re

import pandas as pd

# A cell a spreadsheet may run as a formula (CSV injection): one starting with = + - @, also
# behind leading spaces, tabs, carriage returns or line feeds (which spreadsheets skip), or
# with the full-width forms ＝＋－＠ that some spreadsheets fold into the ASCII ones; and any
# cell starting with a tab or carriage return.
FORMULA = re.compile(r"^(?:[\t\r]|[\s\u3000]*[=+\-@\uff1d\uff0b\uff0d\uff20])")

# Control characters no text field means: every C0 character but tab, line feed and carriage
# return, and DEL. One of them in a name made openpyxl refuse the whole workbook; imports drop
# them (importing.cells) and every export drops them again, for data stored before that.
CONTROL_CHARACTERS = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
_CONTROL = re.compile(CONTROL_CHARACTERS)


def printable(text: str) -> str:
    """`text` without control characters (tabs and line breaks kept)."""
    return _CONTROL.sub("", text)


def is_formula(value: object) -> bool:
    """Whether a spreadsheet could read this cell as a formula."""
    return isinstance(value, str) and FORMULA.match(value) is not None


def neutralise(values: pd.Series) -> pd.Series:
    """Text cells without control characters; those a spreadsheet would run as a formula
    prefixed with ' so they stay text (checked after the control characters are gone)."""
    text = values.astype("object").map(lambda v: printable(v) if isinstance(v, str) else v)
    risky = text.map(is_formula).astype(bool)
    return text.mask(risky, "'" + text.where(risky, "").astype(str))


def safe_csv(frame: pd.DataFrame) -> bytes:
    """The frame as UTF-8 CSV (with BOM, so Excel reads it right), formulas neutralised."""
    out = frame.copy()
    out.columns = neutralise(pd.Series([str(c) for c in out.columns])).tolist()
    for column in out.columns:
        if not (
            pd.api.types.is_numeric_dtype(out[column]) or pd.api.types.is_bool_dtype(out[column])
        ):
            out[column] = neutralise(out[column])
    text: str = out.to_csv(index=False)
    return text.encode("utf-8-sig")


def _cells_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text neutralised and instants written as naive UTC (Excel has no time zones)."""
    out = frame.copy()
    out.columns = neutralise(pd.Series([str(c) for c in out.columns])).tolist()
    for column in out.columns:
        values = out[column]
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            out[column] = values.dt.tz_convert("UTC").dt.tz_localize(None)
        elif not (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)):
            out[column] = neutralise(values)
    return out


def safe_xlsx(sheets: dict[str, pd.DataFrame]) -> bytes:
    """A workbook with one sheet per frame; no cell is ever a formula."""
    import io

    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            _cells_safe(frame).to_excel(writer, sheet_name=name[:31], index=False)
    return buffer.getvalue()
