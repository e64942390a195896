"""AppTest: e-mail without a terminal — the SMTP section of Settings (the password never on
the page), the test e-mail, "send due reminders now" for a manager, and the way to Settings
where e-mail is not set up; against a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from sla_core.db import session_scope
from sla_core.models import Lead, User
from sla_core.sla.mail_settings import load_mail_settings
from tests.slaframes import QUALIFYING
from tests.test_pages import app_url, button, sign_in, template_db  # noqa: F401 (fixtures)
from tests.test_sla_reminders import Inbox, free_port
from ui.data import engine_for
from ui.widgets import plain

SETTINGS = "pages/settings.py"
QUEUE = "pages/queue.py"
SECRET = "Hidden-pa55word"


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def inbox(port: int) -> Iterator[Inbox]:
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box
    controller.stop()


@pytest.fixture
def url(app_url: str, monkeypatch: pytest.MonkeyPatch) -> str:  # noqa: F811
    """The page tests' database: everyone with an address; the rep's lead qualifying and
    past its disposition window (a day old); no SMTP in the environment."""
    for name in ("HOST", "PORT", "SECURITY", "USER", "PASSWORD", "SENDER"):
        monkeypatch.delenv(f"LEADPACT_SMTP_{name}", raising=False)
    with session_scope(engine_for(app_url)) as session:
        for person in session.exec(select(User)).all():
            person.email = f"{person.username}@example.com"
            session.add(person)
        for lead in session.exec(select(Lead)).all():
            for field, value in QUALIFYING.items():
                setattr(lead, field, value)
            session.add(lead)
    return app_url


def _settings_as(username: str):  # type: ignore[no-untyped-def]
    at = sign_in(username)
    at.switch_page(SETTINGS).run()
    assert not at.exception
    return at


def _rendered(at) -> str:  # type: ignore[no-untyped-def]
    """Every element the page sent to the browser (its protobuf text), as one string."""
    out: list[str] = []

    def walk(node) -> None:  # type: ignore[no-untyped-def]
        proto = getattr(node, "proto", None)
        if proto is not None:
            out.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(out)


def _fill(at, port: int, password: str = "") -> None:  # type: ignore[no-untyped-def]
    at.text_input(key="smtp_host").input("127.0.0.1")
    at.text_input(key="smtp_port").input(str(port))
    at.radio(key="smtp_security").set_value("none")
    at.text_input(key="smtp_user").input("")
    at.text_input(key="smtp_password").input(password)
    at.text_input(key="smtp_sender").input("sla@example.com")
    button(at, "Save e-mail settings").click().run()


def test_an_admin_saves_smtp_and_the_password_is_never_on_the_page(url: str, port: int) -> None:
    at = _settings_as("admin")
    _fill(at, port, SECRET)
    assert "E-mail settings saved." in [s.value for s in at.success]
    with session_scope(engine_for(url)) as session:
        stored = load_mail_settings(session=session)
    assert (stored.host, stored.port, stored.password.get_secret_value()) == (
        "127.0.0.1", port, SECRET
    )  # fmt: skip
    again = _settings_as("admin")
    assert again.text_input(key="smtp_password").value == ""
    assert "A password is set — type a new one to change it." in _rendered(again)
    assert SECRET not in _rendered(again)
    _fill(again, port + 1)  # saved again without typing it: the password stays
    with session_scope(engine_for(url)) as session:
        assert load_mail_settings(session=session).password.get_secret_value() == SECRET


def test_the_test_email_reaches_the_admin_in_one_line(url: str, port: int, inbox: Inbox) -> None:
    at = _settings_as("admin")
    _fill(at, port)
    button(at, "Send a test e-mail").click().run()
    assert [s.value for s in at.success] == [f"Test e-mail sent to {plain('admin@example.com')}."]
    assert [str(m["To"]) for m in inbox.messages] == ["admin@example.com"]  # type: ignore[index]


def test_the_servers_refusal_is_one_line(url: str, port: int) -> None:
    at = _settings_as("admin")
    _fill(at, port)  # nothing listens on this port
    button(at, "Send a test e-mail").click().run()
    (said,) = [e.value for e in at.error]
    reason = f"the SMTP server 127.0.0.1:{port} is unavailable ([Errno 111] Connection refused)"
    assert said == f"The test e-mail was not sent: {plain(reason)}"


def test_a_manager_sends_the_due_reminders_now(url: str, port: int, inbox: Inbox) -> None:
    admin = _settings_as("admin")
    _fill(admin, port)
    at = sign_in("salesmanager")
    at.switch_page(QUEUE).run()
    button(at, "Send due reminders now").click().run()
    assert not at.exception and not at.error
    assert [s.value for s in at.success] == [
        "2 reminder steps due, 2 new; 2 e-mailed; 0 leads reassigned."
    ]
    table = at.dataframe[0].value  # the run's report, above the queue
    assert table["email"].tolist() == ["admin@example.com", "salesrep@example.com"]  # owners
    assert set(table["outcome"]) == {"Sent"}
    assert sorted(str(m["To"]) for m in inbox.messages) == [  # type: ignore[index]
        "admin@example.com", "salesrep@example.com"
    ]  # fmt: skip


def test_without_smtp_the_manager_is_told_and_the_admin_linked_to_settings(url: str) -> None:
    at = sign_in("salesmanager")
    at.switch_page(QUEUE).run()
    button(at, "Send due reminders now").click().run()
    assert [e.value for e in at.error] == ["E-mail is not set up (no SMTP host in the settings)."]
    assert "An admin sets up e-mail on the Settings page." in [c.value for c in at.caption]
    admin = _settings_as("admin")
    button(admin, "Send a test e-mail").click().run()
    links = admin.get("page_link")
    assert [link.proto.page for link in links] == ["settings"]  # the Settings page


def test_a_rep_may_neither_change_smtp_nor_send_reminders(url: str) -> None:
    at = sign_in("salesrep")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(SETTINGS)  # not in a rep's navigation (sla_core refuses the save too)
    at.switch_page(QUEUE).run()
    assert not at.exception
    assert "Send due reminders now" not in [b.label for b in at.button]
