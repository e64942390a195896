"""AppTest: the lead page (`/lead?id=...`): own lead, another rep's refused, an unknown id,
a viewer; and a row of Leads opens it (issue 19 items 4 and 6)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.models import Lead, LeadEvent, User
from tests.test_pages import ROOT, app_url, button, sign_in, template_db  # noqa: F401 (fixtures)
from tests.test_pages_sales import url  # noqa: F401 (fixture)
from ui.data import engine_for
from ui.widgets import plain

LEAD = "pages/lead.py"


def _id(address: str, key: str) -> int:
    with session_scope(engine_for(address)) as session:
        return int(session.exec(select(Lead.id).where(Lead.lead_key == key)).one() or 0)


def _open(username: str, lead_id: int | str) -> AppTest:
    at = sign_in(username)
    at.query_params["id"] = str(lead_id)
    at.switch_page(LEAD).run()
    assert not at.exception
    return at


def test_a_rep_opens_their_own_lead_and_logs_a_call(url: str) -> None:  # noqa: F811
    own = _id(url, "own")
    at = _open("salesrep", own)
    assert at.title[0].value == r"own \<b\>Lead\</b\>"  # escaped: shown as text
    assert not at.error
    assert [s.value for s in at.subheader][:2] == ["SLA clocks", "Profile"]
    clocks = at.dataframe[0].value
    assert clocks["Clock"].tolist() == ["Disposition", "First touch", "Follow-ups"]
    words = clocks.drop(columns="Owner").to_numpy().ravel()
    assert all("_" not in str(v) for v in words)  # words, never stored codes
    assert "Next step" in at.info[0].value
    button(at, "Call").click().run()
    assert [s.value for s in at.success] == [f"Call logged on {plain(f'#{own} own <b>Lead</b>')}."]
    events = at.dataframe[4].value
    assert events["What"].iloc[0] == "Touch: Call"
    assert events["Who"].iloc[0] == "Test sales_rep"
    with session_scope(engine_for(url)) as session:
        lead = session.exec(select(Lead).where(Lead.lead_key == "own")).one()
        assert lead.touches == 1


def test_a_rep_disqualifies_with_a_reason_on_the_lead_page(url: str) -> None:  # noqa: F811
    own = _id(url, "own")
    at = _open("salesrep", own)
    at.selectbox(key="lead_reason").select("No budget").run()
    button(at, "Save disposition").click().run()
    assert [s.value for s in at.success] == [
        f"Disposition saved for {plain(f'#{own} own <b>Lead</b>')}."
    ]
    assert at.info[0].value.endswith("Nothing: the lead is closed.")
    assert not [b for b in at.button if b.label == "Qualify"]  # nothing left to do here
    with session_scope(engine_for(url)) as session:
        kinds = session.exec(select(LeadEvent.kind)).all()
    assert kinds == ["disposition"]


def test_another_reps_lead_is_refused_for_a_rep(url: str) -> None:  # noqa: F811
    at = _open("salesrep", _id(url, "other"))
    assert [e.value for e in at.error] == [
        f"Lead {_id(url, 'other')} belongs to another rep: you see only your own leads."
    ]
    assert not at.dataframe


def test_a_manager_sees_any_lead_and_an_unknown_id_is_named(url: str) -> None:  # noqa: F811
    at = _open("salesmanager", _id(url, "other"))
    assert not at.error
    assert at.dataframe[3].value["Owner"].tolist() == ["Test admin"]
    at.query_params["id"] = "9999"
    at.run()
    assert [e.value for e in at.error] == ["There is no lead number 9,999."]
    at.query_params["id"] = "abc"
    at.run()
    assert [e.value for e in at.error] == ["“abc” is not a lead number."]


def test_a_viewer_is_told_whom_the_page_is_for(url: str) -> None:  # noqa: F811
    """The menu gives a viewer the registry's refusal at /lead; the page itself, opened
    directly, says the same."""
    at = sign_in("viewer")
    page = AppTest.from_file(str(ROOT / "pages" / "lead.py"), default_timeout=30)
    page.session_state["user"] = at.session_state["user"]
    page.session_state["auth_session_id"] = at.session_state["auth_session_id"]
    page.query_params["id"] = str(_id(url, "own"))
    page.run()
    assert not page.exception
    assert [e.value for e in page.error] == ["Lead is for sales and marketing."]
    assert not page.dataframe


@pytest.mark.parametrize("username", ["salesrep", "salesmanager"])
def test_a_click_on_a_leads_row_opens_the_lead(url: str, username: str) -> None:  # noqa: F811
    at = sign_in(username)
    at.switch_page("pages/leads.py").run()
    table = at.dataframe(key="leads_table").value
    row = table["lead_key"].tolist().index("own")
    at.session_state["leads_table"] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    assert at.query_params == {"id": str(_id(url, "own"))}
    assert at.title[0].value == r"own \<b\>Lead\</b\>"


def test_the_leads_column_picker_is_kept_for_the_session(url: str) -> None:  # noqa: F811
    at = sign_in("salesmanager")
    at.switch_page("pages/leads.py").run()
    picker = at.multiselect(key="leads_columns")
    assert picker.value[:3] == ["name", "company", "stage"]
    picker.select("email").run()
    at.switch_page("pages/overview.py").run()
    at.switch_page("pages/leads.py").run()
    assert "email" in at.multiselect(key="leads_columns").value


def test_a_click_on_a_work_queue_row_opens_the_lead(url: str) -> None:  # noqa: F811
    at = sign_in("salesrep")
    at.switch_page("pages/queue.py").run()
    assert at.dataframe(key="queue_table").value["id"].tolist() == [_id(url, "own")]
    at.session_state["queue_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    assert at.query_params == {"id": str(_id(url, "own"))}
    assert at.title[0].value == r"own \<b\>Lead\</b\>"


def test_a_click_on_a_compliance_list_row_opens_the_lead(url: str) -> None:  # noqa: F811
    """The rep's lead handed off three days ago is breached (48 h): the manager's "breached,
    still open" list holds it, and a click on its row opens it."""
    with session_scope(engine_for(url)) as session:
        lead = session.exec(select(Lead).where(Lead.lead_key == "own")).one()
        lead.assigned_at = lead.mql_at = lead.created_at = now() - timedelta(days=3)
        session.add(lead)
    at = sign_in("salesmanager")
    at.switch_page("pages/compliance.py").run()
    assert not at.exception
    assert len(at.dataframe(key="compliance_list_breached").value) == 1  # the rep's lead
    at.session_state["compliance_list_breached"] = {
        "selection": {"rows": [0], "columns": [], "cells": []}
    }
    at.run()
    assert not at.exception
    assert at.query_params == {"id": str(_id(url, "own"))}
    assert at.title[0].value == r"own \<b\>Lead\</b\>"


