"""A real browser (Debian's Chromium) against `streamlit run`: a forged cookie is ignored,
signing in shows the Overview gauge, and nothing on the way shows an error."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest

from sla_core.clock import now
from sla_core.models import Lead, Role
from tests.e2e.steps import settle, sign_in
from tests.support.seeding import person, seeded
from ui.auth import COOKIE_NAME

PASSWORD = "Manager#2026"


def seed(url: str) -> None:
    with seeded(url) as session:
        person(session, "admin", "Ada Admin", Role.ADMIN, PASSWORD)
        manager = person(session, "manager", "Mia Manager", Role.SALES_MANAGER, PASSWORD)
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


@pytest.fixture
def server(tmp_path: Path, start_app: Callable[[str], str]) -> str:
    """The app over a SQLite file seeded with a manager and forty leads."""
    url = f"sqlite:///{tmp_path / 'browser.db'}"
    seed(url)
    return start_app(url)


def test_manager_signs_in_and_sees_the_overview_gauge(server: str, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    # A forged sign-in cookie (right shape, wrong key) must just show the sign-in form.
    forged = jwt.encode({"username": "manager", "exp_date": time.time() + 3600}, "x" * 64, "HS256")
    context.add_cookies([{"name": COOKIE_NAME, "value": forged, "url": server}])
    page = context.new_page()
    # generous: the suite may share two cores with other test runs
    page.set_default_timeout(90_000)
    page.goto(server)
    page.get_by_role("heading", name="Sign in to LeadPact").first.wait_for()
    settle(page)
    assert page.locator("[data-testid='stException']").count() == 0
    gauge = "[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg"
    sign_in(page, "manager", PASSWORD, ready=page.locator(gauge).first)
    page.wait_for_load_state("networkidle")

    assert page.get_by_role("heading", name="Overview").count() == 1
    page.get_by_role("heading", name="Revenue").first.wait_for()
    settle(page)
    # the four service levels, then the five revenue cards (a manager reads the Reports)
    assert page.locator("[data-testid='stMetric']").count() == 9
    nav = page.locator("[data-testid='stSidebarNav'] a").all_inner_texts()
    words = [text.split()[-1] for text in nav]
    # a sales manager: the overview first, the leads, the pages other issues add; no Users
    assert words[:2] == ["Overview", "Leads"] and "Users" not in words
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("[data-testid='stAlertContentError']").count() == 0
