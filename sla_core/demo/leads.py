"""The demo's leads and their history, generated in bulk with a seeded numpy Generator.

The life each lead lived comes from `demo_life`; this module turns it into the Lead
snapshot and the LeadEvent history, in the storage form (int64 epoch microseconds).
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

from sla_core import clock
from sla_core.demo.life import DAY, SPAN_DAYS, Cast, Life, arrivals, simulate
from sla_core.demo.profiles import profiles
from sla_core.demo.vocabulary import ENGLISH, Vocabulary
from sla_core.scoring import qualifies
from sla_core.stages import EventKind, Stage, TouchKind
from sla_core.terms import Targets

OUTCOME_STAGE = np.array(
    [Stage.SQL.value, Stage.DISQUALIFIED.value, Stage.NURTURE.value], dtype=object
)


def generate(
    *,
    cast: Cast,
    seed: int,
    n: int,
    reference: datetime,
    targets: Targets | None = None,
    words: Vocabulary = ENGLISH,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The lead snapshot (keyed by lead_key) and its event history, deterministic per seed;
    the leads' profiles in the words of `words` (the same figures in every language)."""
    rng = np.random.default_rng(seed)
    end = clock.to_micros(reference)
    start = end - SPAN_DAYS * DAY
    created = arrivals(rng, start, end, n, weekend=words.weekend,
                       utc_offset_hours=words.utc_offset_hours)  # fmt: skip
    marketer, frame = profiles(rng, cast.marketer_styles, created, words)
    is_mql = qualifies(frame, words.mql_definition()).to_numpy()
    size = frame["company_size"].fillna(100).to_numpy(dtype=float)
    cap = (targets or Targets()).max_mqls_per_rep
    life = simulate(rng, cast, created, is_mql, size, start, end, cap)
    keys = np.char.add(f"demo-{seed}-", np.char.zfill(np.arange(1, n + 1).astype(str), 6))
    marketer_id = cast.marketer_ids[marketer]
    leads = _snapshot(life, frame, keys, marketer_id, cast.rep_ids)
    if words.deal_scale != 1:  # the company's currency, in round hundreds
        leads["deal_value"] = (leads["deal_value"] * words.deal_scale).round(-2)
    return leads, _history(rng, life, keys, marketer_id, cast.rep_ids)


def _snapshot(
    life: Life, frame: pd.DataFrame, keys: np.ndarray, marketer_id: np.ndarray, rep_ids: np.ndarray
) -> pd.DataFrame:
    """The Lead rows: the profile plus the stage and milestones the life reached."""
    stage = np.full(len(keys), Stage.LEAD.value, dtype=object)
    stage[life.became_mql] = Stage.MQL.value
    stage[life.touched] = Stage.SAL.value
    stage[life.done] = OUTCOME_STAGE[life.outcome[life.done]]
    stage[life.opportunity] = Stage.OPPORTUNITY.value
    stage[life.closed] = np.where(life.won[life.closed], Stage.WON.value, Stage.LOST.value)
    stage[life.weeded] = Stage.DISQUALIFIED.value

    def ts(values: np.ndarray, mask: np.ndarray) -> pd.Series:
        return pd.Series(pd.array(np.where(mask, values, 0), dtype="Int64")).mask(~mask)

    touches, last_touch = life.touches, life.last_touch
    updated = np.maximum.reduce(
        [
            life.created,
            np.where(life.became_mql, life.mql_at, 0),
            np.where(life.assigned, life.assigned_at, 0),
            np.where(touches > 0, last_touch, 0),
            np.where(life.done, life.disp_at, 0),
            np.where(life.opportunity, life.opp_at, 0),
            np.where(life.closed, life.close_at, 0),
            np.where(life.weeded, life.weed_at, 0),
        ]
    )
    reason = np.where(life.weeded, life.weed_reason, life.reason)
    return frame.assign(
        lead_key=keys,
        external_id=keys,
        marketer_id=marketer_id,
        owner_id=ts(rep_ids[life.rep], life.assigned),
        stage=stage,
        disposition_reason=pd.Series(reason).astype("string"),
        touches=touches.astype(np.int64),
        deal_value=pd.Series(life.deal_value).where(life.opportunity),
        created_at=life.created,
        mql_at=ts(life.mql_at, life.became_mql),
        assigned_at=ts(life.assigned_at, life.assigned),
        first_touch_at=ts(life.first_touch, life.touched),
        last_touch_at=ts(last_touch, touches > 0),
        dispositioned_at=ts(life.disp_at, life.done),
        sql_at=ts(life.disp_at, life.qualified),
        opportunity_at=ts(life.opp_at, life.opportunity),
        closed_at=ts(life.close_at, life.closed),
        updated_at=updated,
    )


