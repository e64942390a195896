"""A Persian-speaking manager in a real browser: the app reads right to left, the sidebar
stands on the right, and the Vazirmatn font comes from the app itself (no outside network)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from sla_core.clock import now
from sla_core.i18n import catalogue
from sla_core.i18n.languages import Language
from sla_core.models import Lead, Role
from sla_core.stages import Stage
from tests.e2e.steps import PASSWORD, shot, sign_in
from tests.support.seeding import person, seeded


def test_persian_reads_right_to_left_in_the_apps_own_font(
    persian_manager: str, browser: Any
) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(90_000)
    outside: list[str] = []
    page.on(
        "request",
        lambda r: (
            outside.append(r.url)
            if not r.url.startswith((persian_manager, "data:", "blob:"))
            else None
        ),
    )
    fonts: list[int] = []
    page.on("response", lambda r: fonts.append(r.status) if "Vazirmatn" in r.url else None)
    page.goto(persian_manager)
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


@pytest.fixture
def arabic_leads(tmp_path: Path, start_app: Callable[[str], str]) -> str:
    """An Arabic-speaking sales manager and a few leads, for the Leads page's table."""
    url = f"sqlite:///{tmp_path / 'rtl-leads.db'}"
    with seeded(url) as session:
        person(session, "admin", "Ada", Role.ADMIN, PASSWORD)
        manager = person(session, "huda", "هدى حداد", Role.SALES_MANAGER, PASSWORD)
        manager.language = "ar"
        at = now() - timedelta(days=1)
        for n in range(3):
            session.add(
                Lead(
                    lead_key=f"k{n}", first_name="سارة", last_name=f"العتيبي {n}",
                    company="شركة الخليج للتجارة والاستثمار", email=f"l{n}@example.com",
                    stage=Stage.MQL, source="webinar", owner_id=manager.id,
                    created_at=at, mql_at=at, assigned_at=at, updated_at=at,
                )
            )  # fmt: skip
    return start_app(url)


def test_a_wide_table_opens_on_its_first_columns_right_to_left(
    arabic_leads: str, browser: Any
) -> None:
    # The grid lays columns out from the left; right to left they stand reversed, so a
    # table wider than its box must open scrolled to its right end, where "Name" stands.
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    page.set_default_timeout(90_000)
    page.goto(f"{arabic_leads}/leads")
    table = page.locator("[data-testid='stDataFrame']").first
    sign_in(page, "huda", PASSWORD, table)
    page.wait_for_load_state("networkidle")
    first = catalogue.translate("Name", Language.ARABIC)
    last = catalogue.translate("Source", Language.ARABIC)
    read = "e => [...e.querySelectorAll('th, [role=columnheader]')].map(h => h.textContent)"
    # the grid sizes its columns once drawn: wait until it is wider than its box (its seven
    # default columns are 900 px in a box of about 540)
    scroller = "[data-testid='stDataFrame'] .dvn-scroller"
    try:
        page.wait_for_function(
            f'() => {{ const s = document.querySelector("{scroller}");'
            " return s && s.scrollWidth > s.clientWidth + 50; }",
            timeout=30_000,
        )
    except Exception:  # say what the grid showed instead
        widths = page.locator(scroller).first.evaluate("s => [s.scrollWidth, s.clientWidth]")
        pytest.fail(f"the grid never grew wider than its box: {widths}, {table.evaluate(read)}")
    for _ in range(20):  # the grid lists the headers it draws (for screen readers)
        headers = table.evaluate(read)
        if first in headers:
            break
        page.wait_for_timeout(250)
    shot(page, "rtl-wide-table")
    assert first in headers  # the first column shows at open
    assert last not in headers  # the last is off to the left, for the reader to scroll to
    assert page.locator("[data-testid='stException']").count() == 0
