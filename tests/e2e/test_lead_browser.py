"""A real browser: a rep opens a lead from the work queue by clicking its row, logs a call
and disqualifies it on the lead page; the lead's address works directly, before sign-in;
a manager reads the same page and the Leads table at 1,400 px."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from sla_core import db
from sla_core.access import system_actor
from sla_core.db import session_scope
from sla_core.models import Lead, LeadEvent, Role, User
from sla_core.people import users
from tests.e2e.steps import go_to, open_page, pick, settle, sign_in
from tests.slaframes import QUALIFYING

PASSWORD = "Sales#2026x"
SHOTS = Path(os.environ.get("LEADPACT_SHOTS", "/tmp"))
WORLD_NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
TABLE = "[data-testid='stDataFrame']"


def seed(url: str) -> int:
    """Rita's MQL Fiona Fresh, handed to her five hours ago; Sam's older lead. Fiona's id."""
    engine = db.make_engine(url)
    db.migrate(engine)
    with session_scope(engine) as session:
        for username, name, role in (("admin", "Ada Admin", Role.ADMIN),
                                     ("mia", "Mia Manager", Role.SALES_MANAGER),
                                     ("rita", "Rita Rep", Role.SALES_REP),
                                     ("sam", "Sam Rep", Role.SALES_REP)):  # fmt: skip
            users.create_user(actor=system_actor(), session=session, username=username,
                              name=name, role=role, password=PASSWORD)  # fmt: skip
        owners = {u.username: u.id for u in session.exec(select(User)).all()}
        for key, first, owner, age in (("fresh", "Fiona", "rita", timedelta(hours=5)),
                                       ("old", "Otto", "sam", timedelta(days=8))):  # fmt: skip
            at = WORLD_NOW - age
            session.add(Lead(lead_key=key, first_name=first, last_name=key.title(), stage="mql",
                             company=f"{first} GmbH", email=f"{key}@example.com",
                             owner_id=owners[owner], created_at=at, mql_at=at, assigned_at=at,
                             updated_at=at, source="webinar", **QUALIFYING))  # fmt: skip
        session.flush()
        fresh = session.exec(select(Lead.id).where(Lead.lead_key == "fresh")).one()
    engine.dispose()
    return int(fresh or 0)


@pytest.fixture
def world(tmp_path: Path, start_app: Callable[..., str]) -> tuple[str, str, int]:
    url = f"sqlite:///{tmp_path / 'lead.db'}"
    fresh = seed(url)
    return start_app(url, clock=WORLD_NOW), url, fresh


def click_first_row(page: Any) -> None:
    """Click the first data row of the first table (its row marker, left of the cells)."""
    box = page.locator(TABLE).first.bounding_box()
    page.mouse.click(box["x"] + 12, box["y"] + 35 + 17)


def test_queue_to_lead_page_then_a_call_and_a_disposition(world: tuple[str, str, int],
                                                          browser: Any) -> None:  # fmt: skip
    server, url, fresh = world
    rep = open_page(browser, server)
    sign_in(rep, "rita", PASSWORD)
    go_to(rep, "Work queue", rep.locator(TABLE).first)
    click_first_row(rep)
    rep.get_by_role("heading", name="Fiona Fresh").first.wait_for()  # a rerun may draw it twice
    settle(rep)
    assert f"id={fresh}" in rep.url
    rep.get_by_text("Make the first touch").wait_for()
    rep.screenshot(path=str(SHOTS / "lead_rep_before.png"), full_page=True)

    rep.get_by_role("button", name="Call").click()
    rep.get_by_text(f"Call logged on #{fresh} Fiona Fresh.").wait_for()
    settle(rep)
    pick(rep, rep.locator("[data-testid='stSelectbox']").filter(has_text="Reason"), "No budget")
    settle(rep)
    rep.get_by_role("button", name="Save disposition").click()
    rep.get_by_text(f"Disposition saved for #{fresh} Fiona Fresh.").wait_for()
    rep.get_by_text("Nothing: the lead is closed.").wait_for()
    settle(rep)
    rep.screenshot(path=str(SHOTS / "lead_rep_after.png"), full_page=True)
    assert rep.locator("[data-testid='stException']").count() == 0

    engine = db.make_engine(url)
    with session_scope(engine) as session:
        lead = session.exec(select(Lead).where(Lead.id == fresh)).one()
        kinds = session.exec(select(LeadEvent.kind).where(LeadEvent.lead_id == fresh)).all()
    engine.dispose()
    assert (lead.stage, lead.disposition_reason, lead.touches) == ("disqualified", "No budget", 1)
    assert kinds == ["touch", "disposition"]


def test_the_address_opens_the_lead_after_sign_in_and_a_manager_reads_it(
    world: tuple[str, str, int], browser: Any
) -> None:
    server, _url, fresh = world
    manager = open_page(browser, f"{server}/lead?id={fresh}")
    sign_in(
        manager, "mia", PASSWORD, ready=manager.get_by_role("heading", name="Fiona Fresh").first
    )
    assert manager.locator("[data-testid='stException']").count() == 0
    manager.screenshot(path=str(SHOTS / "lead_manager.png"), full_page=True)
    manager.get_by_role("button", name="Save disposition").scroll_into_view_if_needed()
    manager.screenshot(path=str(SHOTS / "lead_manager_actions.png"), full_page=True)
    go_to(manager, "Leads", "Leads")
    manager.locator(TABLE).first.wait_for()
    settle(manager)
    manager.screenshot(path=str(SHOTS / "leads_manager.png"), full_page=True)

    rep = open_page(browser, f"{server}/lead?id={fresh + 1}")  # Sam's lead
    sign_in(rep, "rita", PASSWORD, ready=rep.get_by_text("belongs to another rep"))
    rep.screenshot(path=str(SHOTS / "lead_refused.png"), full_page=True)


def test_a_persian_reader_gets_the_lead_page_right_to_left(
    world: tuple[str, str, int], browser: Any
) -> None:
    server, url, fresh = world
    engine = db.make_engine(url)
    with session_scope(engine) as session:
        rita = session.exec(select(User).where(User.username == "rita")).one()
        rita.language = "fa"
        session.add(rita)
    engine.dispose()
    rep = open_page(browser, f"{server}/lead?id={fresh}")
    sign_in(rep, "rita", PASSWORD, ready=rep.get_by_role("heading", name="Fiona Fresh").first)
    rep.get_by_text("گام بعدی").wait_for()
    settle(rep)
    assert rep.locator("[data-testid='stException']").count() == 0
    rep.wait_for_timeout(3000)  # the tables draw on a canvas a moment after the page
    rep.screenshot(path=str(SHOTS / "lead_rep_fa.png"), full_page=True)
