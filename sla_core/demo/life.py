"""A demo lead's life, simulated in bulk: hand-off, follow-ups, dispositions and deals.

Times are int64 epoch microseconds throughout (the storage form). Every step happens only
if its time is not after the reference instant (`end`), so recent MQLs are still waiting.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sla_core import clock
from sla_core.stages import DEFAULT_REASONS, Disposition

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
# neglected (touched only days late) or stuck (dispositioned only days late), the outcome mix, follow-ups, and the deal funnel.
REP_PARAMS = ("touch_h", "disp_h", "never", "stuck", "qualify", "disqualify", "touches",
              "opportunity", "win", "weight")  # fmt: skip
REP_STYLE: dict[str, tuple[float, ...]] = {
    "star":    (3, 14, 0.003, 0.005, 0.46, 0.30, 3.2, 0.72, 0.40, 1.15),
    "steady":  (8, 20, 0.015, 0.020, 0.35, 0.35, 2.4, 0.60, 0.32, 1.00),
    "laggard": (22, 40, 0.060, 0.060, 0.22, 0.40, 1.6, 0.45, 0.22, 0.85),
}  # fmt: skip
NA = np.array(None, dtype=object)
LATE_H = 8 * 24.0  # median hours until a neglected lead is touched at last (past 48 office hours)


def _lognormal(
    rng: np.random.Generator, median: np.ndarray | float, sigma: float, n: int
) -> np.ndarray:
    """Positive delays in microseconds with the given median (hours) and spread."""
    hours = np.exp(rng.normal(np.log(median), sigma, n))
    return np.asarray(np.maximum((hours * HOUR).astype(np.int64), SECOND))


def arrivals(
    rng: np.random.Generator,
    start: int,
    end: int,
    n: int,
    *,
    weekend: tuple[int, ...] = (5, 6),
    utc_offset_hours: float | None = None,
) -> np.ndarray:
    """Leads arrive on working days (not on `weekend`, 0 = Monday), in working hours mostly,
    a little more each month. With `utc_offset_hours` the hours are those of a zone that
    many hours ahead of UTC; without, they count from `start`'s time of day (the English
    demo's story, kept as it was)."""
    days = np.arange((end - start) // DAY + 1)
    weekday = (pd.Timestamp(clock.from_micros(start)).dayofweek + days) % 7
    weight = np.where(np.isin(weekday, weekend), 0.3, 1.0) * (1.0 + 0.3 * days / days[-1])
    day = rng.choice(days, n, p=weight / weight.sum())
    office = rng.random(n) < 0.85
    hour = np.where(office, np.clip(rng.normal(13.0, 2.8, n), 0, 23.99), rng.uniform(0, 24, n))
    anchor = start  # the local midnight of start's day, with a zone
    if utc_offset_hours is not None:
        anchor = start - start % DAY - int(utc_offset_hours * HOUR)
    at = np.maximum(anchor + day * DAY + (hour * HOUR).astype(np.int64), start)
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


def simulate(
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
    table = np.array([REP_STYLE[s] for s in cast.rep_styles], dtype=float)
    param = dict(zip(REP_PARAMS, table.T, strict=True))
    steps = _handoff(rng, param, created, is_mql, start, end, cap)
    touch_at, valid = _follow_ups(rng, param, steps, end)
    reason = _reasons(rng, steps["outcome"], valid)
    deals = _deals(rng, param, steps, company_size, end)
    weeds = _weeding(rng, created, is_mql, end)
    settled = steps["done"] & (steps["outcome"] != 0)
    return Life(
        created=created, is_mql=is_mql, touch_at=touch_at, valid_touch=valid,
        reason=np.where(settled, reason, NA), **steps, **deals, **weeds,
    )  # fmt: skip


Steps = dict[str, np.ndarray]


def _handoff(
    rng: np.random.Generator,
    param: Steps,
    created: np.ndarray,
    is_mql: np.ndarray,
    start: int,
    end: int,
    cap: int,
) -> Steps:
    """MQL, assignment (within the cap), first touch and the disposition with its outcome."""
    n = len(created)
    mql_at = created + _lognormal(rng, 0.25, 1.0, n)
    became_mql = is_mql & (mql_at <= end)
    assigned_at = mql_at + _lognormal(rng, 2.5, 0.7, n)
    assigned = became_mql & (assigned_at <= end)
    rep = np.zeros(n, dtype=np.int64)
    rep[assigned] = _route(rng, (assigned_at[assigned] - start) // MONTH, param["weight"], cap)

    first_touch = assigned_at + _lognormal(rng, param["touch_h"][rep], 1.0, n)
    neglected = rng.random(n) < param["never"][rep]
    disp_at = assigned_at + _lognormal(rng, param["disp_h"][rep], 0.6, n)
    after_touch = rng.integers(10 * MINUTE, 3 * HOUR, n)
    stuck = rng.random(n) < param["stuck"][rep]
    u = rng.random(n)
    qualify, disqualify = param["qualify"][rep], param["qualify"][rep] + param["disqualify"][rep]
    outcome = np.where(u < qualify, 0, np.where(u < disqualify, 1, 2))
    # A neglected or stuck lead is worked at last, days late (a breach on the record), so
    # the queues hold the last weeks' forgotten leads, not six months of them.
    first_touch = np.where(neglected, assigned_at + _lognormal(rng, LATE_H, 0.5, n), first_touch)
    disp_at = np.where(stuck, assigned_at + _lognormal(rng, LATE_H, 0.5, n), disp_at)
    touched = assigned & (first_touch <= end)
    disp_at = np.maximum(disp_at, first_touch + after_touch)
    done = touched & (disp_at <= end)
    return {
        "mql_at": mql_at, "became_mql": became_mql, "assigned_at": assigned_at,
        "assigned": assigned, "rep": rep, "first_touch": first_touch, "touched": touched,
        "disp_at": disp_at, "done": done, "outcome": outcome,
    }  # fmt: skip


def _follow_ups(
    rng: np.random.Generator, param: Steps, steps: Steps, end: int
) -> tuple[np.ndarray, np.ndarray]:
    """Attempts a day or so apart (n, 5); a lead closed out by a disposition gets none after."""
    rep, done, disp_at = steps["rep"], steps["done"], steps["disp_at"]
    n = len(rep)
    qualified = done & (steps["outcome"] == 0)
    planned = np.clip(1 + rng.poisson(param["touches"][rep] - 1), 1, 5)
    gaps = _lognormal(rng, 20.0, 0.7, n * 4).reshape(n, 4)
    touch_at = steps["first_touch"][:, None] + np.concatenate(
        [np.zeros((n, 1), dtype=np.int64), np.cumsum(gaps, axis=1)], axis=1
    )
    limit = np.where(done & ~qualified, disp_at, end)
    valid = (
        steps["touched"][:, None]
        & (np.arange(5)[None, :] < planned[:, None])
        & (touch_at <= limit[:, None])
    )
    return touch_at, valid


def _reasons(rng: np.random.Generator, outcome: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """A disqualify or nurture reason for every lead (used where the outcome needs one)."""
    n = len(outcome)
    disq_reasons = np.array(DEFAULT_REASONS[Disposition.DISQUALIFY], dtype=object)
    nurture_reasons = np.array(DEFAULT_REASONS[Disposition.NURTURE], dtype=object)
    return np.where(
        outcome == 1,
        disq_reasons[rng.choice(len(disq_reasons), n, p=[0.2, 0.2, 0.25, 0.05, 0.12, 0.1, 0.08])],
        np.where(
            valid.sum(axis=1) >= 3, "No response after all follow-up attempts",
            nurture_reasons[rng.choice(len(nurture_reasons), n, p=[0.3, 0.0, 0.35, 0.2, 0.15])],
        ),
    ).astype(object)  # fmt: skip


def _deals(
    rng: np.random.Generator, param: Steps, steps: Steps, company_size: np.ndarray, end: int
) -> Steps:
    """Opportunities from qualified leads, their close and value (bigger companies buy more)."""
    rep = steps["rep"]
    n = len(rep)
    qualified = steps["done"] & (steps["outcome"] == 0)
    opp_at = steps["disp_at"] + _lognormal(rng, 96.0, 0.6, n)
    opportunity = qualified & (rng.random(n) < param["opportunity"][rep]) & (opp_at <= end)
    close_at = opp_at + _lognormal(rng, 600.0, 0.5, n)
    closed = opportunity & (close_at <= end)
    won = closed & (rng.random(n) < param["win"][rep])
    log_value = np.log(16_000) + 0.12 * np.log(np.clip(company_size, 10, 5000) / 300)
    deal_value = np.round(np.clip(np.exp(rng.normal(log_value, 0.55)), 5_000, 80_000), -2)
    return {
        "opp_at": opp_at, "opportunity": opportunity, "close_at": close_at, "closed": closed,
        "won": won, "deal_value": deal_value,
    }  # fmt: skip


def _weeding(rng: np.random.Generator, created: np.ndarray, is_mql: np.ndarray, end: int) -> Steps:
    """Marketing itself weeds out a few obvious non-fits that never became MQLs."""
    n = len(created)
    weed_at = created + _lognormal(rng, 72.0, 0.5, n)
    weeded = ~is_mql & (rng.random(n) < 0.05) & (weed_at <= end)
    weed_reasons = np.array(["Student or job seeker", "Bad or fake contact data", "Duplicate lead"])
    return {
        "weed_at": weed_at,
        "weeded": weeded,
        "weed_reason": weed_reasons[rng.integers(0, 3, n)],
    }
