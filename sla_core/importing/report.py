"""The rejects as a file the user fixes and uploads again: original columns plus the reasons."""

from __future__ import annotations

import csv

import pandas as pd

from sla_core.exporting import safe_csv


def rejects_for_download(rejects: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """One row per rejected line with the original values, its line and every reason."""
    if rejects.empty:
        return pd.DataFrame(columns=[*columns, "line", "problem"])
    grouped = rejects.groupby("line", sort=True).agg(
        raw=("raw", "first"),
        problem=(
            "reason",
            lambda reasons: "; ".join(dict.fromkeys(str(r) for r in reasons)),
        ),
    )
    rows = [next(csv.reader([raw]), []) if isinstance(raw, str) else [] for raw in grouped["raw"]]
    # A ragged row keeps its extra cells in extra columns rather than losing them.
    width = max([len(columns), *map(len, rows)])
    names = [*columns, *(f"extra {i}" for i in range(1, width - len(columns) + 1))]
    out = pd.DataFrame([row + [""] * (width - len(row)) for row in rows], columns=names)
    out.index = grouped.index
    out["line"] = grouped.index
    out["problem"] = grouped["problem"]
    return out.reset_index(drop=True)


def rejects_csv(rejects: pd.DataFrame, columns: list[str]) -> bytes:
    """The download: rejected rows with original values, formulas neutralised."""
    return safe_csv(rejects_for_download(rejects, columns))
