"""What the last full quarter looked like, beside each number the workshop agrees on.

Pure functions of the lead snapshot (never mutated) and the people frame; the quarter is
cut in the organisation's zone and calendar (`sla_core.periods`). `last_quarter` is the
definition; the page's figures are kept per lead (`quarter`, `memo_last_quarter`) and equal it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlmodel import Session

from sla_core.access import require_organisation_figures
from sla_core.agreement import quarter
from sla_core.i18n.languages import N_
from sla_core.i18n.message import Figure, Message, PeriodText
from sla_core.models import User
from sla_core.periods import Calendar, Period, quarter_containing, shift
from sla_core.sla.clocks import lead_clocks
from sla_core.sla.context import setup_key
from sla_core.sla.levels import service_levels
from sla_core.sla.reassign import kept_of
from sla_core.sla.worktime import WorkSetup
from sla_core.store.memo import Memo
from sla_core.store.snapshot import Delta
from sla_core.terms import AgreementContent

MONTHS_PER_QUARTER = 3
# `Shared.earlier`: what a memo key holds under an earlier stamp (stamp, value, whether it
# is the previous revision's), to bring the last minute's figures forward.
Earlier = Callable[[Hashable], tuple[Hashable, Any, bool] | None]


@dataclass(frozen=True)
class History:
    """Monthly averages over the last full quarter; None where nothing was measured."""

    period: str
    mqls_per_marketer: float | None
    conversion_pct: float | None
    opportunities_per_rep: float | None
    min_mqls_per_rep: float | None
    max_mqls_per_rep: float | None
    quality_pct: float | None
    disposition_in_window_pct: float | None

    def sentence(self, key: str) -> str | None:
        """The line shown beside a target ("last quarter: 212 MQLs per marketer")."""
        value = getattr(self, key)
        if value is None:
            return None
        template = {
            "mqls_per_marketer": N_("last quarter ({period}): {value} MQLs per marketer per month"),
            "conversion_pct": N_(
                "last quarter ({period}): {value} % of the MQLs handed off became customers"
            ),
            "opportunities_per_rep": N_(
                "last quarter ({period}): {value} opportunities per rep per month"
            ),
            "min_mqls_per_rep": N_(
                "last quarter ({period}): {value} MQLs a month for the least loaded rep"
            ),
            "max_mqls_per_rep": N_(
                "last quarter ({period}): {value} MQLs a month for the most loaded rep"
            ),
            "quality_pct": N_("last quarter ({period}): {value} % of assigned MQLs reached SQL"),
            "disposition_in_window_pct": N_(
                "last quarter ({period}): {value} % dispositioned within the window"
            ),
        }[key]
        shown = Figure(value, 1 if key.endswith("_pct") else 0)
        return Message.of(template, period=self.period, value=shown)


def _per_head(counts: pd.Series, heads: int) -> float | None:
    return None if heads == 0 else float(counts.sum()) / heads / MONTHS_PER_QUARTER


def last_quarter(
    leads: pd.DataFrame,
    *,
    ref: datetime,
    content: AgreementContent | None = None,
    setup: WorkSetup | None = None,
    calendar: Calendar = Calendar.GREGORIAN,
    kept: pd.DataFrame | None = None,
) -> History:
    """The quarter before the one containing `ref` (in `setup.zone` and `calendar`), as
    monthly averages. Disposition in time and conversion are the one computation's
    (`sla.levels.service_levels` over `lead_clocks` under `content`, the draft's windows,
    in working time): of the leads due, the share met; of the MQLs handed off, the share won.
    `kept`: the breaches reassignments left with the owners who missed them
    (`reassign.kept_breaches`), counted due and not met as Compliance counts them.
    Every lead is read: the page keeps the same figures per lead instead (`memo_last_quarter`).
    """
    setup = setup or WorkSetup()
    content = content or AgreementContent()
    period = shift(quarter_containing(ref, zone=setup.zone, calendar=calendar), -1)
    mqls = leads[period.contains(leads["mql_at"])]
    marketers = int(mqls["marketer_id"].nunique())
    assigned = leads[period.contains(leads["assigned_at"])]
    per_rep = assigned.groupby("owner_id").size() / MONTHS_PER_QUARTER
    reps = int(per_rep.size)
    opportunities = leads[period.contains(leads["opportunity_at"])]
    # each lead's clocks depend on that lead only: judge just the quarter's hand-offs
    judged = leads[period.contains(leads["assigned_at"]) | period.contains(leads["mql_at"])]
    clocks = lead_clocks(judged, content, ref, setup)
    row = service_levels(judged, content, period, ref, None, clocks=clocks, kept=kept).iloc[0]
    due, received = int(row["disposition_due"]), int(row["mqls_received"])
    return History(
        period=PeriodText(period),  # the label, named in the reader's calendar when shown
        mqls_per_marketer=_per_head(pd.Series([len(mqls)]), marketers),
        conversion_pct=None if received == 0 else 100.0 * int(row["converted"]) / received,
        opportunities_per_rep=_per_head(pd.Series([len(opportunities)]), reps),
        min_mqls_per_rep=None if reps == 0 else float(per_rep.min()),
        max_mqls_per_rep=None if reps == 0 else float(per_rep.max()),
        quality_pct=None
        if assigned.empty
        else 100.0 * int(assigned["sql_at"].notna().sum()) / len(assigned),
        disposition_in_window_pct=None
        if due == 0
        else 100.0 * int(row["dispositioned_in_time"]) / due,
    )


def history_of(period: Period, counted: quarter.Counts) -> History:
    """The figures `last_quarter` gives, from the quarter's counts (`quarter.counts`)."""
    reps = int(counted.per_rep.size)
    per_rep = counted.per_rep / MONTHS_PER_QUARTER
    return History(
        period=PeriodText(period),
        mqls_per_marketer=_per_head(pd.Series([counted.mqls]), counted.marketers),
        conversion_pct=None
        if counted.received == 0
        else 100.0 * counted.converted / counted.received,
        opportunities_per_rep=_per_head(pd.Series([counted.opportunities]), reps),
        min_mqls_per_rep=None if reps == 0 else float(per_rep.min()),
        max_mqls_per_rep=None if reps == 0 else float(per_rep.max()),
        quality_pct=None if counted.assigned == 0 else 100.0 * counted.qualified / counted.assigned,
        disposition_in_window_pct=None
        if counted.due == 0
        else 100.0 * counted.in_time / counted.due,
    )


