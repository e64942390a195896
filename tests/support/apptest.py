"""AppTest helpers every page test shares: template databases, sign-in, the navigation.

A template database is built once per test module (bcrypt makes users slow) and each test
gets a private copy of it (`private_copy`), with DATABASE_URL pointing there.
`template_db` and `app_url` are the common template (one user per role, three leads) as
fixtures: import them into a test module to use them.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from sla_core import db
from sla_core.access import system_actor
from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.models import Lead, Role, User
from sla_core.people import users
from ui.navigation import PAGES

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PASSWORD = "Secret#123"

# What app.py keeps in session state between runs (the sign-in), for `rerun_frame`.
FRAME_STATE = (
    "authentication_status",
    "username",
    "name",
    "email",
    "roles",
    "logout",
    "user",
    "app_logout_requested",
    "setup_done",
    "auth_session_id",
    "language",
)


def login_name(role: Role) -> str:
    """The username of the template's user of `role` (the role without "_")."""
    return role.value.replace("_", "")


def build_template(
    tmp_path_factory: pytest.TempPathFactory, name: str, fill: Callable[[Engine], None]
) -> Path:
    """A migrated SQLite file filled by `fill(engine)`, for private copies."""
    path = tmp_path_factory.mktemp(name) / "app.db"
    engine = db.make_engine(f"sqlite:///{path}")
    db.migrate(engine)
    fill(engine)
    engine.dispose()  # the last connection checkpoints the WAL into the file
    return path


def private_copy(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A private copy of the template database; DATABASE_URL points at it. Its URL."""
    path = tmp_path / "app.db"
    shutil.copyfile(template, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def one_user_per_role(engine: Engine, *, name: str = "Test {role}") -> dict[Role, int | None]:
    """Create a user of every role (username `login_name`, password PASSWORD); their ids."""
    with session_scope(engine) as session:
        return {
            role: users.create_user(
                actor=system_actor(),
                session=session,
                username=login_name(role),
                name=name.format(role=role.value),
                role=role,
                password=PASSWORD,
            ).id
            for role in Role
        }


def _common(engine: Engine) -> None:
    """One user per role and three leads: the rep's, the admin's and one unassigned."""
    ids = one_user_per_role(engine)
    with session_scope(engine) as session:
        at = now() - timedelta(days=1)
        owners = (("own", ids[Role.SALES_REP]), ("other", ids[Role.ADMIN]), ("none", None))
        for key, owner in owners:
            session.add(
                Lead(
                    lead_key=key,
                    first_name=key,
                    last_name="<b>Lead</b>",
                    email=f"{key}@example.com",
                    stage="mql",
                    source="webinar",
                    owner_id=owner,
                    created_at=at,
                    mql_at=at,
                    assigned_at=at if owner else None,
                    updated_at=at,
                )
            )


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with one user per role and three leads, built once (bcrypt is slow)."""
    return build_template(tmp_path_factory, "template", _common)


@pytest.fixture
def app_url(template_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A private copy of the template database; DATABASE_URL points at it."""
    return private_copy(template_db, tmp_path, monkeypatch)


def button(at: AppTest, label: str) -> Any:
    """The first button labelled `label`."""
    return next(b for b in at.button if b.label == label)


def sign_in(username: str, password: str = PASSWORD) -> AppTest:
    """A fresh app.py session signed in as `username`."""
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    return button(at, "Sign in").click().run()  # type: ignore[no-any-return]


def rerun_frame(at: AppTest) -> AppTest:
    """Run app.py again with this session's sign-in state (a rerun of the frame itself)."""
    fresh = AppTest.from_file(APP, default_timeout=30)
    for key in FRAME_STATE:
        if key in at.session_state:
            fresh.session_state[key] = at.session_state[key]
    return fresh.run()


def registered_in_app() -> list[str]:
    """Every page file the registry (ui.navigation.PAGES) knows."""
    return [spec.path for spec in PAGES]


def navigation(at: AppTest) -> set[str]:
    """The page files app.py registered with st.navigation in the last full run.

    AppTest.switch_page accepts exactly those (it refuses a file the navigation does not
    hold); the probe leaves the session on the default page, Overview.
    """
    shown = set()
    for page in registered_in_app():
        try:
            at.switch_page(page)
        except ValueError:
            continue
        shown.add(page)
    at.switch_page("pages/overview.py")
    return shown


def speak_everyone(url: str, language: str) -> None:
    """Every user of the database at `url` reads `language` from their next sign-in."""
    engine = db.make_engine(url)
    with session_scope(engine) as session:
        for user in session.exec(select(User)).all():
            user.language = language
            session.add(user)
    engine.dispose()
