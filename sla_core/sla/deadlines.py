"""Deadlines and elapsed shares of the disposition and work windows, one calendar at a time.

Leads are grouped by the calendar their clocks run on (the owner's team, or the owner
alone when they have away periods); each group gets one Timeline and a binary search.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from sla_core.sla.timeline import DAY, HOUR, Instants, Timeline, build_timeline
from sla_core.sla.worktime import BusinessHours, WorkSetup
from sla_core.terms import AgreementContent

# A calendar: business hours, holidays, and the owner whose away periods pause it (or None).
Key = tuple[BusinessHours | None, tuple[date, ...], int | None]


def _timeline_keys(leads: pd.DataFrame, setup: WorkSetup) -> tuple[np.ndarray, list[Key]]:
    """The calendar of each lead's clocks: its owner's team's, paused while the owner is away.

    Teams with the same hours and holidays share one calendar, so usually there are few.
    """
    codes, owners = pd.factorize(leads["owner_id"], use_na_sentinel=True)
    work = setup.work_time
    away = {a.user_id for a in work.away}
    keys: list[Key] = [(*work.for_team(None), None)]
    index = {keys[0]: 0}
    per_owner = np.zeros(len(owners) + 1, dtype=np.int64)
    for i, raw in enumerate(owners):
        owner = int(raw)
        key: Key = (*work.for_team(setup.team_of.get(owner)), owner if owner in away else None)
        per_owner[i] = index.setdefault(key, len(keys))
        if per_owner[i] == len(keys):
            keys.append(key)
    return per_owner[codes], keys  # code -1 picks the trailing 0: the default calendar


def _timeline_for(key: Key, setup: WorkSetup, low: float, high: float) -> Timeline:
    hours, holidays, owner = key
    away = setup.work_time.away_of(owner) if owner is not None else ()
    return build_timeline(
        hours=hours, holidays=holidays, away=away, zone=setup.zone, low=low, high=high
    )


def _day_hours(key: Key) -> float:
    return 24.0 if key[0] is None else key[0].day_hours


def _deadlines(
    starts: np.ndarray, windows: np.ndarray, key: Key, setup: WorkSetup, ref: float
) -> tuple[Timeline, np.ndarray, np.ndarray]:
    """A timeline long enough for every deadline; working time at each start; deadlines."""
    known = starts[~np.isnan(starts)]
    low = float(known.min()) if len(known) else ref
    high = max(float(known.max()) if len(known) else ref, ref)
    reach = float(windows.max()) * 3 + 14 * DAY
    while True:
        timeline = _timeline_for(key, setup, low, high + reach)
        begun = timeline.worked(starts)
        deadline = timeline.instant(begun + windows)
        if not np.isnan(deadline[~np.isnan(starts)]).any():
            return timeline, begun, deadline
        reach *= 2


def working_times(
    leads: pd.DataFrame,
    content: AgreementContent,
    ref: float,
    setup: WorkSetup,
    at: Instants,
    rules: dict[str, np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """Deadlines and the share of each window gone, both clocks, one calendar at a time.

    `rules`: per lead, the windows its hand-off recorded (`exemptions.rule_arrays`);
    without it every lead has `content`'s windows.
    """
    n = len(leads)
    hours = (
        rules["disposition_hours"]
        if rules is not None
        else np.full(n, float(content.windows.disposition_hours))
    )
    days = (
        rules["work_days"]
        if rules is not None
        else np.full(n, float(content.windows.work_within_days))
    )
    starts = {"disposition": at["assigned_at"], "work": at["mql_at"]}
    disposed = np.fmin(at["dispositioned_at"], at["sql_at"])
    done = {"disposition": disposed, "work": np.fmin(at["first_touch_at"], disposed)}
    out = {
        f"{c}_{v}": np.full(n, np.nan) for c in starts for v in ("deadline", "share", "share_now")
    }
    codes, keys = _timeline_keys(leads, setup)
    started = ~np.isnan(starts["work"]) | ~np.isnan(starts["disposition"])
    for k, key in enumerate(keys):
        # only leads with a running or finished clock: plain leads never start one
        mask = started & (codes == k) if len(keys) > 1 else started
        if not mask.any():
            continue
        sizes = {
            "disposition": hours[mask] * HOUR,
            "work": days[mask] * _day_hours(key) * HOUR,
        }
        begin = np.concatenate([starts[c][mask] for c in starts])
        window = np.concatenate([sizes[c] for c in starts])
        # never before the clock began (a record out of order, a start ahead of `ref`): no
        # share of the window is used yet, whatever other leads are judged beside it
        until = np.concatenate(
            [np.fmax(np.fmin(done[c][mask], ref), starts[c][mask]) for c in starts]
        )
        timeline, begun, deadline = _deadlines(begin, window, key, setup, ref)
        share = (timeline.worked(until) - begun) / window
        share_now = (timeline.worked(np.array([ref]))[0] - begun) / window
        for part, clock in enumerate(starts):
            piece = slice(part * int(mask.sum()), (part + 1) * int(mask.sum()))
            out[f"{clock}_deadline"][mask] = deadline[piece]
            out[f"{clock}_share"][mask] = share[piece]
            out[f"{clock}_share_now"][mask] = share_now[piece]
    out["disposition_done"], out["work_done"] = done["disposition"], done["work"]
    return out
