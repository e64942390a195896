"""A stored lead is never inconsistent: no close date on an open stage, no won or lost deal
without one. Checked in the import's transaction against what is stored, row by row."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sla_core.stages import CLOSED, Stage

_OPEN = sorted(s.value for s in Stage if s not in CLOSED)
_NEEDS_CLOSE = (Stage.WON.value, Stage.LOST.value)
_REJECT_COLUMNS = ["line", "column", "value", "reason"]


@dataclass
class OutcomeCheck:
    """The rows to keep, the rows rejected with reasons, and whether close dates were filled."""

    keep: np.ndarray
    rejects: pd.DataFrame
    filled: bool


def check_outcomes(
    canon: pd.DataFrame,
    lines: np.ndarray,
    stored: pd.DataFrame,
    *,
    columns: dict[str, str],
    update_only: bool,
    undated_outcomes: str,
    stamp: pd.Timestamp,
) -> OutcomeCheck:
    """Check (and, when so chosen, date today) each row's stage and close date after the update.

    `stored` holds, per row of `canon`, the stored stage and closed_at (NaN/NaT: a new lead);
    `canon` gains closed_at where undated won/lost deals are dated today (filled=True).
    """
    is_new = stored["stage"].isna().to_numpy()
    parts: list[pd.DataFrame] = []
    bad = np.zeros(len(canon), dtype=bool)

    def reject(mask: np.ndarray, field: str, values: pd.Series, reason: str) -> None:
        mask = mask & ~bad
        if mask.any():
            column = columns.get(field, field)
            text = values[mask].astype("object").where(values[mask].notna(), None)
            parts.append(
                pd.DataFrame(
                    {
                        "line": lines[mask],
                        "column": column,
                        "value": text.to_numpy(),
                        "reason": reason,
                    }
                )
            )
            bad[mask] = True

    if update_only:
        reason = "no stored lead has this key (an outcome file only updates stored leads)"
        reject(is_new, "lead_key", canon["lead_key"], reason)
    stage = _after(canon, stored, "stage").fillna(Stage.LEAD.value)
    closed = _after(canon, stored, "closed_at")
    stage_values = stage.to_numpy(dtype=object)
    on_open = np.isin(stage_values, _OPEN) & closed.notna().to_numpy()
    reject(on_open, "closed_at", closed.astype("str"), "a close date on an open stage")
    undated = np.isin(stage_values, _NEEDS_CLOSE) & closed.isna().to_numpy() & ~bad
    filled = False
    if undated_outcomes == "today":
        # always written, filled or kept: the rows hash alike on the next import of the file
        closed = closed.mask(pd.Series(undated, index=closed.index), stamp)
        canon["closed_at"] = closed.astype("datetime64[us, UTC]")
        filled = True
    elif undated.any():
        reason = (
            "won or lost without a close date (map the close date, or date such outcomes today)"
        )
        reject(undated, "stage", stage, reason)
    rejects = (
        pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=_REJECT_COLUMNS)
    )
    return OutcomeCheck(~bad, rejects, filled)


def _after(canon: pd.DataFrame, stored: pd.DataFrame, name: str) -> pd.Series:
    """A field's value once the row is stored: the file's when it has the column, else the
    stored one (stage: an empty cell keeps the stored stage too)."""
    kept = stored[name].set_axis(canon.index)
    if name not in canon.columns:
        return kept
    if name == "stage":
        return canon[name].astype("object").where(canon[name].notna(), kept)
    return canon[name]
