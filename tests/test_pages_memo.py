"""AppTest: the heavy figures of the compliance, routing and leaderboard pages are computed
once per data revision (`Shared.memo`): a rerun reuses them, a write is seen at the next one.

The clock is held still so that the minute in the memo keys cannot turn during a test.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pandas as pd
import pytest
from sqlmodel import select

from sla_core import clock
from sla_core.agreement import figures
from sla_core.db import session_scope
from sla_core.gamification import adjustments, leaderboard, service
from sla_core.marketing import calculator, preview, route_run
from sla_core.models import Lead, User
from sla_core.sla import shared_clocks, views
from tests.support.apptest import app_url, sign_in, template_db  # noqa: F401 (fixtures)
from ui import data, sla_data
from ui.data import engine_for

STILL = clock.now()


@pytest.fixture
def still(monkeypatch: pytest.MonkeyPatch) -> None:
    """`now()` returns the same instant everywhere the memo keys read it: the instant the
    test starts (taken at import, it was as old as the run when the whole suite ran)."""
    global STILL
    STILL = clock.now()
    for target in (clock, shared_clocks, service):
        monkeypatch.setattr(target, "now", lambda: STILL)


def counted(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[int]:
    """Count the calls of `owner.name` (the costly computation behind a page)."""
    calls: list[int] = []
    real: Callable[..., Any] = getattr(owner, name)

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, spy)
    return calls


def add_mql(url: str, key: str, owner_id: int | None = None) -> None:
    at = STILL - timedelta(hours=1)
    with session_scope(engine_for(url)) as session:
        session.add(Lead(lead_key=key, stage="mql", owner_id=owner_id, created_at=at,
                         mql_at=at, assigned_at=at if owner_id else None,
                         updated_at=clock.now()))  # fmt: skip


def open_page(username: str, page: str):  # type: ignore[no-untyped-def]
    at = sign_in(username)
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def test_compliance_reuses_its_gauges_and_sees_a_new_lead(
    app_url: str,  # noqa: F811
    still: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = counted(monkeypatch, views, "scope_gauges")
    at = open_page("salesmanager", "pages/compliance.py")
    first = data.current_snapshot()
    assert {"sla_clocks", "sla_gauges", "sla_gauge_spec"} <= {k[0] for k in first.computed()}
    at.selectbox(key="compliance_level").set_value(views.GaugeLevel.MQL_VOLUME).run()
    before = len(at.dataframe[0].value)
    at.run()
    assert len(calls) == 1 and not at.exception  # the reruns drew what the first computed

    add_mql(app_url, "late")
    at.run()
    assert len(calls) == 2 and data.current_snapshot() is not first
    assert len(at.dataframe[0].value) == before + 1


def test_routing_reuses_its_preview_and_sees_a_new_mql(
    app_url: str,  # noqa: F811
    still: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = counted(monkeypatch, route_run, "route")
    at = open_page("salesmanager", "pages/routing.py")
    waiting = int({m.label: m.value for m in at.metric}["Unassigned MQLs"])
    at.run()
    assert len(calls) == 1

    add_mql(app_url, "waiting")
    at.run()
    assert len(calls) == 2
    assert {m.label: m.value for m in at.metric}["Unassigned MQLs"] == str(waiting + 1)


def test_leaderboard_reuses_its_boards_and_sees_a_lead_and_a_bonus(
    app_url: str,  # noqa: F811
    still: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = counted(monkeypatch, leaderboard, "tally")
    at = open_page("salesmanager", "pages/leaderboard.py")
    at.run()
    assert len(calls) == 1

    with session_scope(engine_for(app_url)) as session:
        rep = session.exec(select(User).where(User.username == "salesrep")).one()
    add_mql(app_url, "theirs", owner_id=rep.id)
    at.run()
    assert len(calls) == 2 and not at.exception

    # a bonus is no lead write, yet it is part of what the board is keyed on
    board = at.dataframe[0].value
    points = board.set_index("Name")["Points"].to_dict()
    period = at.selectbox(key="leaderboard_month").value
    with session_scope(engine_for(app_url)) as session:
        manager = session.exec(select(User).where(User.username == "salesmanager")).one()
        adjustments.add_adjustment(session=session, period=period, user_id=rep.id or 0,
                                   points=5, reason="Covered a colleague", actor=manager)  # fmt: skip
    at.run()
    assert len(calls) == 3
    after = at.dataframe[0].value.set_index("Name")["Points"].to_dict()
    assert after[rep.name] == points[rep.name] + 5


def test_criteria_reuses_its_preview_and_scores_a_new_lead(
    app_url: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = counted(monkeypatch, preview, "compare")
    carried = counted(monkeypatch, preview, "recounted")
    at = open_page("marketingmanager", "pages/criteria.py")
    scored = int({m.label: m.value for m in at.metric}["Leads scored"])
    at.run()
    assert len(calls) == 1

    add_mql(app_url, "scored")
    at.run()
    # the new lead is counted on its own into the preview kept (not every lead again)
    assert len(calls) == 1 and len(carried) == 1
    assert {m.label: m.value for m in at.metric}["Leads scored"] == str(scored + 1)


@pytest.mark.parametrize(
    ("page", "owner", "name"),
    [
        ("pages/workshop.py", figures, "history_of"),  # compute or carried: once a revision
        ("pages/targets.py", calculator, "history_defaults"),
    ],
)
def test_history_figures_are_reused_until_a_write(
    app_url: str,  # noqa: F811
    still: None,
    monkeypatch: pytest.MonkeyPatch,
    page: str,
    owner: Any,
    name: str,
) -> None:
    calls = counted(monkeypatch, owner, name)
    at = open_page("admin", page)
    at.run()
    assert len(calls) == 1
    add_mql(app_url, "history")
    at.run()
    assert len(calls) == 2 and not at.exception


def test_a_new_minute_judges_again_only_the_clocks_that_move(
    app_url: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The next minute, with no write and after one, the clocks are brought forward from the
    last minute's (`clocks.retimed`), never judged again lead by lead, and equal what judging
    every lead at the new instant gives."""
    from sla_core.sla.clocks import lead_clocks

    instant = [clock.now()]
    for target in (clock, shared_clocks, service):
        monkeypatch.setattr(target, "now", lambda: instant[0])
    at = open_page("salesmanager", "pages/compliance.py")
    retimed = counted(monkeypatch, shared_clocks, "retimed")
    for step, write in enumerate((False, True), start=1):
        if write:
            add_mql(app_url, "fresh", owner_id=None)
        instant[0] += timedelta(minutes=2)
        at.run()
        assert not at.exception and len(retimed) == step
        view = sla_data.sla_view(None)
        assert view.ref == instant[0]
        again = lead_clocks(view.leads, view.content, view.ref, view.setup)
        pd.testing.assert_frame_equal(view.clocks, again)


