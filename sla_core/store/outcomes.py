"""A stored lead is never inconsistent: no close date on an open stage, no won or lost deal
without one. Checked in the import's transaction against what is stored, row by row."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sla_core.stages import CLOSED, TRANSITIONS, Stage
from sla_core.store.fields import DATE_FIELDS, SALES_FIELDS

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


# Stages past MQL: only sales moves a lead into or out of them.
SALES_STAGES = frozenset(
    s.value for s in (Stage.SAL, Stage.SQL, Stage.OPPORTUNITY, Stage.WON, Stage.LOST)
)


class _Refusals:
    """The rows refused so far (each once, with its first reason), as reject rows."""

    def __init__(self, lines: np.ndarray, columns: dict[str, str]) -> None:
        self.lines, self.columns = lines, columns
        self.bad = np.zeros(len(lines), dtype=bool)
        self.parts: list[pd.DataFrame] = []

    def add(self, mask: np.ndarray, field: str, values: pd.Series, reason: str) -> None:
        mask = mask & ~self.bad
        if mask.any():
            shown = [None if pd.isna(v) else str(v) for v in values.astype("object")[mask]]
            column = self.columns.get(field, field)
            frame = {"line": self.lines[mask], "column": column, "value": shown, "reason": reason}
            self.parts.append(pd.DataFrame(frame))
            self.bad[mask] = True

    def rejects(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame(columns=_REJECT_COLUMNS)
        return pd.concat(self.parts, ignore_index=True)


def check_sales_rules(
    changed: pd.DataFrame,
    lines: np.ndarray,
    stored: pd.DataFrame,
    *,
    columns: dict[str, str],
    sales_side: bool,
    owners: frozenset[int],
) -> tuple[np.ndarray, pd.DataFrame]:
    """Which changed rows of stored leads may be written; the others rejected with the reason.

    `stored` holds, per row of `changed`, the stored stage, owner_id and the SALES_FIELDS the
    file has. Every import moves a stage only along the lifecycle (one agreed step, as on the
    pages) and hands a lead only to an active, placed sales rep (`owners`, as routing does).
    A marketing-side import (`sales_side` False) changes none of what sales holds: not the
    owner, milestones or outcome, no stage past MQL, and no stage of a lead sales holds.
    """
    refused = _Refusals(lines, columns)
    if not sales_side:
        for name in SALES_FIELDS:
            if name in changed.columns:
                refused.add(
                    _differs(changed[name], stored[name], name),
                    name,
                    changed[name],
                    f"only an admin's or a sales manager's import changes {name} of a stored lead",
                )
    if "stage" in changed.columns:
        _check_stages(changed["stage"].astype("object"), stored, sales_side, refused)
    if sales_side and "owner_id" in changed.columns:
        owner = changed["owner_id"].astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
        eligible = np.isin(owner, np.array(sorted(owners), dtype="float64"))
        refused.add(
            _differs(changed["owner_id"], stored["owner_id"], "owner_id") & ~eligible,
            "owner_id",
            changed["owner_id"],
            "a lead is handed only to an active sales rep placed in a team or given a login",
        )
    return ~refused.bad, refused.rejects()


def _check_stages(
    new_stage: pd.Series, stored: pd.DataFrame, sales_side: bool, refused: _Refusals
) -> None:
    """Stage moves: along the lifecycle for everyone; past MQL, or of a lead sales holds
    (beyond MQL, or an MQL with an owner), only for sales' side."""
    was_stage = stored["stage"].astype("object").to_numpy()
    was_owner = stored["owner_id"].astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
    held = np.isin(was_stage, list(SALES_STAGES)) | (
        (was_stage == Stage.MQL.value) & ~np.isnan(was_owner)
    )
    to = new_stage.to_numpy()
    moves = new_stage.notna().to_numpy() & (to != was_stage)
    if not sales_side:
        refused.add(
            moves & (held | np.isin(to, list(SALES_STAGES))),
            "stage",
            new_stage,
            "only an admin's or a sales manager's import moves a lead sales holds, "
            "or moves a lead past MQL",
        )
    allowed = np.array(
        [
            not m or Stage(t) in TRANSITIONS.get(Stage(w), frozenset())
            for m, t, w in zip(moves, to, was_stage, strict=True)
        ],
        dtype=bool,
    )
    refused.add(
        ~allowed,
        "stage",
        new_stage,
        "the lifecycle does not allow this move from the stored stage "
        "(one agreed step at a time, as on the pages)",
    )


def _differs(new: pd.Series, old: pd.Series, name: str) -> np.ndarray:
    """Where the file's value is not the stored one (both empty counts as equal)."""
    old = old.set_axis(new.index)
    if name in DATE_FIELDS:
        a = pd.to_datetime(new, utc=True).dt.as_unit("us")
        b = pd.to_datetime(old, utc=True).dt.as_unit("us")
        same = (a == b).fillna(False) | (a.isna() & b.isna())
    elif new.dtype.kind in "iuf" or str(new.dtype) in ("Int64", "Float64"):
        a = new.astype("Float64")
        b = pd.to_numeric(old, errors="coerce").astype("Float64")
        same = (a == b).fillna(False) | (a.isna() & b.isna())
    else:
        a = new.astype("object")
        b = old.astype("object")
        same = pd.Series(
            [(pd.isna(x) and pd.isna(y)) or x == y for x, y in zip(a, b, strict=True)],
            index=new.index,
        )
    result: np.ndarray = ~same.to_numpy(dtype=bool)
    return result
