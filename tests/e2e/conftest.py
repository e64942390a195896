"""Browser-test plumbing: `streamlit run app.py` on a free loopback port, and Debian's Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from sla_core.clock import CLOCK_ENV

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "e2e" in item.path.parts:
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(pytest.mark.skip(reason="Debian's chromium is not installed"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def start_app(tmp_path: Path) -> Iterator[Callable[..., str]]:
    """A function that serves the app over DATABASE_URL and returns its base URL.

    `clock=` starts the server's clock at that instant (LEADPACT_CLOCK), for worlds seeded at
    fixed instants; without it the server keeps the test run's clock.
    """
    running: list[tuple[subprocess.Popen[bytes], Any]] = []

    def start(database_url: str, *, clock: datetime | None = None) -> str:
        env = {**os.environ, "DATABASE_URL": database_url}
        if clock is not None:
            env[CLOCK_ENV] = clock.isoformat()
        port = free_port()
        log = (tmp_path / f"streamlit-{port}.log").open("w")
        proc = subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", "app.py",
                "--server.headless", "true",
                "--server.port", str(port),
                "--server.address", "127.0.0.1",
                "--browser.gatherUsageStats", "false",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        running.append((proc, log))
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1) as answer:
                    if answer.status == 200:
                        return base
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    raise RuntimeError(Path(log.name).read_text()) from None
                time.sleep(0.2)

    yield start
    for proc, log in running:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright, headless."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def persian_manager(tmp_path: Path, start_app: Callable[[str], str]) -> str:
    """The app serving an admin and "nasrin", a sales manager who reads Persian (password
    PASSWORD): the right-to-left browser tests' world. Its base URL."""
    from sla_core.models import Role
    from tests.e2e.steps import PASSWORD
    from tests.support.seeding import person, seeded

    url = f"sqlite:///{tmp_path / 'rtl.db'}"
    with seeded(url) as session:
        person(session, "admin", "Ada", Role.ADMIN, PASSWORD)
        manager = person(session, "nasrin", "نسرین فرهادی", Role.SALES_MANAGER, PASSWORD)
        manager.language = "fa"
    return start_app(url)
