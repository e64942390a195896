"""A Persian-speaking manager in a real browser: the app reads right to left, the sidebar
stands on the right, and the Vazirmatn font comes from the app itself (no outside network)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sla_core.models import Role
from tests.e2e.steps import sign_in
from tests.support.seeding import person, seeded

PASSWORD = "Manager#2026"


@pytest.fixture
def server(tmp_path: Path, start_app: Callable[[str], str]) -> str:
    url = f"sqlite:///{tmp_path / 'rtl.db'}"
    with seeded(url) as session:
        person(session, "admin", "Ada", Role.ADMIN, PASSWORD)
        manager = person(session, "nasrin", "نسرین فرهادی", Role.SALES_MANAGER, PASSWORD)
        manager.language = "fa"
    return start_app(url)


def test_persian_reads_right_to_left_in_the_apps_own_font(server: str, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(90_000)
    outside: list[str] = []
    page.on(
        "request",
        lambda r: (
            outside.append(r.url) if not r.url.startswith((server, "data:", "blob:")) else None
        ),
    )
    fonts: list[int] = []
    page.on("response", lambda r: fonts.append(r.status) if "Vazirmatn" in r.url else None)
    page.goto(server)
    sign_in(
        page,
        "nasrin",
        PASSWORD,
        page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']"),
    )
    page.wait_for_load_state("networkidle")

    main = page.locator("[data-testid='stMain']")
    sidebar = page.locator("[data-testid='stSidebar']")
    assert main.evaluate("e => getComputedStyle(e).direction") == "rtl"
    heading = page.locator("[data-testid='stMain'] h1").first
    assert heading.evaluate("e => getComputedStyle(e).textAlign") == "right"
    assert "Vazirmatn" in heading.evaluate("e => getComputedStyle(e).fontFamily")
    assert sidebar.bounding_box()["x"] > main.bounding_box()["x"]
    assert page.evaluate("document.fonts.check('16px Vazirmatn')")
    assert fonts and all(status == 200 for status in fonts)
    assert outside == []  # not even the tab's icon (static/favicon.png)
    assert page.locator("[data-testid='stException']").count() == 0
