"""A real browser: a manager watches the compliance page while a rep, signed in
elsewhere, logs a touch; the "worked within the window" gauge moves on its own."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from sla_core.models import Lead, Role
from tests.e2e.steps import go_to, open_page, sign_in
from tests.slaframes import QUALIFYING
from tests.support.seeding import person, seeded

PASSWORD = "Sales#2026x"
SHOTS = Path(os.environ.get("LEADPACT_SHOTS", "/tmp"))


# A fixed instant in the middle of a month: Sam's lead, handed off 8 days before it, is this
# month's (on the 6th of a month it would be last month's, and the gauge would read "0 of 0").
WORLD_NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)


def seed(url: str) -> None:
    """Rep Rita's fresh MQL (not due yet) and Sam's lead never worked in 7 days (breached)."""
    with seeded(url) as session:
        person(session, "admin", "Ada Admin", Role.ADMIN, PASSWORD)
        person(session, "mia", "Mia Manager", Role.SALES_MANAGER, PASSWORD)
        rita = person(session, "rita", "Rita Rep", Role.SALES_REP, PASSWORD)
        sam = person(session, "sam", "Sam Rep", Role.SALES_REP, PASSWORD)
        for key, owner, age in (
            ("fresh", rita, timedelta(hours=5)),
            ("old", sam, timedelta(days=8)),
        ):
            at = WORLD_NOW - age
            session.add(Lead(lead_key=key, first_name=key.title(), stage="mql", owner_id=owner.id,
                             created_at=at, mql_at=at, assigned_at=at, updated_at=at,
                             **QUALIFYING))  # fmt: skip


@pytest.fixture
def server(tmp_path: Path, start_app: Callable[..., str]) -> str:
    url = f"sqlite:///{tmp_path / 'sales.db'}"
    seed(url)
    return start_app(url, clock=WORLD_NOW)


def signed_in(browser: Any, server: str, username: str) -> Any:
    page = open_page(browser, server)
    sign_in(page, username, PASSWORD)
    return page


def worked_caption(page: Any) -> str:
    captions = page.locator("[data-testid='stCaptionContainer']").all_inner_texts()
    dues = [m.group(0) for c in captions if (m := re.search(r"\d+ of \d+ due", c))]
    assert len(dues) >= 2, f"the compliance gauges' captions are not all drawn yet: {captions}"
    return dues[1]  # the second gauge: worked within the window


def test_the_gauge_moves_while_a_rep_logs_a_touch(server: str, browser: Any) -> None:
    manager = signed_in(browser, server, "mia")
    # the Overview also says "0 of 1 due" (dispositions): wait for the Compliance page itself
    go_to(manager, "Compliance", "Compliance")
    try:
        manager.get_by_text("0 of 1 due").first.wait_for()  # only Sam's breached lead is due
    except Exception:
        manager.screenshot(path=str(SHOTS / "sales_gauge_failed.png"), full_page=True)
        raise
    assert worked_caption(manager) == "0 of 1 due"
    manager.screenshot(path=str(SHOTS / "sales_gauge_before.png"), full_page=True)

    rep = signed_in(browser, server, "rita")
    go_to(rep, "Work queue", rep.get_by_role("button", name="Call").first)
    rep.get_by_role("button", name="Call").first.click()
    rep.get_by_text(re.compile(r"^Call logged on #\d+ ")).wait_for()  # names the lead

    # no reload, no click: the fragment refreshes itself and sees the new data revision
    manager.get_by_text("1 of 2 due").first.wait_for(timeout=90_000)
    assert worked_caption(manager) == "1 of 2 due"
    manager.screenshot(path=str(SHOTS / "sales_gauge_after.png"), full_page=True)
    for page in (manager, rep):
        assert page.locator("[data-testid='stException']").count() == 0