def test_the_leaderboard_points_trace_links_to_the_lead(url: str) -> None:  # noqa: F811
    """A manager picks the rep on the board, then a lead behind their points: a link opens
    that lead's page."""
    at = sign_in("salesmanager")
    at.switch_page("pages/leaderboard.py").run()
    assert not at.exception
    names = at.dataframe(key="leaderboard_people").value.iloc[:, 1].tolist()
    row = next(i for i, n in enumerate(names) if n == "Test sales_rep")
    at.session_state["leaderboard_people"] = {
        "selection": {"rows": [row], "columns": [], "cells": []}
    }
    at.run()
    at.session_state["leaderboard_trace_leads"] = {
        "selection": {"rows": [0], "columns": [], "cells": []}
    }
    at.run()
    assert not at.exception
    links = at.get("page_link")
    assert [link.proto.label for link in links] == [f"Open lead {_id(url, 'own')}"]
    assert links[0].proto.query_string == f"id={_id(url, 'own')}"


def test_the_lead_page_speaks_persian(url: str) -> None:  # noqa: F811
    """Headers, clock names and states, the next step: Persian words and digits."""
    with session_scope(engine_for(url)) as session:
        rep = session.exec(select(User).where(User.username == "salesrep")).one()
        rep.language = "fa"
        session.add(rep)
    at = _open("salesrep", _id(url, "own"))
    assert [s.value for s in at.subheader][:2] == ["زمان‌سنج‌های توافق سطح خدمات", "مشخصات"]
    clocks = at.dataframe[0].value
    assert list(clocks.columns) == ["زمان‌سنج", "مسئول", "مهلت", "وضعیت"]
    assert clocks.iloc[:, 0].tolist() == ["تعیین وضعیت", "نخستین تماس", "پیگیری‌ها"]
    assert all(not any(c.isascii() and c.isalpha() for c in s) for s in clocks.iloc[:, 3])
    assert "گام بعدی" in at.info[0].value
    assert "۲۰۰" in at.dataframe[2].value.iloc[:, 1].tolist()  # the company size, fa digits