def test_the_leaderboard_reads_the_clocks_compliance_reads(
    app_url: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The Leaderboard's clocks are the Compliance page's entry (one computation, held once):
    the next minute and after a write, the Leaderboard brings that entry forward and
    Compliance then finds it as it is, equal to judging every lead again."""
    from sla_core.sla.clocks import lead_clocks

    instant = [clock.now()]
    for target in (clock, shared_clocks, service):
        monkeypatch.setattr(target, "now", lambda: instant[0])
    at = open_page("salesmanager", "pages/leaderboard.py")
    judged: list[int] = []
    real = shared_clocks.clocks_for

    def spy(rows: pd.DataFrame, *args: Any) -> pd.DataFrame:
        judged.append(len(rows))
        return real(rows, *args)

    monkeypatch.setattr(shared_clocks, "clocks_for", spy)
    for write in (False, True):
        if write:
            add_mql(app_url, "fresh", owner_id=None)
        instant[0] += timedelta(minutes=2)
        at.run()
        assert not at.exception, at.exception
        shared = data.current_snapshot()
        kinds = [k[0] for k in shared.computed()]
        assert kinds.count("sla_clocks") == 1 and "gamification.clocks" not in kinds
        entry = next(k for k in shared.computed() if k[0] == "sla_clocks")
        stamp = int(instant[0].timestamp() // 60)
        board_clocks = shared.memo(entry, lambda: pytest.fail("not kept"), stamp=stamp)
        view = sla_data.sla_view(None)
        assert view.clocks is board_clocks.frame  # the very frame the board counted from
        assert view.ref == instant[0]
        again = lead_clocks(view.leads, view.content, view.ref, view.setup)
        pd.testing.assert_frame_equal(view.clocks, again)
    assert judged == [1]  # brought forward; after the write, the new lead judged alone
