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
OUTCOME_STAGE = np.array(["sql", "disqualified", "nurture"], dtype=object)


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


@dataclass(frozen=True)
class Life:
    """Per-lead arrays: when each step of a lead's life happened, and whether it did by 'now'."""

    created: np.ndarray
    is_mql: np.ndarray
    mql_at: np.ndarray
    became_mql: np.ndarray
    assigned_at: np.ndarray
    assigned: np.ndarray
    rep: np.ndarray  # index into the cast's reps (0 where unassigned: mask with `assigned`)
    first_touch: np.ndarray
    touched: np.ndarray
    touch_at: np.ndarray  # (n, 5): up to five attempts
    valid_touch: np.ndarray  # (n, 5)
    disp_at: np.ndarray
    done: np.ndarray
    outcome: np.ndarray  # 0 qualify, 1 disqualify, 2 nurture
    reason: np.ndarray
    opp_at: np.ndarray
    opportunity: np.ndarray
    close_at: np.ndarray
    closed: np.ndarray
    won: np.ndarray
    deal_value: np.ndarray
    weed_at: np.ndarray
    weeded: np.ndarray
    weed_reason: np.ndarray

    @property
    def qualified(self) -> np.ndarray:
        return np.asarray(self.done & (self.outcome == 0))

    @property
    def touches(self) -> np.ndarray:
        return np.asarray(self.valid_touch.sum(axis=1))

    @property
    def last_touch(self) -> np.ndarray:
        return np.asarray(np.where(self.valid_touch, self.touch_at, 0).max(axis=1))


