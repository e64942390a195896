"""The demo's leads and their history, generated in bulk with a seeded numpy Generator.

Times are int64 epoch microseconds throughout (the storage form). Every step of a lead's
life happens only if its time is not after the reference instant, so recent MQLs are
still waiting in the reps' queues and some are at risk or already late.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from sla_core import clock
from sla_core.demo_profiles import profiles
from sla_core.scoring import qualifies
from sla_core.stages import DEFAULT_REASONS, Disposition
from sla_core.terms import Targets, default_mql_definition

SECOND = 1_000_000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE
DAY = 24 * HOUR
MONTH = 30 * DAY + 10 * HOUR
SPAN_DAYS = 182


@dataclass(frozen=True)
class Cast:
    """The people the leads belong to (user ids) and how each of them works."""

    rep_ids: np.ndarray
    rep_styles: tuple[str, ...]
    marketer_ids: np.ndarray
    marketer_styles: tuple[str, ...]


# How a rep works: hours to first touch and to disposition (medians), the chance an MQL is
# never touched or never dispositioned, the outcome mix, follow-ups, and the deal funnel.
REP_PARAMS = ("touch_h", "disp_h", "never", "stuck", "qualify", "disqualify", "touches",
              "opportunity", "win", "weight")  # fmt: skip
REP_STYLE: dict[str, tuple[float, ...]] = {
    "star":    (3, 14, 0.003, 0.005, 0.46, 0.30, 3.2, 0.72, 0.40, 1.15),
    "steady":  (8, 20, 0.015, 0.020, 0.35, 0.35, 2.4, 0.60, 0.32, 1.00),
    "laggard": (22, 40, 0.060, 0.060, 0.22, 0.40, 1.6, 0.45, 0.22, 0.85),
}  # fmt: skip
NA = np.array(None, dtype=object)


def _lognormal(
    rng: np.random.Generator, median: np.ndarray | float, sigma: float, n: int
) -> np.ndarray:
    """Positive delays in microseconds with the given median (hours) and spread."""
    hours = np.exp(rng.normal(np.log(median), sigma, n))
    return np.asarray(np.maximum((hours * HOUR).astype(np.int64), SECOND))


def _created(rng: np.random.Generator, start: int, end: int, n: int) -> np.ndarray:
    """Leads arrive on working days, in working hours mostly, a little more each month."""
    days = np.arange((end - start) // DAY + 1)
    weekday = (pd.Timestamp(clock.from_micros(start)).dayofweek + days) % 7
    weight = np.where(weekday >= 5, 0.3, 1.0) * (1.0 + 0.3 * days / days[-1])
    day = rng.choice(days, n, p=weight / weight.sum())
    office = rng.random(n) < 0.85
    hour = np.where(office, np.clip(rng.normal(13.0, 2.8, n), 0, 23.99), rng.uniform(0, 24, n))
    at = start + day * DAY + (hour * HOUR).astype(np.int64)
    late = at >= end  # the last day is only partly over
    at[late] = start + (rng.random(int(late.sum())) * (end - start)).astype(np.int64)
    return np.sort(at)


def _quotas(total: int, weight: np.ndarray, cap: int) -> np.ndarray:
    """Split `total` MQLs over reps by weight, none above `cap` while others have room."""
    share = weight / weight.sum()
    quota: np.ndarray = np.floor(total * share).astype(np.int64)
    quota[np.argsort(-(total * share - quota))[: total - quota.sum()]] += 1
    while (quota > cap).any() and (quota < cap).any():
        excess = int((quota - cap).clip(min=0).sum())
        quota = np.minimum(quota, cap)
        room = (cap - quota).clip(min=0)
        give = np.minimum(room, np.ceil(excess * room / room.sum()).astype(np.int64))
        while give.sum() > excess:
            give[np.argmax(give)] -= 1
        quota += give
    return quota


def _route(rng: np.random.Generator, month: np.ndarray, weight: np.ndarray, cap: int) -> np.ndarray:
    """Each month's MQLs go to reps in shuffled order within the agreement's max per rep."""
    rep = np.empty(len(month), dtype=np.int64)
    for m in np.unique(month):  # six months, not one loop per lead
        where = np.flatnonzero(month == m)
        pool = np.repeat(np.arange(len(weight)), _quotas(len(where), weight, cap))
        rep[where] = rng.permutation(pool)
    return rep


def generate(
    *, cast: Cast, seed: int, n: int, reference: datetime, targets: Targets | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The lead snapshot (keyed by lead_key) and its event history, deterministic per seed."""
    rng = np.random.default_rng(seed)
    targets = targets or Targets()
    end = clock.to_micros(reference)
    start = end - SPAN_DAYS * DAY
    created = _created(rng, start, end, n)
    marketer, frame = profiles(rng, cast.marketer_styles, created)
    is_mql = qualifies(frame, default_mql_definition()).to_numpy()

    table = np.array([REP_STYLE[s] for s in cast.rep_styles], dtype=float)
    param = dict(zip(REP_PARAMS, table.T, strict=True))

    mql_at = created + _lognormal(rng, 0.25, 1.0, n)
    became_mql = is_mql & (mql_at <= end)
    assigned_at = mql_at + _lognormal(rng, 2.5, 0.7, n)
    assigned = became_mql & (assigned_at <= end)
    rep = np.full(n, -1, dtype=np.int64)
    rep[assigned] = _route(
        rng, (assigned_at[assigned] - start) // MONTH, param["weight"], targets.max_mqls_per_rep
    )
    r = np.where(assigned, rep, 0)  # rep index for per-rep parameters (masked by `assigned`)

    first_touch = assigned_at + _lognormal(rng, param["touch_h"][r], 1.0, n)
    touched = assigned & (rng.random(n) >= param["never"][r]) & (first_touch <= end)
    disp_at = assigned_at + _lognormal(rng, param["disp_h"][r], 0.6, n)
    disp_at = np.maximum(disp_at, first_touch + rng.integers(10 * MINUTE, 3 * HOUR, n))
    done = touched & (rng.random(n) >= param["stuck"][r]) & (disp_at <= end)
    u = rng.random(n)
    outcome = np.where(
        u < param["qualify"][r],
        0,
        np.where(u < param["qualify"][r] + param["disqualify"][r], 1, 2),
    )  # 0 qualify, 1 disqualify, 2 nurture
    qualified = done & (outcome == 0)

    # follow-up attempts a day or so apart; a lead closed out by a disposition gets none after
    planned = np.clip(1 + rng.poisson(param["touches"][r] - 1), 1, 5)
    gaps = _lognormal(rng, 20.0, 0.7, n * 4).reshape(n, 4)
    touch_at = first_touch[:, None] + np.concatenate(
        [np.zeros((n, 1), dtype=np.int64), np.cumsum(gaps, axis=1)], axis=1
    )
    limit = np.where(done & ~qualified, disp_at, end)
    valid = (
        touched[:, None] & (np.arange(5)[None, :] < planned[:, None]) & (touch_at <= limit[:, None])
    )
    touches = valid.sum(axis=1)
    last_touch = np.where(valid, touch_at, 0).max(axis=1)

    disq_reasons = np.array(DEFAULT_REASONS[Disposition.DISQUALIFY], dtype=object)
    nurture_reasons = np.array(DEFAULT_REASONS[Disposition.NURTURE], dtype=object)
    reason = np.where(
        outcome == 1,
        disq_reasons[rng.choice(len(disq_reasons), n, p=[0.2, 0.2, 0.25, 0.05, 0.12, 0.1, 0.08])],
        np.where(
            touches >= 3, "No response after all follow-up attempts",
            nurture_reasons[rng.choice(len(nurture_reasons), n, p=[0.3, 0.0, 0.35, 0.2, 0.15])],
        ),
    ).astype(object)  # fmt: skip
    reason = np.where(done & ~qualified, reason, NA)

    opp_at = disp_at + _lognormal(rng, 96.0, 0.6, n)
    opportunity = qualified & (rng.random(n) < param["opportunity"][r]) & (opp_at <= end)
    close_at = opp_at + _lognormal(rng, 600.0, 0.5, n)
    closed = opportunity & (close_at <= end)
    won = closed & (rng.random(n) < param["win"][r])
    size = frame["company_size"].fillna(100).to_numpy(dtype=float)
    value = np.exp(rng.normal(np.log(16_000) + 0.12 * np.log(np.clip(size, 10, 5000) / 300), 0.55))
    deal_value = np.round(np.clip(value, 5_000, 80_000), -2)

    # marketing itself weeds out a few obvious non-fits that never became MQLs
    weed_at = created + _lognormal(rng, 72.0, 0.5, n)
    weeded = ~is_mql & (rng.random(n) < 0.05) & (weed_at <= end)
    weed_reason = np.array(["Student or job seeker", "Bad or fake contact data", "Duplicate lead"])
    weed_reason = weed_reason[rng.integers(0, 3, n)]

    stage = np.full(n, "lead", dtype=object)
    stage[became_mql] = "mql"
    stage[touched] = "sal"
    stage[done] = np.array(["sql", "disqualified", "nurture"], dtype=object)[outcome[done]]
    stage[opportunity] = "opportunity"
    stage[closed] = np.where(won[closed], "won", "lost")
    stage[weeded] = "disqualified"

    owner = np.where(assigned, cast.rep_ids[r], 0)
    keys = np.char.add(f"demo-{seed}-", np.char.zfill(np.arange(1, n + 1).astype(str), 6))

    def ts(values: np.ndarray, mask: np.ndarray) -> pd.Series:
        return pd.Series(pd.array(np.where(mask, values, 0), dtype="Int64")).mask(~mask)

    updated = np.maximum.reduce(
        [
            created,
            np.where(became_mql, mql_at, 0),
            np.where(assigned, assigned_at, 0),
            np.where(touches > 0, last_touch, 0),
            np.where(done, disp_at, 0),
            np.where(opportunity, opp_at, 0),
            np.where(closed, close_at, 0),
            np.where(weeded, weed_at, 0),
        ]
    )
    leads = frame.assign(
        lead_key=keys,
        external_id=keys,
        marketer_id=cast.marketer_ids[marketer],
        owner_id=pd.array(owner, dtype="Int64"),
        stage=stage,
        disposition_reason=np.where(weeded, weed_reason, reason),
        touches=touches.astype(np.int64),
        deal_value=pd.Series(deal_value).where(opportunity),
        created_at=created,
        mql_at=ts(mql_at, became_mql),
        assigned_at=ts(assigned_at, assigned),
        first_touch_at=ts(first_touch, touched),
        last_touch_at=ts(last_touch, touches > 0),
        dispositioned_at=ts(disp_at, done),
        sql_at=ts(disp_at, qualified),
        opportunity_at=ts(opp_at, opportunity),
        closed_at=ts(close_at, closed),
        updated_at=updated,
    )
    leads["owner_id"] = leads["owner_id"].mask(~assigned)
    leads["disposition_reason"] = leads["disposition_reason"].astype("string")

    actor_rep = pd.array(owner, dtype="Int64")
    marketer_id = cast.marketer_ids[marketer]
    parts = [
        _events(keys, created, "created", None, "lead", None, marketer_id, 0),
        _events(keys, mql_at, "stage", "lead", "mql", None, marketer_id, 1, became_mql),
        _events(keys, assigned_at, "assigned", None, None, None, actor_rep, 2, assigned),
        _events(keys, first_touch, "stage", "mql", "sal", None, actor_rep, 3, touched),
        _events(keys, disp_at, "disposition", "sal",
                np.array(["sql", "disqualified", "nurture"], dtype=object)[outcome],
                reason, actor_rep, 10, done),
        _events(keys, opp_at, "stage", "sql", "opportunity", None, actor_rep, 11, opportunity),
        _events(keys, close_at, "stage", "opportunity", np.where(won, "won", "lost"), None,
                actor_rep, 12, closed),
        _events(keys, weed_at, "stage", "lead", "disqualified", weed_reason, marketer_id, 13,
                weeded),
    ]  # fmt: skip
    kinds = np.array(["call", "email", "meeting"], dtype=object)
    for j in range(5):
        kind_p = [0.55, 0.45, 0.0] if j == 0 else [0.45, 0.4, 0.15]
        touch_kind = kinds[rng.choice(3, n, p=kind_p)]
        parts.append(
            _events(keys, touch_at[:, j], "touch", None, None, None, actor_rep, 4 + j,
                    valid[:, j], touch_kind=touch_kind)
        )  # fmt: skip
    events = pd.concat(parts, ignore_index=True)
    events = events.sort_values(["at", "seq"], kind="stable").drop(columns="seq")
    return leads, events.reset_index(drop=True)


def _events(
    keys: np.ndarray,
    at: np.ndarray,
    kind: str,
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
            "kind": kind,
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
