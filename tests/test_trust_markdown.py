"""Issue 18.8, a meta-test: data never renders as Markdown, on any page, for any role.

A world whose lead fields, people's names, team names, comments, reasons and an import
file's headers carry Markdown and HTML payloads; every page each role may open is run,
and every element Streamlit renders as Markdown (markdown, captions, alerts, toasts,
titles, metric, expander, tab and widget labels and help) is checked: each payload shows
only in its escaped form, never as a raw image, link or tag.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from sla_core import agreement, db
from sla_core.access import system_actor
from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.models import (
    AgreementComment,
    Lead,
    LeadEvent,
    PointAdjustment,
    Role,
    Team,
    TeamKind,
    User,
)
from sla_core.people import users
from sla_core.periods import month_containing
from sla_core.stages import EventKind
from tests.support.apptest import PASSWORD, login_name, navigation, private_copy, sign_in

IMG = "![x](http://127.0.0.1:9/x.png)"
LINK = "[l](javascript:alert(1))"
TAG = "<img src=x onerror=alert(1)>"
PAYLOADS = (IMG, LINK, TAG)
# What must never reach a Markdown renderer unescaped.
RAW = re.compile(r"(?<!\\)!(?<!\\)\[|(?<!\\)\]\(|(?<!\\)<img")


def evil(label: str, payload: str) -> str:
    return f"{label} {payload}"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("markdown") / "app.db"
    engine = db.make_engine(f"sqlite:///{path}")
    db.migrate(engine)
    at = now() - timedelta(days=3)
    with session_scope(engine) as session:
        sales = Team(name=evil("Sales", IMG), kind=TeamKind.SALES)
        marketing = Team(name=evil("Marketing", LINK), kind=TeamKind.MARKETING)
        session.add_all([sales, marketing])
        session.flush()
        ids: dict[Role, int] = {}
        for n, role in enumerate(Role):
            user = users.create_user(
                actor=system_actor(), session=session, username=login_name(role),
                name="x", role=role, password=PASSWORD,
            )  # fmt: skip
            user.name = evil(role.value, PAYLOADS[n % 3])
            if role in (Role.SALES_REP, Role.SALES_MANAGER):
                user.team_id = sales.id
            if role in (Role.MARKETER, Role.MARKETING_MANAGER):
                user.team_id = marketing.id
            session.add(user)
            session.flush()
            assert user.id is not None
            ids[role] = user.id
        ghost = User(username=evil("ghost", TAG), name=evil("Ghost", IMG), role=Role.SALES_REP)
        session.add(ghost)
        version = agreement.ensure_agreement(session=session)
        session.flush()
        rep, marketer = ids[Role.SALES_REP], ids[Role.MARKETER]
        stages = ("mql", "mql", "disqualified", "won", "sql", "nurture")
        for n, stage in enumerate(stages):
            payload = PAYLOADS[n % 3]
            session.add(
                Lead(
                    lead_key=f"k{n}", email=f"k{n}@example.com",
                    first_name=evil("First", payload), last_name=evil("Last", TAG),
                    company=evil("Co", LINK), country=evil("Land", IMG),
                    industry=evil("Industry", payload), department=evil("Dept", TAG),
                    job_title=evil("Title", LINK), technographics=evil("Tech", IMG),
                    source=evil("Source", payload), campaign=evil("Campaign", TAG),
                    company_size=100, engagement=90, stage=stage,
                    disposition_reason=evil("Reason", IMG) if stage in ("disqualified", "nurture") else None,
                    owner_id=rep if n != 1 else ghost.id, marketer_id=marketer,
                    deal_value=1000.0 if stage == "won" else None, created_at=at,
                    mql_at=at, assigned_at=at, dispositioned_at=at if n > 1 else None,
                    closed_at=at if stage == "won" else None, updated_at=at,
                )
            )  # fmt: skip
        session.flush()
        for lead in session.exec(__import__("sqlmodel").select(Lead)).all():
            session.add(LeadEvent(lead_id=lead.id or 0, at=at, kind=EventKind.TOUCH,
                                  note=evil("Note", LINK), reason=evil("Why", TAG),
                                  actor_id=rep))  # fmt: skip
        session.add(AgreementComment(version_id=version.id or 0, section="workshop.company_goals",
                                     author_id=ids[Role.SALES_MANAGER], text=evil("Comment", IMG)))  # fmt: skip
        session.add(AgreementComment(version_id=version.id or 0, section="title",
                                     author_id=ids[Role.MARKETING_MANAGER], text=evil("Remark", TAG)))  # fmt: skip
        month = month_containing(now())
        session.add(PointAdjustment(period=month.label, calendar="gregorian", user_id=rep,
                                    points=5, reason=evil("Bonus", LINK),
                                    actor_id=ids[Role.SALES_MANAGER]))  # fmt: skip
    engine.dispose()
    return path


@pytest.fixture
def world(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    yield private_copy(template, tmp_path, monkeypatch)


def _texts(node: Any) -> Iterator[tuple[str, str]]:
    """(where, text) of everything under `node` that Streamlit renders as Markdown."""
    proto = getattr(node, "proto", None)
    kind = getattr(node, "type", "?")
    if proto is not None and kind not in ("text", "code", "json", "exception"):
        for field in ("body", "label", "help"):
            value = getattr(proto, field, None)
            if isinstance(value, str) and value:
                yield f"{kind}.{field}", value
        if kind in ("radio", "button_group"):
            for option in getattr(proto, "options", []):
                text = option if isinstance(option, str) else getattr(option, "content", "")
                if text:
                    yield f"{kind}.option", str(text)
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _texts(child)


def leaks(at: AppTest) -> list[tuple[str, str]]:
    """Markdown bodies holding a payload unescaped."""
    return [(where, text) for where, text in _texts(at._tree) if RAW.search(text)]


def shown(at: AppTest) -> str:
    return "\n".join(text for _where, text in _texts(at._tree))


@pytest.mark.parametrize("role", list(Role))
def test_no_page_renders_data_as_markdown(world: str, role: Role) -> None:
    at = sign_in(login_name(role))
    assert not at.exception, at.exception
    found = {"(sidebar)": leaks(at)}
    for page in sorted(navigation(at)):
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        found[page] = leaks(at)
    assert {page: bad for page, bad in found.items() if bad} == {}


def test_the_criteria_change_summary_escapes_an_imported_industry(world: str) -> None:
    at = sign_in("marketingmanager")
    at.switch_page("pages/criteria.py").run()
    box = next(m for m in at.multiselect if m.key and m.key.startswith("criteria_industry_"))
    box.set_value([*box.value, evil("Industry", IMG)]).run()
    assert not at.exception, at.exception
    assert leaks(at) == []
    from ui.widgets import plain

    assert plain(IMG) in shown(at)  # the change summary names it, escaped


def test_an_import_file_whose_headers_carry_markdown_stays_text(world: str) -> None:
    at = sign_in("marketer")
    at.switch_page("pages/import_leads.py").run()
    data = f"{IMG},{LINK},{TAG}\na,b,c\n".encode()
    at.file_uploader(key="import_file").upload(evil("f", LINK) + ".csv", data, "text/csv").run()
    assert not at.exception, at.exception
    assert at.error, "a file without a key column is refused in words"
    assert leaks(at) == []
    from ui.widgets import plain

    assert plain(IMG) in "\n".join(e.value for e in at.error)  # the headers, named as text