def generate(
    *, cast: Cast, seed: int, n: int, reference: datetime, targets: Targets | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The lead snapshot (keyed by lead_key) and its event history, deterministic per seed."""
    rng = np.random.default_rng(seed)
    end = clock.to_micros(reference)
    start = end - SPAN_DAYS * DAY
    created = _created(rng, start, end, n)
    marketer, frame = profiles(rng, cast.marketer_styles, created)
    is_mql = qualifies(frame, default_mql_definition()).to_numpy()
    size = frame["company_size"].fillna(100).to_numpy(dtype=float)
    cap = (targets or Targets()).max_mqls_per_rep
    life = _life(rng, cast, created, is_mql, size, start, end, cap)
    keys = np.char.add(f"demo-{seed}-", np.char.zfill(np.arange(1, n + 1).astype(str), 6))
    marketer_id = cast.marketer_ids[marketer]
    leads = _snapshot(life, frame, keys, marketer_id, cast.rep_ids)
    return leads, _history(rng, life, keys, marketer_id, cast.rep_ids)


def _life(
    rng: np.random.Generator,
    cast: Cast,
    created: np.ndarray,
    is_mql: np.ndarray,
    company_size: np.ndarray,
    start: int,
    end: int,
    cap: int,
) -> Life:
    """Hand-off, follow-ups, dispositions and deals, each at a realistic delay."""
    n = len(created)
    table = np.array([REP_STYLE[s] for s in cast.rep_styles], dtype=float)
    param = dict(zip(REP_PARAMS, table.T, strict=True))

    mql_at = created + _lognormal(rng, 0.25, 1.0, n)
    became_mql = is_mql & (mql_at <= end)
    assigned_at = mql_at + _lognormal(rng, 2.5, 0.7, n)
    assigned = became_mql & (assigned_at <= end)
    rep = np.zeros(n, dtype=np.int64)
    rep[assigned] = _route(rng, (assigned_at[assigned] - start) // MONTH, param["weight"], cap)

    first_touch = assigned_at + _lognormal(rng, param["touch_h"][rep], 1.0, n)
    touched = assigned & (rng.random(n) >= param["never"][rep]) & (first_touch <= end)
    disp_at = assigned_at + _lognormal(rng, param["disp_h"][rep], 0.6, n)
    disp_at = np.maximum(disp_at, first_touch + rng.integers(10 * MINUTE, 3 * HOUR, n))
    done = touched & (rng.random(n) >= param["stuck"][rep]) & (disp_at <= end)
    u = rng.random(n)
    qualify, disqualify = param["qualify"][rep], param["qualify"][rep] + param["disqualify"][rep]
    outcome = np.where(u < qualify, 0, np.where(u < disqualify, 1, 2))
    qualified = done & (outcome == 0)

    # follow-up attempts a day or so apart; a lead closed out by a disposition gets none after
    planned = np.clip(1 + rng.poisson(param["touches"][rep] - 1), 1, 5)
    gaps = _lognormal(rng, 20.0, 0.7, n * 4).reshape(n, 4)
    touch_at = first_touch[:, None] + np.concatenate(
        [np.zeros((n, 1), dtype=np.int64), np.cumsum(gaps, axis=1)], axis=1
    )
    limit = np.where(done & ~qualified, disp_at, end)
    valid = (
        touched[:, None] & (np.arange(5)[None, :] < planned[:, None]) & (touch_at <= limit[:, None])
    )

    disq_reasons = np.array(DEFAULT_REASONS[Disposition.DISQUALIFY], dtype=object)
    nurture_reasons = np.array(DEFAULT_REASONS[Disposition.NURTURE], dtype=object)
    reason = np.where(
        outcome == 1,
        disq_reasons[rng.choice(len(disq_reasons), n, p=[0.2, 0.2, 0.25, 0.05, 0.12, 0.1, 0.08])],
        np.where(
            valid.sum(axis=1) >= 3, "No response after all follow-up attempts",
            nurture_reasons[rng.choice(len(nurture_reasons), n, p=[0.3, 0.0, 0.35, 0.2, 0.15])],
        ),
    ).astype(object)  # fmt: skip

    opp_at = disp_at + _lognormal(rng, 96.0, 0.6, n)
    opportunity = qualified & (rng.random(n) < param["opportunity"][rep]) & (opp_at <= end)
    close_at = opp_at + _lognormal(rng, 600.0, 0.5, n)
    closed = opportunity & (close_at <= end)
    won = closed & (rng.random(n) < param["win"][rep])
    # bigger companies buy bigger deals
    log_value = np.log(16_000) + 0.12 * np.log(np.clip(company_size, 10, 5000) / 300)
    deal_value = np.round(np.clip(np.exp(rng.normal(log_value, 0.55)), 5_000, 80_000), -2)

    # marketing itself weeds out a few obvious non-fits that never became MQLs
    weed_at = created + _lognormal(rng, 72.0, 0.5, n)
    weeded = ~is_mql & (rng.random(n) < 0.05) & (weed_at <= end)
    weed_reasons = np.array(["Student or job seeker", "Bad or fake contact data", "Duplicate lead"])
    return Life(
        created=created, is_mql=is_mql, mql_at=mql_at, became_mql=became_mql,
        assigned_at=assigned_at, assigned=assigned, rep=rep, first_touch=first_touch,
        touched=touched, touch_at=touch_at, valid_touch=valid, disp_at=disp_at, done=done,
        outcome=outcome, reason=np.where(done & ~qualified, reason, NA), opp_at=opp_at,
        opportunity=opportunity, close_at=close_at, closed=closed, won=won,
        deal_value=deal_value, weed_at=weed_at, weeded=weeded,
        weed_reason=weed_reasons[rng.integers(0, 3, n)],
    )  # fmt: skip


def _snapshot(
    life: Life, frame: pd.DataFrame, keys: np.ndarray, marketer_id: np.ndarray, rep_ids: np.ndarray
) -> pd.DataFrame:
    """The Lead rows: the profile plus the stage and milestones the life reached."""
    stage = np.full(len(keys), "lead", dtype=object)
    stage[life.became_mql] = "mql"
    stage[life.touched] = "sal"
    stage[life.done] = OUTCOME_STAGE[life.outcome[life.done]]
    stage[life.opportunity] = "opportunity"
    stage[life.closed] = np.where(life.won[life.closed], "won", "lost")
    stage[life.weeded] = "disqualified"

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
        _events(keys, life.created, "created", None, "lead", None, marketer_id, 0),
        _events(keys, life.mql_at, "stage", "lead", "mql", None, marketer_id, 1, life.became_mql),
        _events(keys, life.assigned_at, "assigned", None, None, None, rep, 2, life.assigned),
        _events(keys, life.first_touch, "stage", "mql", "sal", None, rep, 3, life.touched),
        _events(keys, life.disp_at, "disposition", "sal", OUTCOME_STAGE[life.outcome],
                life.reason, rep, 10, life.done),
        _events(keys, life.opp_at, "stage", "sql", "opportunity", None, rep, 11,
                life.opportunity),
        _events(keys, life.close_at, "stage", "opportunity", np.where(life.won, "won", "lost"),
                None, rep, 12, life.closed),
        _events(keys, life.weed_at, "stage", "lead", "disqualified", life.weed_reason,
                marketer_id, 13, life.weeded),
    ]  # fmt: skip
    kinds = np.array(["call", "email", "meeting"], dtype=object)
    for j in range(5):  # five attempt slots, not one loop per lead
        kind_p = [0.55, 0.45, 0.0] if j == 0 else [0.45, 0.4, 0.15]
        touch_kind = kinds[rng.choice(3, n, p=kind_p)]
        parts.append(
            _events(keys, life.touch_at[:, j], "touch", None, None, None, rep, 4 + j,
                    life.valid_touch[:, j], touch_kind=touch_kind)
        )  # fmt: skip
    events = pd.concat(parts, ignore_index=True)
    events = events.sort_values(["at", "seq"], kind="stable").drop(columns="seq")
    return events.reset_index(drop=True)


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
