"""In a real browser: a marketer uploads a file and sees the report with its rejected rows."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.steps import go_to, open_page, sign_in

ROOT = Path(__file__).resolve().parents[2]
FILE = (
    "Record ID;Email;First Name;Company Name;Lifecycle Stage;Create Date;Contact owner\n"
    "1;ana@x.io;<script>alert(1)</script>;Acme;lead;12/03/2024;Sam Rep\n"
    '2;broken-mail;Li;=HYPERLINK("http://x");marketingqualifiedlead;13/03/2024;Sam Rep\n'
    "3;bo@x.io;Bo;Beta;lead;14/03/2024;Sam Rep\n"
)


@pytest.fixture
def server(tmp_path: Path, start_app: Callable[[str], str]) -> str:
    """The app over a SQLite file with an admin and a marketer, made through the CLI."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    env = {**os.environ, "DATABASE_URL": url}
    for username, role in (("root", "admin"), ("mia", "marketer")):
        subprocess.run(
            [sys.executable, "-m", "sla_core", "users", "add", username,
             "--role", role, "--password", "Secret#123"],
            cwd=ROOT, env=env, check=True, capture_output=True,
        )  # fmt: skip
    return start_app(url)


def _signed_in_import_page(server: str, browser: Any) -> Any:
    page = open_page(browser, server, width=1300, height=2000, timeout_ms=30_000)
    page.on("dialog", lambda dialog: pytest.fail(f"a script ran: {dialog.message}"))
    sign_in(page, "mia", "Secret#123", ready=page.locator("[data-testid='stSidebarNav']"))
    go_to(page, "Import", page.get_by_test_id("stFileUploaderDropzone"))
    return page


def test_upload_shows_counts_rejects_and_names_as_text(
    server: str, browser: Any, tmp_path: Path
) -> None:
    upload = tmp_path / "week.csv"
    upload.write_text(FILE, encoding="utf-8")
    page = _signed_in_import_page(server, browser)
    page.locator("input[type=file]").set_input_files(str(upload))
    page.get_by_role("button", name="Import", exact=True).click()
    page.get_by_text("Report: week.csv").wait_for(timeout=30_000)
    page.screenshot(path=str(tmp_path / "import_report.png"), full_page=True)
    metrics = page.locator('[data-testid="stMetricValue"]')
    metrics.first.wait_for(timeout=10_000)
    assert [m.strip() for m in metrics.all_inner_texts()] == ["2", "0", "0", "1"]
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the rejected rows to fix them").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "broken-mail" in text and "'=HYPERLINK" in text


SAMPLES = ROOT / "tests" / "fixtures" / "realdata"


@pytest.mark.parametrize(
    ("name", "mapping", "rows"),
    [
        ("maven_sales_pipeline_sample.csv", "Maven CRM sales pipeline (shipped mapping)", "220"),
        ("x_education_leads_sample.csv", "X Education leads (shipped mapping)", "300"),
    ],
)
def test_real_files_import_through_the_page_with_no_manual_mapping(
    server: str, browser: Any, tmp_path: Path, name: str, mapping: str, rows: str
) -> None:
    page = _signed_in_import_page(server, browser)
    page.locator("input[type=file]").set_input_files(str(SAMPLES / name))
    page.get_by_text(f"Recognised as {mapping}").wait_for(timeout=30_000)
    page.get_by_role("button", name="Import", exact=True).click()
    page.get_by_text(f"Report: {name}").wait_for(timeout=60_000)
    page.screenshot(path=str(tmp_path / "real_file_report.png"), full_page=True)
    metrics = page.locator('[data-testid="stMetricValue"]')
    metrics.first.wait_for(timeout=10_000)
    assert [m.strip() for m in metrics.all_inner_texts()] == [rows, "0", "0", "0"]
    assert page.locator('[data-testid="stException"]').count() == 0
