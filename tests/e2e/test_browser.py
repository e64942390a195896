"""A real browser (Debian's Chromium) against `streamlit run`: a forged cookie is ignored,
signing in shows the Overview gauge, and nothing on the way shows an error."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest

from sla_core import db, users
from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.models import Lead, Role
from ui.auth import COOKIE_NAME

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Manager#2026"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def seed(url: str) -> None:
    engine = db.make_engine(url)
    db.migrate(engine)
    with session_scope(engine) as session:
        users.create_user(
            session=session, username="admin", name="Ada Admin", role=Role.ADMIN, password=PASSWORD
        )
        manager = users.create_user(
            session=session,
            username="manager",
            name="Mia Manager",
            role=Role.SALES_MANAGER,
            password=PASSWORD,
        )
        start = now() - timedelta(days=20)
        for i in range(40):
            at = start + timedelta(hours=12 * i)
            session.add(
                Lead(
                    lead_key=f"lead-{i}",
                    email=f"lead{i}@example.com",
                    stage="sql" if i % 3 else "mql",
                    source="webinar",
                    owner_id=manager.id,
                    created_at=at,
                    mql_at=at,
                    assigned_at=at,
                    dispositioned_at=at + timedelta(hours=30 if i % 4 else 60) if i % 3 else None,
                    updated_at=at,
                )
            )
    engine.dispose()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """`streamlit run app.py` on a free loopback port over a seeded SQLite file."""
    url = f"sqlite:///{tmp_path / 'browser.db'}"
    seed(url)
    port = free_port()
    log = (tmp_path / "streamlit.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", "app.py",
            "--server.headless", "true",
            "--server.port", str(port),
            "--server.address", "127.0.0.1",
            "--browser.gatherUsageStats", "false",
        ],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((tmp_path / "streamlit.log").read_text()) from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def settle(page: Any) -> None:
    """Wait until the app has finished running (the cookie component reruns it once on load)."""
    page.wait_for_timeout(500)
    page.locator("[data-testid='stStatusWidget']").wait_for(state="detached")
    page.wait_for_timeout(500)


def test_manager_signs_in_and_sees_the_overview_gauge(server: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-dev-shm-usage",
            ],
        )
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            # A forged sign-in cookie (right shape, wrong key) must just show the sign-in form.
            forged = jwt.encode(
                {"username": "manager", "exp_date": time.time() + 3600}, "x" * 64, "HS256"
            )
            context.add_cookies([{"name": COOKIE_NAME, "value": forged, "url": server}])
            page = context.new_page()
            # generous: the suite may share two cores with other test runs
            page.set_default_timeout(90_000)
            page.goto(server)
            page.get_by_role("heading", name="Sign in to LeadPact").wait_for()
            settle(page)
            assert page.locator("[data-testid='stException']").count() == 0
            page.get_by_role("textbox", name="Username").fill("manager")
            page.get_by_role("textbox", name="Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            gauge = "[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg"
            page.wait_for_selector(gauge)
            page.wait_for_load_state("networkidle")

            assert page.get_by_role("heading", name="Overview").count() == 1
            assert page.locator("[data-testid='stMetric']").count() == 4
            nav = page.locator("[data-testid='stSidebarNav'] a").all_inner_texts()
            assert [text.split()[-1] for text in nav] == ["Overview", "Leads"]
            assert page.locator("[data-testid='stException']").count() == 0
            assert page.locator("[data-testid='stAlertContentError']").count() == 0
        finally:
            browser.close()
