"""Issue 20 in a real browser: the Overview, Compliance, Leaderboard and Workshop of the
Persian and the Arabic demo world, as their sales manager reads them.

Each page must render without an error box, right to left, with no Latin word (outside
product names and acronyms, usernames and e-mail addresses) and no Latin digit in what the
main area shows. A full-page screenshot of each is saved under $LEADPACT_SCREENSHOTS (else
the test's tmp folder; the path is printed) to look at.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from sla_core import db
from sla_core.access import system_actor
from sla_core.db import session_scope
from sla_core.i18n import catalogue
from sla_core.i18n.languages import Language
from sla_core.models import Role, User
from sla_core.people import users
from tests.e2e.steps import settle, sign_in
from tests.i18n_audit import Shown, offences
from ui.navigation import PAGES

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Native#2026"
PAGE_FILES = ("pages/overview.py", "pages/compliance.py", "pages/leaderboard.py",
              "pages/workshop.py")  # fmt: skip
ERRORS = "[data-testid='stException'], [data-testid='stAlertContentError']"
# The main area's text without Material icons (drawn from ligatures: "verified" is a tick,
# "emoji_events" a trophy): elements set in a Material font are left out.
TEXT = """e => {
  e.querySelectorAll("*").forEach(n => {
    if (getComputedStyle(n).fontFamily.includes("Material")) n.setAttribute("data-icon", "1");
  });
  const c = e.cloneNode(true);
  c.querySelectorAll("[data-icon]").forEach(i => i.remove());
  document.body.appendChild(c); const t = c.innerText; c.remove(); return t; }"""


def _demo_world(path: Path, language: str) -> tuple[str, frozenset[str]]:
    """A database holding `language`'s demo world; its sales manager (who now reads
    `language`, password PASSWORD) and every username (Latin identifiers, allowed)."""
    url = f"sqlite:///{path}"
    env = {**os.environ, "DATABASE_URL": url}
    for args in (["migrate"], ["demo", "--language", language, "--leads", "1200", "--json"]):
        subprocess.run([sys.executable, "-m", "sla_core", *args], cwd=ROOT, env=env, check=True,
                       capture_output=True)  # fmt: skip
    engine = db.make_engine(url)
    with session_scope(engine) as session:
        everyone = session.exec(select(User)).all()
        manager = next(u for u in everyone if u.role == Role.SALES_MANAGER)
        users.set_password(
            session=session, username=manager.username, password=PASSWORD, actor=system_actor()
        )
        manager.language = language
        session.add(manager)
        names = (manager.username, frozenset(u.username for u in everyone))
    engine.dispose()
    return names


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("LEADPACT_SCREENSHOTS") or tmp_path / "screens")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("language", ["fa", "ar"])
def test_four_pages_of_the_native_world_read_in_its_language(
    language: str,
    tmp_path: Path,
    start_app: Callable[[str], str],
    browser: Any,
    screenshots: Path,
) -> None:
    manager, usernames = _demo_world(tmp_path / f"{language}.db", language)
    server = start_app(f"sqlite:///{tmp_path / f'{language}.db'}")
    reader = Language(language)
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.set_default_timeout(120_000)
    page.goto(server)
    overview = catalogue.translate("Overview", reader)
    sign_in(page, manager, PASSWORD, page.get_by_role("link", name=overview).first)
    found: dict[str, list[str]] = {}
    for spec in (s for s in PAGES if s.path in PAGE_FILES):
        # the Overview is the app's default page: its address is the app's own
        page.goto(server if spec.path == PAGE_FILES[0] else f"{server}/{spec.url_path}")
        title = catalogue.translate(spec.title, reader)
        page.get_by_role("heading", name=title).first.wait_for()
        settle(page)
        assert page.get_by_text("Page not found").count() == 0, spec.path
        page.wait_for_timeout(1500)  # charts draw after the run ends
        shot = screenshots / f"{language}-{spec.url_path}.png"
        page.screenshot(path=str(shot), full_page=True)
        print(f"screenshot: {shot}")  # noqa: T201 - where to look
        assert page.locator(ERRORS).count() == 0, (spec.path, shot)
        main = page.locator("[data-testid='stMain']")
        assert main.evaluate("e => getComputedStyle(e).direction") == "rtl"
        lines = [line for line in main.evaluate(TEXT).splitlines() if line.strip()]
        left = offences([Shown("page", line) for line in lines], identifiers=usernames)
        if left:
            found[spec.path] = sorted({f"{o.what} {o.found!r}: {o.text[:90]}" for o in left})
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)
