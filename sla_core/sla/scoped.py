"""A scope's service-level figures (the Compliance page's), once per data revision and minute.

Each function checks that the acting user may see the scope, then builds its memo key and
looks in the shared memo (`sla_core.store.memo`): a figure memoised for a manager is never
handed to a rep who asks for another scope.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from functools import partial

import numpy as np
import pandas as pd

from sla_core.access import Permission, require
from sla_core.models import User
from sla_core.periods import Period
from sla_core.sla import views
from sla_core.sla.cohorts import requalified_in
from sla_core.sla.gauges import GaugeLevel
from sla_core.sla.levels import MARKETING_READS, marketing_levels
from sla_core.sla.reassign import kept_key
from sla_core.sla.tally import Tally, counts_key
from sla_core.store.memo import Memo
from sla_core.terms import AgreementContent


@dataclass(frozen=True)
class InScope:
    """What a scope's figures are computed from: the leads in view with their clocks at
    `ref`, the agreement, the scope, who counts for targets and the period (`label`).

    `setup`: what the clocks depend on beside the leads (`context.setup_key`); `fresh`:
    the shared snapshot's `fresh_rows` (which leads a write changed), so that counts kept
    per lead are brought up to date from those leads alone.
    """

    leads: pd.DataFrame
    clocks: pd.DataFrame
    content: AgreementContent
    setup: tuple[str, ...]
    ref: datetime
    scope: views.Scope
    heads: views.Heads
    period: Period
    label: str
    kept: pd.DataFrame | None = None
    fresh: Callable[[pd.Index, pd.DataFrame], tuple[np.ndarray, np.ndarray]] | None = None

    @property
    def key(self) -> tuple[Hashable, ...]:
        """Names the inputs beside the data revision and the clocks' minute."""
        return (self.scope, self.label, self.setup, repr(self.heads))


def may_see(actor: User, scope: views.Scope) -> None:
    """Refuse unless `actor` may see `scope`'s figures: their own as a rep (or a viewer of
    the dashboard), any scope with every lead in view."""
    require(actor, Permission.VIEW_DASHBOARD)
    if scope != views.Scope(views.ScopeKind.REP, actor.id):
        require(actor, Permission.VIEW_ALL_LEADS)


def rows(within: InScope, *, actor: User, memo: Memo) -> np.ndarray:
    """Which leads in view belong to the scope."""
    may_see(actor, within.scope)
    return memo(
        ("sla_rows", *within.key),
        lambda: views.scope_mask(within.leads, within.scope, within.heads),
    )


def requalified(within: InScope, scoped: np.ndarray, *, actor: User, memo: Memo) -> int:
    """The scope's leads re-qualified from the backlog in the period (`cohorts.requalified_in`;
    `scoped`: `rows(within)`), carried over a write that leaves what it reads alone."""
    may_see(actor, within.scope)
    return memo(
        ("sla_requalified", *within.key),
        partial(requalified_in, within.leads, within.period, scoped),
        reads=("requalified_at", "owner_id", "marketer_id"),  # the date and who the scope is
    )


