"""Issue 12 in a real browser: the setup takeover is refused, and a sign-in cookie copied
before sign-out no longer signs anyone in."""

from __future__ import annotations

import socket
import sqlite3
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from sla_core import db
from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.models import Lead, Role
from tests.conftest import PG_URL
from tests.e2e.steps import NAV, go_to, open_page, pick, settle, shot, sign_in
from tests.support.seeding import person, seeded

PASSWORD = "Admin#2026"


def seed(url: str) -> None:
    with seeded(url) as session:
        for username, role, password in (
            ("admin", Role.ADMIN, PASSWORD),
            ("ghost", Role.ADMIN, None),  # a second admin without a login
            ("rep", Role.SALES_REP, PASSWORD),
        ):
            person(session, username, username.title(), role, password)


@pytest.fixture
def server(tmp_path: Path, start_app: Callable[[str], str]) -> str:
    url = f"sqlite:///{tmp_path / 'trust.db'}"
    seed(url)
    return start_app(url)


def alerts(page: Any) -> list[str]:
    """The text of every error box (without its icon's name)."""
    boxes = page.locator("[data-testid='stAlertContentError']").all_inner_texts()
    return [box.strip().splitlines()[-1] for box in boxes]


def test_the_last_admin_cannot_step_down_and_setup_stays_closed(server: str, browser: Any) -> None:
    page = open_page(browser, f"{server}/users")
    sign_in(page, "admin", PASSWORD, "Users")
    page.get_by_role("tab", name="Change role").click()
    # the role form: its user list starts with ourselves; pick Viewer
    form = page.locator("[data-testid='stForm']").filter(has_text="New role")
    pick(page, form.locator("[data-testid='stSelectbox']").nth(1), "Viewer")
    form.get_by_role("button", name="Change role").click()
    error = page.locator("[data-testid='stAlertContentError']")
    error.wait_for()
    assert "admin is the last admin who can sign in" in error.inner_text()
    shot(page, "takeover_refused")
    anonymous = open_page(browser, server)
    anonymous.get_by_role("heading", name="Sign in to LeadPact").first.wait_for()
    settle(anonymous)
    assert anonymous.get_by_text("Welcome to LeadPact").count() == 0
    shot(anonymous, "takeover_anonymous_sees_sign_in")


def test_a_cookie_copied_before_sign_out_no_longer_signs_in(server: str, browser: Any) -> None:
    page = open_page(browser, server)
    sign_in(page, "rep", PASSWORD)
    copied = page.context.cookies()
    assert any(c["name"] == "leadpact_auth" for c in copied)
    # the copy works while the session lives...
    twin = open_page(browser, server, cookies=copied)
    twin.get_by_role("heading", name="Overview").first.wait_for()
    twin.context.close()
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in to LeadPact").first.wait_for()
    # ...and not after sign-out
    replay = open_page(browser, server, cookies=copied)
    replay.get_by_role("heading", name="Sign in to LeadPact").first.wait_for()
    settle(replay)
    assert replay.get_by_role("heading", name="Overview").count() == 0
    shot(replay, "copied_cookie_refused")


def test_a_database_broken_after_start_is_one_line_on_every_page(
    tmp_path: Path, start_app: Callable[[str], str], browser: Any
) -> None:
    url = f"sqlite:///{tmp_path / 'broken.db'}"
    seed(url)
    server = start_app(url)
    page = open_page(browser, server)
    sign_in(page, "admin", PASSWORD)
    with sqlite3.connect(tmp_path / "broken.db") as conn:  # someone breaks it under the app
        conn.execute('ALTER TABLE "lead" RENAME TO lead_gone')
    for name in ("Leads", "Overview"):
        page.locator("[data-testid='stSidebarNav'] a").filter(has_text=name).click()
        page.wait_for_timeout(1500)
        settle(page)
        errors = alerts(page)
        assert errors == ["The database cannot be used right now: no such table: lead"]
        assert page.locator("[data-testid='stException']").count() == 0
    shot(page, "database_broken_one_line")


