"""CRM lifecycle stages and lead statuses onto our stage, per distinct (stage, status) pair."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.arrays import ArrowStringArray

from sla_core.importing.mapping import ImportOptions, norm, value_map
from sla_core.importing.rejects import Rejects
from sla_core.stages import FUNNEL, Stage

# How far down the funnel each stage is; a lost deal ended where a won one did.
_RANK = {stage.value: rank for rank, stage in enumerate(FUNNEL)} | {
    Stage.LOST.value: FUNNEL.index(Stage.WON)
}
_ENDED = (Stage.WON.value, Stage.LOST.value)
# Statuses that leave the funnel refine any stage that has not ended.
_EXITS = (Stage.NURTURE.value, Stage.DISQUALIFIED.value, Stage.LOST.value)
_STR = pd.StringDtype("pyarrow", na_value=np.nan)


def _codes(
    values: pd.Series, mapping: dict[str, str], rej: Rejects, column: str, what: str
) -> tuple[np.ndarray, list[str | None]]:
    """Each row's code into the distinct values, and our value for each distinct one."""
    codes, uniques = pd.factorize(values)
    ours = [mapping.get(norm(v)) for v in uniques]
    unknown = np.array([o is None for o in ours] + [False], dtype=bool)[codes]
    rej.add(
        pd.Series(unknown, index=values.index),
        column,
        values,
        f"unknown {what}: add it to the value mapping",
    )
    return codes, ours


def _combine(stage: str | None, status: str | None) -> str | None:
    """A status further down the funnel, or one that leaves it, refines the lifecycle stage."""
    if stage is None or status is None:
        return stage or status
    if status in _EXITS and stage not in _ENDED:
        return status
    return status if _RANK.get(status, -1) > _RANK.get(stage, -1) else stage


def stage_column(
    values: pd.Series,
    status: pd.Series | None,
    options: ImportOptions,
    rej: Rejects,
    cols: dict[str, str],
) -> pd.Series:
    """Our stage for each row; unknown values are rejected naming the value mapping."""
    s_codes, s_ours = _codes(values, value_map(options, "stage"), rej, cols["stage"], "stage")
    t_codes: np.ndarray = np.full(len(values), -1, dtype=np.intp)
    t_ours: list[str | None] = []
    if status is not None:
        t_codes, t_ours = _codes(
            status, value_map(options, "lead_status"), rej, cols["lead_status"], "lead status"
        )
    # Work on the few distinct (stage, status) pairs, not on a million rows.
    pairs = (s_codes.astype(np.int64) + 1) * (len(t_ours) + 1) + (t_codes + 1)
    inverse, unique_pairs = pd.factorize(pairs)
    width = len(t_ours) + 1
    s_all, t_all = [None, *s_ours], [None, *t_ours]
    distinct = pa.array(
        [_combine(s_all[p // width], t_all[p % width]) for p in unique_pairs], type=pa.string()
    )
    taken = pa.chunked_array([distinct.take(pa.array(inverse))])
    return pd.Series(ArrowStringArray(taken, dtype=_STR), index=values.index)
