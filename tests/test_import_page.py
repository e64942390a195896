"""The Import page renders for those who may import, refuses others, and lists past imports."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sla_core import db
from sla_core.access import system_actor
from sla_core.db import session_scope
from sla_core.importing import ImportOptions
from sla_core.importing.run import run_import
from sla_core.models import Role, User
from sla_core.people import sessions, users

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "import_leads.py")


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    address = f"sqlite:///{tmp_path / 'page.db'}"
    monkeypatch.setenv("DATABASE_URL", address)
    engine = db.make_engine(address)
    db.migrate(engine)
    engine.dispose()
    yield address


def _person(url: str, role: Role) -> User:
    engine = db.make_engine(url)
    with session_scope(engine) as session:
        user = users.create_user(
            actor=system_actor(), session=session, username=role.value, name="Pat", role=role
        )
        user_id = user.id or 0
        session.expunge(user)
        # the page checks the browser's sign-in session is live: give it one
        _SESSIONS[user_id] = sessions.start(session=session, user_id=user_id).id
    engine.dispose()
    return user


_SESSIONS: dict[int, str] = {}


def _page(user: User) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.session_state["user"] = {
        "id": user.id,
        "username": user.username,
        "name": user.name,
        "role": str(user.role),
    }
    at.session_state["auth_session_id"] = _SESSIONS[user.id or 0]
    return at.run()


@pytest.mark.parametrize("role", [Role.MARKETER, Role.MARKETING_MANAGER, Role.ADMIN])
def test_page_renders_for_roles_that_may_import(url: str, role: Role) -> None:
    at = _page(_person(url, role))
    assert not at.exception
    assert at.title[0].value == "Import leads"
    assert at.get("file_uploader")  # the mapping is proposed once a file is uploaded
    assert not at.error


@pytest.mark.parametrize("role", [Role.SALES_REP, Role.VIEWER, Role.SALES_MANAGER])
def test_page_refuses_roles_that_may_not_import(url: str, role: Role) -> None:
    at = _page(_person(url, role))
    assert "may import leads" in at.error[0].value
    assert not at.title


def test_past_imports_are_listed_with_a_rejects_download(url: str) -> None:
    user = _person(url, Role.MARKETER)
    engine = db.make_engine(url)
    run_import(
        engine=engine,
        data=b"Email,Name\nok@x.io,<b>Bo</b>\nbad,=HYPERLINK(1)\n",
        filename="week.csv",
        actor=user,
        options=ImportOptions(),
    )
    engine.dispose()
    at = _page(user)
    assert not at.exception
    history = at.dataframe[0].value
    assert history[["file", "new", "rejected"]].values.tolist() == [["week.csv", 1, 1]]
    assert at.selectbox(key="import_history_batch").value == history["id"].iloc[0]
