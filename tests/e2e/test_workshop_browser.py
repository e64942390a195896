"""Two people in two browsers edit one workshop section: the second save shows both texts,
the merge is saved, and the PDF download works; nothing on the way shows an error."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from sla_core import agreement, db
from sla_core.db import session_scope
from sla_core.models import Role
from tests.e2e.steps import go_to, open_page, settle, sign_in
from tests.support.seeding import person, seeded

PASSWORD = "Workshop#2026"
SECTION = "2. Who are the stakeholders"


def seed(url: str) -> None:
    with seeded(url) as session:
        person(session, "admin", "Ada Admin", Role.ADMIN, PASSWORD)
        for username, name, role in (
            ("samsales", "Sam Sales", Role.SALES_MANAGER),
            ("miamarketing", "Mia Marketing", Role.MARKETING_MANAGER),
        ):
            person(session, username, name, role, PASSWORD)
        agreement.ensure_agreement(session=session)


@pytest.fixture
def workshop(tmp_path: Path, start_app: Callable[[str], str]) -> tuple[str, str]:
    url = f"sqlite:///{tmp_path / 'workshop.db'}"
    seed(url)
    return start_app(url), url


def open_workshop(browser: Any, server: str, username: str) -> Any:
    page = open_page(browser, server, width=1300, height=1000)
    sign_in(page, username, PASSWORD, ready=page.get_by_role("link", name="SLA workshop"))
    go_to(page, "SLA workshop", page.get_by_text(SECTION))
    page.get_by_text(SECTION).click()
    settle(page)
    return page


def section(page: Any) -> Any:
    return page.get_by_test_id("stExpander").filter(has_text=SECTION)


def test_two_browsers_one_section_conflict_then_merge(
    workshop: tuple[str, str], browser: Any
) -> None:
    server, url = workshop
    sam, mia = (
        open_workshop(browser, server, "samsales"),
        open_workshop(browser, server, "miamarketing"),
    )
    section(sam).locator("textarea").first.fill("Sam: the reps and the CRO.")
    section(mia).locator("textarea").first.fill("Mia: the marketers and the CMO.")
    section(sam).get_by_role("button", name="Save this section").click()
    settle(sam)
    section(mia).get_by_role("button", name="Save this section").click()
    settle(mia)
    theirs = section(mia).get_by_role("textbox", name="Their text (saved)")
    expect(theirs).to_have_value("Sam: the reps and the CRO.", timeout=60_000)
    mine = section(mia).get_by_role("textbox", name="Your text: edit it into the merged text")
    expect(mine).to_have_value("Mia: the marketers and the CMO.")
    mine.fill("Both: the reps, the marketers, the CRO and the CMO.")
    section(mia).get_by_role("button", name="Save the merged text").click()
    settle(mia)
    engine = db.make_engine(url)
    with session_scope(engine) as session:
        content = agreement.load_content(agreement.working_version(session=session))
    engine.dispose()
    assert content.workshop["stakeholders"] == "Both: the reps, the marketers, the CRO and the CMO."
    for page in (sam, mia):
        assert page.locator("[data-testid='stException']").count() == 0
    mia.get_by_text("Export and verify").click()
    settle(mia)
    mia.get_by_role("button", name="Prepare the PDF and Markdown").click()
    settle(mia)
    with mia.expect_download() as download:
        mia.get_by_role("button", name="Download the PDF").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
    assert mia.locator("[data-testid='stAlertContentError']").count() == 0
