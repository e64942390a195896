"""AppTest: after one lead write, the pages' per-lead figures are carried over from the last
revision (only the changed lead is scored and clocked again) and equal a full recomputation.

The clock is held still so that the minute in the memo keys cannot turn during a test.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from sqlmodel import select

from sla_core import leads
from sla_core.db import session_scope
from sla_core.models import Lead, User
from sla_core.sla import shared_clocks
from sla_core.sla.clocks import lead_clocks
from sla_core.sla.exemptions import exempt_leads
from tests import test_pages_memo as memo
from tests.support.apptest import app_url, template_db  # noqa: F401 (fixtures)
from tests.test_pages_memo import add_mql, open_page, still  # noqa: F401 (fixtures)
from ui import data, sla_data
from ui.data import engine_for


def sized_calls(monkeypatch: pytest.MonkeyPatch, name: str) -> list[int]:
    """The number of leads each call of `shared_clocks.<name>` was given."""
    sizes: list[int] = []
    real = getattr(shared_clocks, name)

    def spy(frame: pd.DataFrame, *args: Any, **kwargs: Any) -> Any:
        sizes.append(len(frame))
        return real(frame, *args, **kwargs)

    monkeypatch.setattr(shared_clocks, name, spy)
    return sizes


def test_after_a_touch_the_clocks_are_carried_over_and_equal_a_full_computation(
    app_url: str,  # noqa: F811
    still: None,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for key in ("a", "b", "c"):
        add_mql(app_url, key)
    at = open_page("salesmanager", "pages/compliance.py")
    clocked = sized_calls(monkeypatch, "lead_clocks")
    scored = sized_calls(monkeypatch, "exempt_leads")
    first = data.current_snapshot()
    with session_scope(engine_for(app_url)) as session:
        rep = session.exec(select(User).where(User.username == "salesrep")).one()
        lead = session.exec(select(Lead).where(Lead.lead_key == "own")).one()
        leads.record_touch(
            session=session, lead_id=lead.id or 0, kind="call", actor=rep, at=memo.STILL
        )
    at.run()
    assert not at.exception, at.exception
    shared = data.current_snapshot()
    assert shared is not first and shared.delta is not None  # refreshed, not read again
    assert clocked == [1] and scored == [1]  # the touched lead only

    view = sla_data.sla_view(None)
    assert view.clocks is not None and clocked == [1]  # the rerun's clocks, from the memo
    found = exempt_leads(view.leads, view.content, view.setup)
    full = lead_clocks(view.leads, view.content, view.ref, view.setup, exemptions=found)
    pd.testing.assert_frame_equal(view.clocks, full)
    mine = view.leads["lead_key"] == "own"
    assert view.clocks.loc[mine, "follow_ups_made"].tolist() == [1]


def test_the_clocks_stay_current_through_writes_no_page_reads_them_at(
    app_url: str,  # noqa: F811
    still: None,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Compliance reads the clocks; then a rep logs two calls while only the Leads page runs
    (it reads no clock). The clocks are brought forward at each refresh (`Shared.keep`), so
    Compliance afterwards judges no lead again, and they equal a full computation. Without
    the keeper the second write loses them and every lead is judged again."""
    for key in ("a", "b"):
        add_mql(app_url, key)
    at = open_page("salesmanager", "pages/compliance.py")
    judged = sized_calls(monkeypatch, "lead_clocks")
    at.switch_page("pages/leads.py").run()
    with session_scope(engine_for(app_url)) as session:
        rep = session.exec(select(User).where(User.username == "salesrep")).one()
        lead = session.exec(select(Lead).where(Lead.lead_key == "own")).one()
        for _ in range(2):
            leads.record_touch(
                session=session, lead_id=lead.id or 0, kind="call", actor=rep, at=memo.STILL
            )
            session.commit()
            at.run()
            assert not at.exception, at.exception
    assert judged == [1, 1]  # at each write, the touched lead alone
    at.switch_page("pages/compliance.py").run()
    assert not at.exception, at.exception
    assert judged == [1, 1]  # nothing judged again
    view = sla_data.sla_view(None)
    found = exempt_leads(view.leads, view.content, view.setup)
    full = lead_clocks(view.leads, view.content, view.ref, view.setup, exemptions=found)
    pd.testing.assert_frame_equal(view.clocks, full)
    assert view.clocks.loc[view.leads["lead_key"] == "own", "follow_ups_made"].tolist() == [2]
