"""CSV files the app hands out: spreadsheet formulas in cells are neutralised."""

from __future__ import annotations

import pandas as pd

# A cell starting with one of these is run as a formula by Excel/LibreOffice (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(values: pd.Series) -> pd.Series:
    """Text cells that a spreadsheet would run as a formula, prefixed with ' so they stay text."""
    text = values.astype("object")
    risky = text.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_START))
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
