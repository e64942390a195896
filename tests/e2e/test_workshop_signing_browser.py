"""A workshop walked to signature in two browsers: the Sign view lists what is missing, the
last answer and the parties and term are filled in, Mia asks for signatures and signs, Sam
signs, his button gives way to "Signed by you on", and the signed PDF downloads without its
DRAFT mark; nothing on the way shows an error."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdf
import pytest
from playwright.sync_api import expect
from sqlmodel import select

from sla_core import agreement, db
from sla_core.agreement import sections, signing
from sla_core.db import session_scope
from sla_core.models import User
from tests.agreement_helpers import COMPLETE, complete
from tests.e2e.steps import settle, shot
from tests.e2e.test_workshop_browser import open_workshop, seed

GOALS = "1. What are the company's goals"
PARTIES = "11. Who agrees, from when and for how long?"


@pytest.fixture
def almost(tmp_path: Path, start_app: Callable[[str], str]) -> tuple[str, str]:
    """Version 1 with every answer but the first, no company and no term."""
    url = f"sqlite:///{tmp_path / 'signing.db'}"
    seed(url)
    engine = db.make_engine(url)
    answers = {k: v for k, v in COMPLETE["workshop"].items() if k != "company_goals"}
    with session_scope(engine) as session:
        version = agreement.working_version(session=session)
        complete(session, version.id or 0, workshop=answers, company=None, term_months=None)
    engine.dispose()
    return start_app(url), url


def _view(page: Any, name: str) -> None:
    page.get_by_text(name, exact=True).click()
    settle(page)


def _expander(page: Any, title: str, inside: str) -> Any:
    """The section titled `title`, opened (a rerun that changes the page closes it)."""
    box = page.get_by_test_id("stExpander").filter(has_text=title)
    if not box.get_by_text(inside).first.is_visible():
        box.get_by_text(title).click()
        settle(page)
    return box


def _no_error(page: Any) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("[data-testid='stAlertContentError']").count() == 0


def test_a_workshop_walked_to_signature(almost: tuple[str, str], browser: Any) -> None:
    server, _ = almost
    mia = open_workshop(browser, server, "miamarketing")
    _view(mia, "Sign")
    expect(mia.get_by_text("Still missing:")).to_be_visible()
    expect(mia.get_by_text("The company's name is not written")).to_be_visible()
    expect(mia.get_by_role("button", name="Ask for signatures (send to review)")).to_be_disabled()
    shot(mia, "workshop_incomplete")
    _view(mia, "Draft")
    goals = _expander(mia, GOALS, "Save this section")
    goals.locator("textarea").first.fill("Grow revenue 20 % in 2027 with fewer, better MQLs.")
    goals.get_by_role("button", name="Save this section").click()
    settle(mia)
    parties = _expander(mia, PARTIES, "Term (months)")
    parties.get_by_role("textbox", name="Company").fill("Acme Ltd")
    parties.get_by_role("spinbutton", name="Term (months)").fill("12")
    shot(mia, "workshop_parties")
    parties.get_by_role("button", name="Save this section").click()
    settle(mia)
    _no_error(mia)
    _view(mia, "Sign")
    expect(mia.get_by_text("Still missing:")).to_have_count(0)
    mia.get_by_role("button", name="Ask for signatures (send to review)").click()
    settle(mia)
    mia.get_by_role("button", name="Sign version 1 as Marketing manager").click()
    settle(mia)
    expect(mia.get_by_text("Signed by you on")).to_be_visible()
    _no_error(mia)

    sam = open_workshop(browser, server, "samsales")
    _view(sam, "Sign")
    sam.get_by_role("button", name="Sign version 1 as Sales manager").click()
    settle(sam)
    expect(sam.get_by_text("This version is fully signed.")).to_be_visible()
    shot(sam, "workshop_signed")
    _view(sam, "Export and verify")
    sam.get_by_role("button", name="Prepare the PDF and Markdown").click()
    settle(sam)
    expect(sam.get_by_text("Version 1, signed and in force.")).to_be_visible()
    with sam.expect_download() as download:
        sam.get_by_role("button", name="Download the PDF").click()
    data = Path(download.value.path()).read_bytes()
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert "Acme Ltd" in text and "12 months" in text and "Name: Sam Sales" in text
    assert "DRAFT" not in text
    _no_error(sam)


def test_a_voided_signer_sees_what_changed_since_signing(
    almost: tuple[str, str], browser: Any
) -> None:
    server, url = almost
    engine = db.make_engine(url)
    with session_scope(engine) as session:
        version = complete(session, agreement.working_version(session=session).id or 0)
        people = {u.username: u for u in session.exec(select(User)).all()}
        signing.sign(
            session=session, version_id=version.id or 0, seen_hash=version.content_hash,
            actor=people["samsales"],
        )  # fmt: skip
        sections.save_section(
            session=session, version_id=version.id or 0,
            revision=agreement.working_version(session=session).revision,
            section="workshop.company_goals", base=COMPLETE["workshop"]["company_goals"],
            value="We agree to grow 20 % in 2027.", actor=people["miamarketing"],
        )  # fmt: skip
    engine.dispose()
    sam = open_workshop(browser, server, "samsales")
    expect(sam.get_by_text("after you signed it: your signature was voided")).to_be_visible()
    expect(sam.get_by_text("What changed since I signed")).to_be_visible()
    shot(sam, "workshop_voided_notice")
    _no_error(sam)
    sam.get_by_role("button", name="Got it").click()
    settle(sam)
    expect(sam.get_by_text("What changed since I signed")).to_have_count(0)
    _view(sam, "Changes and diff")
    sam.get_by_text("Between saved revisions of version 1").click()
    settle(sam)
    expect(sam.get_by_text("2. Goals and stakeholders")).to_be_visible()
    shot(sam, "workshop_revision_diff")
    _no_error(sam)