class Proxy:
    """A TCP relay to PostgreSQL that can be switched off: the server 'goes away'.

    Switched off, it takes no connection any more. Closing a listening socket does not wake
    an `accept` already waiting in another thread (Linux keeps the socket while the call
    runs), so the relay shuts it down first, and a connection accepted in that instant is
    dropped: otherwise the app's next connection still reached PostgreSQL, now and then."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                if self.closed:
                    client.close()
                    return
                upstream = socket.create_connection(self.target)
                self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass

    def close(self) -> None:
        with self.lock:
            self.closed = True
            try:
                self.listener.shutdown(socket.SHUT_RDWR)  # wakes the waiting accept
            except OSError:
                pass
            self.listener.close()
            for s in self.sockets:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()


@pytest.mark.postgres
def test_postgres_going_away_after_start_is_one_line(
    start_app: Callable[[str], str], browser: Any
) -> None:
    if not PG_URL:
        pytest.skip("LEADPACT_TEST_DATABASE_URL is not set")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with db.scratch_schema(PG_URL, schema) as engine:
        with session_scope(engine) as session:
            person(session, "admin", "Admin", Role.ADMIN, PASSWORD)
        base = make_url(db.normalise_url(PG_URL))
        proxy = Proxy(base.host or "127.0.0.1", base.port or 5432)
        url = base.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        server = start_app(f"{url}?options=-csearch_path%3D{schema}")
        page = open_page(browser, server)
        sign_in(page, "admin", PASSWORD)
        proxy.close()
        for name in ("users", "leads"):  # (the sidebar folds pages past ten behind "View more")
            page.goto(f"{server}/{name}")
            page.locator("[data-testid='stAlertContentError']").first.wait_for()
            settle(page)
            errors = alerts(page)
            assert len(errors) == 1, errors
            assert errors[0].startswith("The database cannot be used right now:")
            assert page.locator("[data-testid='stException']").count() == 0
        shot(page, "postgres_gone_one_line")


EVIL = "=cmd|' /C calc'!A0"


def test_lead_tables_offer_no_raw_download_and_the_export_is_neutralised(
    tmp_path: Path, start_app: Callable[[str], str], browser: Any
) -> None:
    url = f"sqlite:///{tmp_path / 'evil.db'}"
    seed(url)
    engine = db.make_engine(url)
    with session_scope(engine) as session:
        at = now()
        session.add(
            Lead(lead_key="evil", first_name=EVIL, company="＝1+1", stage="mql", created_at=at)
        )
    engine.dispose()
    server = start_app(url)
    context = browser.new_context(viewport={"width": 1300, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(server)
    sign_in(page, "admin", PASSWORD)
    table = page.locator("[data-testid='stDataFrame']")
    go_to(page, "Leads", table)
    table.hover()
    toolbar = page.locator("[data-testid='stElementToolbar'] button")
    toolbar.first.wait_for()
    labels = toolbar.evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    assert "Search" in labels and "Download as CSV" not in labels
    shot(page, "leads_toolbar_without_download")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download these leads (CSV)").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[1].startswith(f"'{EVIL},")
    assert ",'＝1+1," in text


def test_a_deep_link_signs_in_to_that_page_and_a_refused_page_says_for_whom(
    server: str, browser: Any
) -> None:
    """Issue 13.2, and the fresh server's very first request is the deep link: Streamlit
    ran pages/leads.py on its own then, listing every page file (ui.navigation.framed)."""
    page = open_page(browser, f"{server}/leads")
    sign_in_heading = page.get_by_role("heading", name="Sign in to LeadPact").first
    sign_in_heading.wait_for()
    settle(page)
    assert page.get_by_text("Page not found").count() == 0
    assert page.get_by_text("import leads").count() == 0  # no file-named sidebar
    shot(page, "deep_link_signed_out")
    sign_in(page, "admin", PASSWORD, "Leads")
    assert page.url.endswith("/leads")
    shot(page, "deep_link_signed_in")
    rep = open_page(browser, f"{server}/users")
    sign_in(rep, "rep", PASSWORD, rep.locator(NAV))
    rep.get_by_text("Users is for admins.").wait_for()
    assert rep.get_by_text("Page not found").count() == 0
    shot(rep, "deep_link_refused")
