"""AppTest: a session revoked while its tab is open writes nothing, not even once.

Widget callbacks run before app.py's sign-in check; the write path (ui.data.current_user)
checks the browser's session in the database on every call.
"""

from __future__ import annotations

from sqlmodel import select

from sla_core.access import system_actor
from sla_core.db import session_scope
from sla_core.models import LeadEvent, Signature
from sla_core.people import users
from tests.agreement_helpers import complete_at
from tests.support.apptest import app_url, button, sign_in, template_db  # noqa: F401 (fixtures)
from tests.test_pages_sales import _own_lead, url  # noqa: F401 (fixture)
from ui.data import engine_for


def _reset_password(address: str, username: str) -> None:
    """What an admin's password reset does: every session of that user ends."""
    with session_scope(engine_for(address)) as session:
        users.set_password(
            session=session, username=username, password="Changed4321", actor=system_actor()
        )


def test_a_revoked_session_logs_no_call(url: str) -> None:  # noqa: F811
    at = sign_in("salesrep")
    at.switch_page("pages/queue.py").run()
    assert not at.exception
    _reset_password(url, "salesrep")
    button(at, "Call").click().run()
    assert not at.exception
    assert not [s.value for s in at.success if s.value.startswith("Call logged")]
    assert _own_lead(url).touches == 0
    with session_scope(engine_for(url)) as session:
        assert session.exec(select(LeadEvent).where(LeadEvent.kind == "touch")).all() == []


def test_a_revoked_session_signs_nothing(app_url: str) -> None:  # noqa: F811
    complete_at(app_url)
    at = sign_in("salesmanager")
    at.switch_page("pages/workshop.py").run()
    at.radio(key="ws_view").set_value("sign").run()
    assert not at.exception
    _reset_password(app_url, "salesmanager")
    at.button(key="ws_sign").click().run()
    assert not at.exception
    assert "Signed." not in [s.value for s in at.success]
    with session_scope(engine_for(app_url)) as session:
        assert session.exec(select(Signature)).all() == []


def test_a_live_session_still_signs(app_url: str) -> None:  # noqa: F811
    complete_at(app_url)
    at = sign_in("salesmanager")
    at.switch_page("pages/workshop.py").run()
    at.radio(key="ws_view").set_value("sign").run()
    at.button(key="ws_sign").click().run()
    assert [s.value for s in at.success][:1] == ["Signed."]