def _history(
    rng: np.random.Generator,
    life: Life,
    keys: np.ndarray,
    marketer_id: np.ndarray,
    rep_ids: np.ndarray,
) -> pd.DataFrame:
    """The LeadEvents the snapshot is rebuilt from, in time order (lead_key, not lead_id)."""
    n = len(keys)
    # an assignment names its new owner as the actor; the owner does the work after it
    rep = pd.array(np.where(life.assigned, rep_ids[life.rep], 0), dtype="Int64")
    parts = [
        _events(keys, life.created, EventKind.CREATED, None, Stage.LEAD.value, None, marketer_id, 0),
        _events(keys, life.mql_at, EventKind.STAGE, Stage.LEAD.value, Stage.MQL.value, None, marketer_id, 1, life.became_mql),
        _events(keys, life.assigned_at, EventKind.ASSIGNED, None, None, None, rep, 2, life.assigned),
        _events(keys, life.first_touch, EventKind.STAGE, Stage.MQL.value, Stage.SAL.value, None, rep, 3, life.touched),
        _events(keys, life.disp_at, EventKind.DISPOSITION, Stage.SAL.value, OUTCOME_STAGE[life.outcome],
                life.reason, rep, 10, life.done),
        _events(keys, life.opp_at, EventKind.STAGE, Stage.SQL.value, Stage.OPPORTUNITY.value, None, rep, 11,
                life.opportunity),
        _events(keys, life.close_at, EventKind.STAGE, Stage.OPPORTUNITY.value,
                np.where(life.won, Stage.WON.value, Stage.LOST.value),
                None, rep, 12, life.closed),
        _events(keys, life.weed_at, EventKind.STAGE, Stage.LEAD.value, Stage.DISQUALIFIED.value, life.weed_reason,
                marketer_id, 13, life.weeded),
    ]  # fmt: skip
    kinds = np.array(
        [t.value for t in (TouchKind.CALL, TouchKind.EMAIL, TouchKind.MEETING)], dtype=object
    )
    for j in range(5):  # five attempt slots, not one loop per lead
        kind_p = [0.55, 0.45, 0.0] if j == 0 else [0.45, 0.4, 0.15]
        touch_kind = kinds[rng.choice(3, n, p=kind_p)]
        parts.append(
            _events(keys, life.touch_at[:, j], EventKind.TOUCH, None, None, None, rep, 4 + j,
                    life.valid_touch[:, j], touch_kind=touch_kind)
        )  # fmt: skip
    events = pd.concat(parts, ignore_index=True)
    # an assignment's actor is the rep it hands the lead to: the owner from then on
    assigned = events["kind"] == EventKind.ASSIGNED.value
    events["owner_id"] = events["actor_id"].where(assigned, pd.NA).astype("Int64")
    events = events.sort_values(["at", "seq"], kind="stable").drop(columns="seq")
    return events.reset_index(drop=True)


def _events(
    keys: np.ndarray,
    at: np.ndarray,
    kind: EventKind,
    from_stage: object,
    to_stage: object,
    reason: object,
    actor: object,
    seq: int,
    mask: np.ndarray | None = None,
    *,
    touch_kind: np.ndarray | None = None,
) -> pd.DataFrame:
    """One kind of event for the leads in `mask`, in the LeadEvent column layout."""
    n = len(keys)
    take = np.ones(n, dtype=bool) if mask is None else mask

    def column(value: object) -> object:
        return (
            value[take]
            if isinstance(value, np.ndarray | pd.api.extensions.ExtensionArray)
            else value
        )

    count = int(take.sum())
    frame = pd.DataFrame(
        {
            "lead_key": keys[take],
            "at": at[take],
            "kind": kind.value,
            "touch_kind": column(touch_kind) if touch_kind is not None else None,
            "from_stage": column(from_stage),
            "to_stage": column(to_stage),
            "reason": column(reason),
            "actor_id": pd.array(column(actor), dtype="Int64") if count else pd.array([], "Int64"),
            "note": None,
            "seq": seq,
        },
        index=pd.RangeIndex(count),
    )
    for name in ("touch_kind", "from_stage", "to_stage", "reason", "note"):
        frame[name] = frame[name].astype("string")
    return frame
