"""In a real browser: a marketing manager moves the MQL threshold and downloads a report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from sla_core.clock import now
from sla_core.models import Lead, Role
from tests.e2e.steps import go_to, open_page, sign_in
from tests.support.seeding import person, seeded


@pytest.fixture
def server(tmp_path: Path, start_app: Callable[[str], str]) -> str:
    """An admin (else the setup screen shows), a marketing manager and 40 leads whose scores spread over the default criteria."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    at = now() - timedelta(days=3)
    with seeded(url) as session:
        person(session, "root", "Root", Role.ADMIN, "Secret#123")
        person(session, "mona", "Mona", Role.MARKETING_MANAGER, "Secret#123")
        for i in range(40):
            session.add(
                Lead(lead_key=f"k{i}", email=f"k{i}@x.io", industry="Software",
                     company_size=100 if i % 2 else 10, engagement=i * 3,
                     source="=cmd|' /C calc'!A0" if i == 0 else "Webinar",
                     stage="won" if i % 7 == 0 else "lead", created_at=at)
            )  # fmt: skip
    return start_app(url)


def test_threshold_moves_the_preview_and_the_report_downloads_safely(
    server: str, browser: Any, tmp_path: Path
) -> None:
    page = open_page(browser, server, height=1800)
    sign_in(page, "mona", "Secret#123", ready=page.locator("[data-testid='stSidebarNav']"))
    go_to(page, "MQL criteria", "Live preview")
    proposed = page.locator('[data-testid="stMetricValue"]').first
    before = proposed.inner_text()
    slider = page.get_by_role("slider").first
    slider.focus()
    for _ in range(20):
        slider.press("ArrowLeft")  # threshold 60 -> 40
    page.wait_for_function(
        "b => document.querySelector('[data-testid=\"stMetricValue\"]').innerText !== b",
        arg=before,
        timeout=30_000,
    )
    assert int(proposed.inner_text()) > int(before)
    page.screenshot(path=str(tmp_path / "criteria.png"), full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0

    go_to(page, "Reports", "Funnel by source")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the funnel (CSV)").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "'=cmd" in text and "\n=cmd" not in text
