"""A memoised figure is handed out only after the permission check (issue 21, item 4).

`Shared.memo` is shared by every session of a data revision. Each domain function that
memoises a figure checks the acting user first and builds its own key, so a figure
another user already memoised never reaches someone who may not see it. Each test below
memoises the figure for an allowed user, shows that user gets the memoised value back
(the key is the one the function builds), then that a refused user is still refused.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
from sqlalchemy.engine import Engine

from sla_core import browse
from sla_core.access import PermissionDenied
from sla_core.db import session_scope
from sla_core.marketing import calculator, preview, route_run
from sla_core.models import Role, User
from sla_core.overview import scoped as overview
from sla_core.periods import Calendar, Period, PeriodKind, make_period
from sla_core.sla import scoped, views
from sla_core.sla.tally import Tally
from sla_core.store.snapshot import Shared
from sla_core.terms import AgreementContent
from tests.test_route_run import seed as seed_routing

REF = datetime(2026, 3, 15, 12, tzinfo=UTC)
HEADS = views.Heads(frozenset({2, 3}), frozenset(), {2: 1, 3: 1})
MEMOISED = object()  # what another user's request left in the memo


def person(uid: int, role: Role) -> User:
    return User(id=uid, username=f"u{uid}", name=f"User {uid}", role=role, active=True)


def leads() -> pd.DataFrame:
    return pd.DataFrame({"owner_id": [2, 3], "created_at": pd.to_datetime([REF, REF])})


def period() -> Period:
    return make_period(2026, 3, PeriodKind.MONTH, zone="UTC", calendar=Calendar.GREGORIAN)


def never() -> object:
    raise AssertionError("computed: the memoised figure was not found")


def test_a_rep_is_refused_the_company_gauges_a_manager_memoised() -> None:
    shared = Shared("r1", leads())
    within = scoped.InScope(
        leads(), pd.DataFrame(), AgreementContent(), ("setup",), REF,
        views.Scope(), HEADS, period(), "2026-03",
    )  # fmt: skip
    # the sales gauges are keyed by the counts they are read from, for the clocks' minute
    counted = Tally([], pd.RangeIndex(0), {}, np.zeros(0, dtype=np.uint32),
                    pd.DataFrame({"mqls": [3]}))  # fmt: skip
    minute = int(REF.timestamp() // 60)
    shared.memo(("sla_gauge_tally", *within.key, ""), lambda: counted, stamp=minute)
    key = ("sla_gauges", *within.key, *scoped._counted_key(within, counted))  # noqa: SLF001
    shared.memo(key, lambda: MEMOISED, stamp=minute)
    manager = person(1, Role.SALES_MANAGER)
    assert scoped.gauges(within, actor=manager, memo=shared.memo) is MEMOISED
    with pytest.raises(PermissionDenied):
        scoped.gauges(within, actor=person(2, Role.SALES_REP), memo=shared.memo)


def test_a_rep_sees_their_own_scope_only() -> None:
    shared = Shared("r1", leads())
    other = views.Scope(views.ScopeKind.REP, 3)
    within = scoped.InScope(
        leads(), pd.DataFrame(), AgreementContent(), ("setup",), REF,
        other, HEADS, period(), "2026-03",
    )  # fmt: skip
    shared.memo(("sla_rows", *within.key), lambda: MEMOISED)
    assert scoped.rows(within, actor=person(3, Role.SALES_REP), memo=shared.memo) is MEMOISED
    with pytest.raises(PermissionDenied):
        scoped.rows(within, actor=person(2, Role.SALES_REP), memo=shared.memo)


def test_a_team_overview_is_refused_to_whoever_may_not_see_team_queues() -> None:
    shared = Shared("r1", leads())
    team = views.Scope(views.ScopeKind.TEAM, 1)
    within = overview.InView(
        leads(), pd.DataFrame(), AgreementContent(), ("setup",), REF, period(),
        REF, "North", team, HEADS, 1, "UTC", "monday",
    )  # fmt: skip
    shared.memo(("overview_rows", None, team, repr(HEADS)), lambda: MEMOISED)
    assert overview.rows(within, actor=person(1, Role.SALES_MANAGER), memo=shared.memo) is MEMOISED
    with pytest.raises(PermissionDenied):
        overview.rows(within, actor=person(4, Role.MARKETING_MANAGER), memo=shared.memo)


def test_the_organisations_history_defaults_are_refused_to_a_rep() -> None:
    shared = Shared("r1", leads())
    shared.memo(("targets.history", "UTC", Calendar.GREGORIAN), lambda: MEMOISED, stamp="2026-12")
    manager = person(1, Role.MARKETING_MANAGER)
    ref = pd.Timestamp("2026-12-06", tz="UTC")

    def read(actor: User) -> object:
        return calculator.memo_history_defaults(
            shared.frame, ref, zone="UTC", calendar=Calendar.GREGORIAN, actor=actor,
            memo=shared.memo,
        )  # fmt: skip

    assert read(manager) is MEMOISED
    with pytest.raises(PermissionDenied):
        read(person(2, Role.SALES_REP))


def test_browsing_is_refused_to_a_viewer_even_when_memoised() -> None:
    shared = Shared("r1", leads())
    shared.memo(("owners", None), lambda: MEMOISED, reads=("owner_id",))
    marketer = person(5, Role.MARKETER)
    assert browse.owners_in_view(shared.frame, actor=marketer, memo=shared.memo) is MEMOISED
    with pytest.raises(PermissionDenied):
        browse.owners_in_view(shared.frame, actor=person(6, Role.VIEWER), memo=shared.memo)
    # a rep's view is keyed by the rep: the whole organisation's owners never reach them
    rep = person(2, Role.SALES_REP)
    assert browse.owners_in_view(shared.frame, actor=rep, memo=shared.memo) is not MEMOISED


def test_a_routing_plan_memoised_for_a_manager_is_refused_to_a_rep(engine: Engine) -> None:
    seed_routing(engine)
    shared = Shared("r1", leads())
    boss = person(1, Role.SALES_MANAGER)
    with session_scope(engine) as session:
        plan = route_run.preview(session=session, actor=boss, away=(), memo=shared.memo, seen=1)
        assert plan.dry_run and plan.assigned > 0
        again = route_run.preview(session=session, actor=boss, away=(), memo=shared.memo, seen=1)
        assert again is plan  # memoised: the dry run did not run again
        with pytest.raises(PermissionDenied):
            route_run.preview(
                session=session, actor=person(2, Role.SALES_REP), away=(), memo=shared.memo, seen=1
            )


def test_the_criteria_preview_is_refused_to_a_rep() -> None:
    shared = Shared("r1", leads())
    marketers = ((5, "Mia"),)
    shared.memo(("marketing.preview", marketers, "UTC", "gregorian"), lambda: MEMOISED)
    asked = {"memo": shared.memo, "marketers": marketers, "zone": "UTC"}
    manager = person(4, Role.MARKETING_MANAGER)
    _key, base = preview.prepared(shared.frame, actor=manager, calendar=Calendar.GREGORIAN, **asked)
    assert base is MEMOISED
    with pytest.raises(PermissionDenied):
        preview.prepared(
            shared.frame, actor=person(2, Role.SALES_REP), calendar=Calendar.GREGORIAN, **asked
        )


def test_the_closed_loop_reports_are_refused_to_a_rep() -> None:
    from sla_core.marketing import closed_loop

    shared = Shared("r1", leads())
    ask = closed_loop.Ask(None, None, "UTC", Calendar.GREGORIAN, "source", "source", (), 40,
                          Calendar.GREGORIAN)  # fmt: skip
    shared.memo(("closed_loop.report", ask), lambda: MEMOISED)
    shared.memo(("closed_loop.times", None, None, "UTC"), lambda: MEMOISED)
    manager = person(1, Role.MARKETING_MANAGER)
    assert closed_loop.memo_report(leads(), ask, actor=manager, memo=shared.memo) is MEMOISED
    assert (
        closed_loop.memo_times(leads(), None, None, "UTC", actor=manager, memo=shared.memo)
        is MEMOISED
    )
    rep = person(2, Role.SALES_REP)
    with pytest.raises(PermissionDenied):
        closed_loop.memo_report(leads(), ask, actor=rep, memo=shared.memo)
    with pytest.raises(PermissionDenied):
        closed_loop.memo_times(leads(), None, None, "UTC", actor=rep, memo=shared.memo)
