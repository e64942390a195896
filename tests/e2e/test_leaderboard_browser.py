"""The leaderboard in a real browser: a rep sees their rank and what would move them up; a
manager clicks a row and sees where that person's points come from. No error on the way."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from sla_core.clock import now
from sla_core.models import Lead, Role
from tests.e2e.steps import go_to, open_page, settle, sign_in
from tests.gamification_world import PROFILE
from tests.support.seeding import person, seeded

PASSWORD = "Leader#2026"


def seed(url: str) -> None:
    with seeded(url) as session:
        person(session, "admin", "Ada Admin", Role.ADMIN, PASSWORD)
        person(session, "boss", "Bea Boss", Role.SALES_MANAGER, PASSWORD)
        reps = [
            person(session, f"rep{i}", f"Rep {name}", Role.SALES_REP, PASSWORD)
            for i, name in enumerate(("Amal", "Bruno"))
        ]
        start = now() - timedelta(days=3)
        for i in range(12):
            at = start + timedelta(hours=4 * i)
            session.add(
                Lead(
                    lead_key=f"lead-{i}",
                    **PROFILE,
                    stage="disqualified",
                    disposition_reason="No budget",
                    owner_id=reps[i % 2].id,
                    created_at=at,
                    mql_at=at,
                    assigned_at=at,
                    first_touch_at=at + timedelta(hours=1),
                    dispositioned_at=at + timedelta(hours=2 if i % 2 else 70),
                    updated_at=at,
                )  # fmt: skip
            )


@pytest.fixture
def server(tmp_path: Path, start_app: Callable[[str], str]) -> str:
    url = f"sqlite:///{tmp_path / 'leaderboard.db'}"
    seed(url)
    return start_app(url)


def open_leaderboard(browser: Any, server: str, username: str) -> Any:
    page = open_page(browser, server, height=2400, timeout_ms=240_000)
    sign_in(page, username, PASSWORD, ready=page.locator("[data-testid='stSidebarNav']"))
    go_to(page, "Leaderboard", "Leaderboard")
    page.wait_for_selector("[data-testid='stVegaLiteChart']")
    settle(page)
    return page


def no_errors(page: Any) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("[data-testid='stAlertContentError']").count() == 0


def test_a_rep_sees_their_rank_and_the_way_up(server: str, browser: Any) -> None:
    page = open_leaderboard(browser, server, "rep0")  # Amal: dispositions after 70 hours
    no_errors(page)
    assert page.get_by_text("Your rank").count() == 1
    assert page.get_by_text("What would move you up").count() == 1
    assert page.get_by_text("more leads dispositioned in time").count() >= 1


def test_a_manager_traces_points_to_the_leads(server: str, browser: Any) -> None:
    page = open_leaderboard(browser, server, "boss")
    no_errors(page)
    # closing freezes both sides at once: an admin's, not one side's manager's (issue 18.12)
    assert page.get_by_role("button", name="Close this period").count() == 0
    grid = page.locator("[data-testid='stDataFrame']").first
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 12, box["y"] + 35 + 17)  # the first row's selection cell
    settle(page)
    page.get_by_text("points come from").wait_for()
    no_errors(page)
    assert page.get_by_text("Show the leads behind").count() == 1
