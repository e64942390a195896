"""The Overview's figures of one scope and period, once per data revision (and minute).

Each function first works out whose leads the acting user sees (`access.lead_scope`, which
refuses those off the dashboard) and checks a team scope, then builds its memo key from
that and looks in the shared memo (`sla_core.store.memo`): a hit never skips the check.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from sla_core import access
from sla_core.models import User
from sla_core.overview import figures, funnel
from sla_core.periods import Period
from sla_core.sla import scoped as sla_scoped
from sla_core.sla import views
from sla_core.store.memo import Memo
from sla_core.terms import AgreementContent


@dataclass(frozen=True)
class InView:
    """What the Overview's figures are computed from: the leads in view (the reader's own,
    or all) with their clocks at `ref`, the team chosen (`team`, named; `scope` its scope),
    the period counted until `until`, the agreement version and what the clocks depend on
    (`setup`: `context.setup_key`), and the week the organisation keeps."""

    leads: pd.DataFrame
    clocks: pd.DataFrame
    content: AgreementContent
    setup: tuple[str, ...]
    ref: datetime
    period: Period
    until: datetime
    team: str | None
    scope: views.Scope
    heads: views.Heads
    version_id: int | None
    zone: str
    week_start: str
    # the breaches reassignments left with who missed them, and which leads a write changed
    # (`Shared.fresh_rows`): as the Compliance page is given them (`sla.scoped.InScope`)
    kept: pd.DataFrame | None = None
    fresh: Callable[[pd.Index, pd.DataFrame], tuple[np.ndarray, np.ndarray]] | None = None


def _owner(within: InView, actor: User) -> int | None:
    """Whose leads `actor` sees (None: all), refusing a team scope they may not look at."""
    owner = access.lead_scope(actor, figures=True)
    if within.team is not None:
        access.require(actor, access.Permission.VIEW_TEAM_QUEUES)
    return owner


def _scope_key(within: InView, owner: int | None) -> tuple[Hashable, ...]:
    return (
        owner,
        within.team,
        within.period.start,
        within.period.end,
        within.version_id,
        within.until,
    )


def rows(within: InView, *, actor: User, memo: Memo) -> np.ndarray:
    """Which leads in view belong to the team chosen (all of them without one)."""
    owner = _owner(within, actor)
    return memo(
        ("overview_rows", owner, within.scope, repr(within.heads)),
        lambda: views.scope_mask(within.leads, within.scope, within.heads),
    )


def _frame(within: InView, scoped: np.ndarray) -> pd.DataFrame:
    return within.leads if within.team is None else within.leads.loc[scoped]


def period_figures(
    within: InView, scoped: np.ndarray, *, actor: User, memo: Memo
) -> figures.Overview:
    """The period's figures of the scope (`figures.overview`; `scoped`: `rows(within)`)."""
    owner = _owner(within, actor)
    scope = within.scope if owner is None else views.Scope(views.ScopeKind.REP, owner)
    judged = sla_scoped.InScope(
        within.leads, within.clocks, within.content, within.setup, within.ref, scope,
        within.heads, within.period, _label(within.period), within.kept, within.fresh,
    )  # fmt: skip
    # the reader was checked above (`_owner`), as for every other Overview figure
    return figures.from_levels(sla_scoped.counted_levels(judged, memo).iloc[0])


def _label(period: Period) -> str:
    """Names the period in the Compliance page's memo keys (its label; a custom range has
    none, so its bounds)."""
    return period.label or f"{period.start.isoformat()}/{period.end.isoformat()}"


def weekly_mqls(within: InView, scoped: np.ndarray, *, actor: User, memo: Memo) -> pd.DataFrame:
    """The scope's MQLs per week up to `until` (`funnel.weekly_mqls`)."""
    owner = _owner(within, actor)
    return memo(
        ("weekly", within.zone, within.week_start, *_scope_key(within, owner)),
        lambda: funnel.weekly_mqls(
            _frame(within, scoped), within.until, zone=within.zone, week_start=within.week_start
        ),
    )


def week_key(within: InView, *, actor: User) -> tuple[Hashable, ...]:
    """What the weekly figures are computed from (names their chart in the memo)."""
    return (within.week_start, *_scope_key(within, _owner(within, actor)))
