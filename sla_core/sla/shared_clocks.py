"""Every lead's SLA clocks as the pages read them of the shared snapshot: one entry per
scope, agreement and work setup, kept for the minute, brought forward from the changed
leads only after a write and from the moving clocks only at a new minute.

The Overview, the Compliance page, the Workshop and the Leaderboard read the same entry
(`clocked`), so the levels points are earned on are the ones Compliance shows, and at a
million leads the clocks (about 130 MiB) are held once, not once per page.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from sla_core.clock import now
from sla_core.sla.clocks import CHUNK_ROWS, Filled, lead_clocks, retimed, touches_made
from sla_core.sla.context import setup_key
from sla_core.sla.exemptions import Exemptions, exempt_leads
from sla_core.sla.worktime import WorkSetup
from sla_core.store import snapshot
from sla_core.terms import AgreementContent

# Contact and bookkeeping columns no SLA clock reads (dropped before slicing: wide text
# columns are what makes copying a million-row frame slow).
NOT_CLOCKED = ("email", "first_name", "last_name", "company", "country", "source",
               "campaign", "lead_key", "external_id", "deal_value", "row_hash",
               "import_batch_id", "last_touch_at", "updated_at")  # fmt: skip

# Started leads judged at a time: half `lead_clocks`' chunk, as fast at a million leads and
# with half the working memory beside the whole (52 MiB instead of 95).
STARTED_CHUNK = CHUNK_ROWS // 2

_SERIALS = itertools.count(1)


@dataclass(frozen=True)
class Clocked:
    """Every lead's clocks judged at `ref`, numbered: `parent` is the number of the clocks
    of the previous revision they were brought up to date from (None: every lead judged),
    so a tally kept from those clocks knows it may count the changed leads only."""

    frame: pd.DataFrame
    serial: int
    parent: int | None
    ref: datetime


def clocks_for(
    leads: pd.DataFrame,
    content: AgreementContent,
    ref: datetime,
    setup: WorkSetup | None,
    exemptions: Exemptions | None = None,
) -> pd.DataFrame:
    """`lead_clocks(leads, content, ref, setup)`, faster: a lead never assigned and never an
    MQL has no clock running, so its clocks are the same "not started" row for all of them;
    `lead_clocks` runs on one such lead and on the leads whose clocks did start (tests check
    this equals running it on every lead). `exemptions`: the leads' own, when known."""
    leads = leads.drop(columns=list(NOT_CLOCKED), errors="ignore")
    started = (leads["mql_at"].notna() | leads["assigned_at"].notna()).to_numpy(bool)
    if started.all() or not started.any():
        return lead_clocks(leads, content, ref, setup, exemptions=exemptions)

    def judged(at: np.ndarray) -> pd.DataFrame:
        given = None if exemptions is None else exemptions.take(at)
        return lead_clocks(leads.iloc[at], content, ref, setup, exemptions=given)

    # filled in place chunk by chunk: no copy of the started leads, nor of their clocks,
    # is held beside the whole (at a million leads that had doubled the clocks' memory)
    idle_at = np.flatnonzero(~started)
    idle = judged(idle_at[:1])
    whole = Filled(idle, len(leads))
    whole.put_rows(idle_at, idle)  # the one "not started" row, everywhere
    where = np.flatnonzero(started)
    for first in range(0, len(where), STARTED_CHUNK):
        at = where[first : first + STARTED_CHUNK]
        whole.put_rows(at, judged(at))
    out = whole.frame(leads.index)
    out["follow_ups_made"] = touches_made(leads)
    return out


