"""AppTest, issues 12 and 13.2: data shown through Markdown is never rendered; deep links
and role refusals. (A database going away is tested in a real browser: AppTest runs pages
outside app.py's guard.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from sla_core import db
from sla_core.access import system_actor
from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.models import Lead, Role
from sla_core.people import sessions, users
from tests.support.apptest import PASSWORD, ROOT, build_template, private_copy
from ui.widgets import plain


def seed(engine) -> None:  # type: ignore[no-untyped-def]
    with session_scope(engine) as session:
        for name, role in (("admin", Role.ADMIN), ("viewer", Role.VIEWER)):
            users.create_user(
                session=session,
                username=name,
                name=name.title(),
                role=role,
                password=PASSWORD,
                actor=system_actor(),
            )


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory, "trust", seed)


@pytest.fixture
def app_db(template_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    private_copy(template_db, tmp_path, monkeypatch)
    return tmp_path / "app.db"


def one_clear_line(at: AppTest) -> str:
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "\n" not in errors[0], errors
    return str(errors[0])


EVIL_OWNER = "![x](http://127.0.0.1:9/p.png)"


def test_owner_values_and_file_names_are_never_rendered_as_markdown(app_db: Path) -> None:
    """Issue 12.6: an owner value that is a Markdown image stays text on the Import page."""
    from sla_core.importing.run import run_import

    engine = db.make_engine(f"sqlite:///{app_db}")
    with session_scope(engine) as session:
        admin = users.get_by_username(session=session, username="admin")
        session.expunge_all()
    assert admin is not None
    data = f"Email,Owner\nann@example.com,{EVIL_OWNER}\n".encode()
    report = run_import(engine=engine, data=data, filename="[a](http://x).csv", actor=admin)
    engine.dispose()
    at = AppTest.from_file(str(ROOT / "pages" / "import_leads.py"), default_timeout=30)
    at.session_state["user"] = {"id": admin.id, "username": "admin", "name": "A", "role": "admin"}
    with session_scope(engine) as session:
        at.session_state["auth_session_id"] = sessions.start(session=session, user_id=admin.id).id
    at.session_state["import_report"] = report
    at.run()
    assert not at.exception
    shown = [i.value for i in at.info] + [s.value for s in at.subheader]
    markdown = "\n".join(str(v) for v in shown)
    assert "Added without a login" in markdown and "Report" in markdown
    assert "![" not in markdown and "](" not in markdown
    assert plain(EVIL_OWNER) in markdown


@pytest.mark.parametrize(
    ("data", "escaped"),
    [
        ("![x](http://127.0.0.1:9/p.png)", r"\!\[x\]\(http\://127\.0\.0\.1\:9/p\.png\)"),
        ("<img src=x>", r"\<img src=x\>"),
        (":red[boo] :material/home:", r"\:red\[boo\] \:material/home\:"),
        ("**bold** _it_ `code` $x$", r"\*\*bold\*\* \_it\_ \`code\` \$x\$"),
        ("Ana María", "Ana María"),
    ],
)
def test_plain_escapes_markdown(data: str, escaped: str) -> None:
    assert plain(data) == escaped


def users_page(app_db: Path, username: str) -> AppTest:
    engine = db.make_engine(f"sqlite:///{app_db}")
    with session_scope(engine) as session:
        user = users.get_by_username(session=session, username=username)
        assert user is not None
        signed = {"id": user.id, "username": username, "name": user.name, "role": str(user.role)}
        session_id = sessions.start(session=session, user_id=user.id or 0).id
    engine.dispose()
    at = AppTest.from_file(str(ROOT / "pages" / "users.py"), default_timeout=30)
    at.session_state["user"] = signed
    at.session_state["auth_session_id"] = session_id
    return at.run()


def test_admin_merges_an_imported_person_on_the_users_page(app_db: Path) -> None:
    engine = db.make_engine(f"sqlite:///{app_db}")
    with session_scope(engine) as session:
        ghost = users.create_unplaced_person(
            session=session, username="m.miller", name="M", role=Role.SALES_REP, email=None,
            actor=system_actor(),
        )  # fmt: skip
        session.add(Lead(lead_key="k", stage="mql", owner_id=ghost.id, created_at=now()))
    at = users_page(app_db, "admin")
    assert at.selectbox(key="users_tidy_user").options == ["m.miller"]
    at.selectbox(key="users_tidy_into").select("viewer")
    at.button(key="users_tidy_merge").click().run()
    assert not at.exception and not at.error
    assert [s.value for s in at.success] == ["m\\.miller merged into viewer; 1 leads moved."]
    with session_scope(engine) as session:
        viewer = users.get_by_username(session=session, username="viewer")
        assert viewer is not None
        assert session.exec(select(Lead.owner_id)).one() == viewer.id
    engine.dispose()


def test_a_page_your_role_may_not_open_says_so(app_db: Path) -> None:
    at = users_page(app_db, "viewer")
    assert [e.value for e in at.error] == ["Users is for admins."]