@dataclass(frozen=True)
class _Kept:
    """The quarter's shares per lead and the figures read from them with the kept breaches."""

    shares: quarter.Quarter
    history: History


def memo_last_quarter(
    leads: pd.DataFrame,
    *,
    actor: User,
    memo: Memo,
    ref: datetime,
    content: AgreementContent,
    setup: WorkSetup,
    calendar: Calendar,
    session: Session,
    earlier: Earlier | None = None,
    delta: Delta | None = None,
) -> History:
    """`last_quarter` of the whole snapshot `leads`, once per data revision, minute and
    settings (`memo`), for those who see the organisation's figures (checked first); the
    kept breaches (`reassign.kept_breaches`) are read from `session` once per revision,
    after a write the changed leads' only (a breach is recorded by a write that stamps its
    lead).

    Kept per lead (`quarter.Quarter`): after a write only the changed leads, and those whose
    disposition clock still ran, are judged again (`quarter.carried`); a new minute brings
    the last minute's shares forward the same way when `earlier` (the snapshot's
    `Shared.earlier`) finds them, and `delta` (its `Shared.delta`) says what the write
    between changed when they are the previous revision's."""
    require_organisation_figures(actor)
    kept = kept_of(session=session, leads=leads, memo=memo)
    period = shift(quarter_containing(ref, zone=setup.zone, calendar=calendar), -1)
    key = ("workshop.last_quarter", calendar, *setup_key(content, setup))

    def read(shares: quarter.Quarter) -> _Kept:
        return _Kept(shares, history_of(period, quarter.counts(shares, kept)))

    def carried(old: quarter.Quarter, changed: np.ndarray) -> _Kept:
        if old.period != period or ref < old.ref:  # another quarter, or the clock went back
            return read(quarter.counted(leads, period, content, ref, setup))
        return read(quarter.carried(old, leads, changed, content, ref, setup))

    def compute() -> _Kept:
        older = None if earlier is None else earlier(key)
        old = None if older is None else older[1]
        if isinstance(old, _Kept):
            if not older or not older[2]:  # this revision's, an earlier minute
                return carried(old.shares, np.zeros(0, dtype=np.int64))
            if delta is not None:  # the previous revision's: the written leads too
                return carried(old.shares, delta.positions)
        return read(quarter.counted(leads, period, content, ref, setup))

    return memo(
        key,
        compute,
        stamp=int(ref.timestamp() // 60),
        update=lambda old, change: carried(old.shares, change.positions),
    ).history