def _gauge_tally(within: InScope, memo: Memo) -> Tally | None:
    """What the scope's sales gauges count, kept per lead for the clocks' minute: after a
    write only the changed leads are counted again (`views.regauge`). None for marketing."""
    if within.scope.kind in views.MARKETING_SCOPES:
        return None
    kept = kept_key(within.kept)
    fresh = within.fresh

    def recount(old: Tally, _delta: object) -> Tally:
        assert fresh is not None
        changed = fresh(old.index, within.leads)
        return views.regauge(old, changed, within.leads, within.clocks, within.scope,
                             within.heads, within.kept)  # fmt: skip

    return memo(
        ("sla_gauge_tally", *within.key, kept),
        lambda: views.gauge_tally(
            within.leads, within.clocks, within.period, within.scope, within.heads, within.kept
        ),  # fmt: skip
        stamp=int(within.ref.timestamp() // 60),
        update=recount if fresh is not None else None,
    )


def _counted_key(within: InScope, counted: Tally | None) -> tuple[Hashable, ...]:
    """What a sales figure read from `counted` depends on beside the scope: the counts
    themselves and the kept breaches. Keyed by them for the clocks' minute (the pace of
    count targets moves with the minute), the figure is carried over a write that changes
    no count (`reads=()`), and computed again by one that does."""
    if counted is None:
        return ()
    return (kept_key(within.kept), counts_key(counted.table.to_numpy()))


def gauges(within: InScope, *, actor: User, memo: Memo) -> pd.DataFrame:
    """The scope's gauges for the period (`views.scope_gauges`). Sales' are a pure function
    of the counts and the minute: keyed by the counts, a write that changes none keeps them."""
    may_see(actor, within.scope)
    counted = _gauge_tally(within, memo)

    def compute() -> pd.DataFrame:
        return views.scope_gauges(
            within.leads, within.clocks, within.content, within.period, within.ref,
            within.scope, within.heads, within.kept, counted,
        )  # fmt: skip

    if counted is None:  # marketing: read from the leads, at this instant
        return memo(("sla_gauges", *within.key), compute, stamp=within.ref)
    key = ("sla_gauges", *within.key, *_counted_key(within, counted))
    return memo(key, compute, stamp=int(within.ref.timestamp() // 60), reads=())


def levels(within: InScope, *, actor: User, memo: Memo) -> pd.DataFrame:
    """The sales scope's service levels for the period, one row (`views.scope_levels`): the
    same counts its gauges show, kept per lead."""
    may_see(actor, within.scope)
    return counted_levels(within, memo)


def counted_levels(within: InScope, memo: Memo) -> pd.DataFrame:
    """`levels` for a caller that has checked the reader itself (the Overview: whoever may
    see the dashboard reads the whole organisation's figures, `access.lead_scope`)."""
    if within.scope.kind in views.MARKETING_SCOPES:
        raise ValueError("a marketing scope has no sales service levels")
    return memo(
        ("sla_levels", *within.key),
        lambda: views.scope_levels(
            within.leads,
            within.clocks,
            within.content,
            within.period,
            within.ref,
            within.scope,
            within.heads,
            within.kept,
            _gauge_tally(within, memo),
        ),  # fmt: skip
        stamp=within.ref,
    )


def joint(within: InScope, sales: pd.DataFrame, *, actor: User, memo: Memo) -> views.Joint:
    """Whether both sides kept the SLA (`views.joint_figure`; `sales`: the company's gauges)."""
    may_see(actor, within.scope)
    # marketing's counts, carried over a write that leaves what they read alone (a touch)
    produced = memo(
        ("sla_marketing_all", *within.key),
        partial(marketing_levels, within.leads, within.period, None),
        reads=MARKETING_READS,
    )
    return memo(
        ("sla_joint", *within.key),
        lambda: views.joint_figure(
            sales,
            within.leads,
            within.content,
            within.period,
            within.ref,
            within.heads,
            produced,
        ),  # fmt: skip
        stamp=within.ref,
    )


def behind(
    within: InScope, level: GaugeLevel, scoped: np.ndarray, *, actor: User, memo: Memo
) -> views.Listed:
    """The leads one gauge counts (`views.leads_behind`; `scoped`: `rows(within)`): the
    first `views.LIST_LIMIT` of them (misses first) and how many."""
    may_see(actor, within.scope)
    # the kept counts give the list only when no reassignment left a breach with another
    plain = within.kept is None or within.kept.empty
    counted: pd.DataFrame = memo(
        ("sla_behind", level, *within.key),
        lambda: views.leads_behind(
            within.leads,
            within.clocks,
            within.period,
            level,
            scoped,
            _gauge_tally(within, memo) if plain else None,
        ),
        stamp=within.ref,
    )
    return views.Listed(counted.head(views.LIST_LIMIT), len(counted))


def attention(
    within: InScope, status: str, scoped: np.ndarray, *, actor: User, memo: Memo
) -> views.Listed:
    """The scope's open leads whose worst clock is `status`, the first of them and how
    many (`views.attention`)."""
    may_see(actor, within.scope)
    return memo(
        ("sla_attention", status, *within.key),
        partial(views.attention, within.leads, within.clocks, within.ref, scoped, status),
        stamp=within.ref,
    )


def trend(
    within: InScope, name: str, spans: list[Period], *, actor: User, memo: Memo
) -> pd.DataFrame:
    """The percentage levels per period of `spans` (`views.tally_trend`), named `name` (week,
    month). The counts are kept per lead and counted afresh every ten minutes; a write in
    between recounts only the leads it changed."""
    may_see(actor, within.scope)
    fresh = within.fresh

    def recount(old: Tally, _delta: object) -> Tally:
        assert fresh is not None
        changed = fresh(old.index, within.leads)
        return views.regauge(old, changed, within.leads, within.clocks, within.scope,
                             within.heads)  # fmt: skip

    counted = memo(
        ("sla_trend_tally", name, *within.key),
        partial(
            views.scope_tally, within.leads, within.clocks, spans, within.scope, within.heads
        ),  # fmt: skip
        stamp=int(within.ref.timestamp() // 600),
        update=recount if fresh is not None else None,
    )
    return memo(  # the rows, once per figures (a write seldom moves them)
        (
            "sla_trend_rows",
            name,
            *within.key,
            counted.table.to_json(date_format="iso", date_unit="us"),
        ),
        partial(views.tally_trend, counted, within.content),
        reads=(),
    )