def clocked(
    shared: snapshot.Shared,
    scope: int | None,
    frame: pd.DataFrame,
    content: AgreementContent,
    setup: WorkSetup,
) -> Clocked:
    """The clocks of `frame` (the snapshot, `scope` None, or one owner's view of it) as of
    this minute, computed once per data revision, agreement, work setup, scope and minute for
    every session: a rerun reuses them; a write brings them forward from the leads it changed
    (`Shared.spliced`); the next minute judges again only the clocks that move (`retimed`)."""
    found = exemptions(shared, scope, frame, content, setup)

    def judged(ref: datetime) -> Callable[[pd.DataFrame, np.ndarray], pd.DataFrame]:
        def compute(rows: pd.DataFrame, at: np.ndarray) -> pd.DataFrame:
            return clocks_for(rows, content, ref, setup, found.take(at))

        return compute

    key: Hashable = ("sla_clocks", scope, *setup_key(content, setup))

    def fresh() -> Clocked:
        ref = now()  # after any write of this revision: no lead is judged before its change
        older = shared.earlier(key)  # the clocks of an earlier minute: judge what moves only
        old = older[1] if older is not None and isinstance(older[1], Clocked) else None
        if old is None:
            whole = clocks_for(frame, content, ref, setup, found)
            return Clocked(snapshot.freeze(whole), next(_SERIALS), None, ref)
        clocks = old.frame
        if older is not None and older[2]:  # the previous revision's: the written leads anew
            clocks = shared.spliced(clocks, frame, judged(ref))
        moved = retimed(clocks, old.ref, frame, content, ref, setup, exemptions=found)
        # a tally kept from the last minute's clocks counts every lead again: no parent
        return Clocked(snapshot.freeze(moved), next(_SERIALS), None, ref)

    def update(old: Clocked, _: object) -> Clocked:
        ref = now()  # the changed leads judged now, the others within the same minute
        spliced = shared.spliced(old.frame, frame, judged(ref))
        return Clocked(snapshot.freeze(spliced), next(_SERIALS), old.serial, ref)

    minute = int(now().timestamp() // 60)  # a new minute replaces the clocks of the last one
    found_clocks: Clocked = shared.memo(key, fresh, stamp=minute, update=update)
    if scope is None:  # every page's: kept current after each write, read or not
        shared.keep("sla_clocks", lambda later: clocked(later, None, later.frame, content, setup))
    return found_clocks


@dataclass(frozen=True)
class _Scored:
    """The exemptions of the leads labelled `index` (by position)."""

    found: Exemptions
    index: pd.Index


def exemptions(
    shared: snapshot.Shared,
    scope: int | None,
    frame: pd.DataFrame,
    content: AgreementContent,
    setup: WorkSetup,
) -> Exemptions:
    """Which leads of `frame` the MQL definitions in force at their hand-off exempt
    (`exempt_leads`): scoring every lead is the costly part of the clocks, so once per data
    revision and definition, and after a write only the new and changed leads are scored."""
    definitions = tuple((str(at), d.model_dump_json()) for at, d in setup.mql_history)
    scored: _Scored = shared.memo(
        ("sla_exemptions", scope, content.mql.model_dump_json(), definitions),
        lambda: _Scored(exempt_leads(frame, content, setup), frame.index),
        update=lambda old, _: _rescored(shared, old, frame, content, setup),
    )
    return scored.found


def _rescored(
    shared: snapshot.Shared,
    old: _Scored,
    frame: pd.DataFrame,
    content: AgreementContent,
    setup: WorkSetup,
) -> _Scored:
    """`old` brought to this revision: the new and changed leads scored again (an array
    they leave as it was is shared: the arrays are never written once built)."""
    take, rows = shared.fresh_rows(old.index, frame)
    computed = exempt_leads(frame.iloc[rows], content, setup)
    kept = len(old.index)
    # the leads kept their places (new ones appended): a copy, not a gather
    in_place = snapshot.unmoved(take, kept)
    parts = []
    for before, now_ in zip(
        (old.found.exempt, old.found.score, old.found.threshold),
        (computed.exempt, computed.score, computed.threshold),
        strict=True,
    ):
        if in_place and len(take) == kept and np.array_equal(before[rows], now_):
            parts.append(before)  # a write that left the scores alone (a touch): shared
            continue
        if in_place:
            values = np.empty(len(take), dtype=np.asarray(before).dtype)
            values[:kept] = before
        else:
            values = np.take(before, np.maximum(take, 0))
        values[rows] = now_
        parts.append(values)
    return _Scored(Exemptions(*parts), frame.index)
