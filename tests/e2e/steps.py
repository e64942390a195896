"""The steps every browser journey shares: open a page, sign in, follow a sidebar link.

Streamlit reruns the script when the sign-in cookie component loads, and a rerun that
lands just after a click can swallow it (the form is cleared, or the app stays on the
page it was on). A person simply clicks again; these steps do the same, at most three
times, and leave a screenshot of every retry under $LEADPACT_SHOTS when it is set.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

ATTEMPT_MS = 30_000
NAV = "[data-testid='stSidebarNav']"
PASSWORD = "Manager#2026"  # the right-to-left tests' managers (conftest.persian_manager)
SHOTS = Path(os.environ["LEADPACT_SHOTS"]) if os.environ.get("LEADPACT_SHOTS") else None


def settle(page: Any) -> None:
    """Wait until the app has finished running (no "Running…" status widget)."""
    page.wait_for_timeout(500)
    page.locator("[data-testid='stStatusWidget']").wait_for(state="detached")
    page.wait_for_timeout(500)


def shot(page: Any, name: str) -> None:
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def open_page(
    browser: Any,
    url: str,
    *,
    width: int = 1400,
    height: int = 1300,
    cookies: list[dict[str, Any]] | None = None,
    timeout_ms: int = 90_000,
) -> Any:
    """A fresh browser context (no cookies unless given) showing `url`."""
    context = browser.new_context(viewport={"width": width, "height": height})
    if cookies:
        context.add_cookies(cookies)
    page = context.new_page()
    page.set_default_timeout(timeout_ms)
    page.goto(url)
    return page


def _ready(page: Any, ready: Any) -> Any:
    """A locator from a heading's name, or the locator itself.

    A heading's name takes the first match: while a rerun is drawing, the last run's heading
    can still stand beside the new one for a moment, and a strict locator fails on the pair.
    """
    return page.get_by_role("heading", name=ready).first if isinstance(ready, str) else ready


def _retry(page: Any, act: Any, ready: Any, name: str) -> None:
    target = _ready(page, ready)
    for attempt in range(3):
        act()
        try:
            target.wait_for(timeout=ATTEMPT_MS)
            break
        except Exception:
            shot(page, f"{name}_retry_{attempt}")
            settle(page)
    target.wait_for()
    settle(page)


def sign_in(page: Any, username: str, password: str, ready: Any = "Overview") -> None:
    """Fill the sign-in form until `ready` (a heading's name or a locator) shows."""
    page.get_by_role("heading", name="Sign in to LeadPact").first.wait_for()
    settle(page)

    def submit() -> None:
        if not page.get_by_role("textbox", name="Username").is_visible():
            return  # the last attempt got through; only the landing page was late
        page.get_by_role("textbox", name="Username").fill(username)
        page.get_by_role("textbox", name="Password").fill(password)
        page.get_by_role("button", name="Sign in").click()

    _retry(page, submit, ready, f"sign_in_{username}")


def go_to(page: Any, link: str, ready: Any) -> None:
    """Follow the sidebar link named `link` until `ready` shows."""
    settle(page)
    nav = page.locator(f"{NAV} a").filter(has_text=link).first
    _retry(page, nav.click, ready, f"go_to_{link}")


def pick(page: Any, select: Any, option: str) -> None:
    """Open the select box `select` until its `option` shows, then choose it (a rerun that
    lands just after the click closes the list again, as it can swallow any click)."""
    listed = page.get_by_role("option", name=option)
    _retry(page, select.click, listed, f"pick_{option}")
    listed.click()
