"""First run: the first admin, and the demo sign-in sheet."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy.engine import Engine

from sla_core.access import system_actor
from sla_core.db import session_scope
from sla_core.models import Role
from sla_core.people import first_run, users


def test_first_admin_is_created_once(engine: Engine) -> None:
    with session_scope(engine) as session:
        first_run.create_first_admin(
            actor=system_actor(),
            session=session,
            username="Boss",
            name="Bea",
            email="",
            password="Boss#2026x",
            password_again="Boss#2026x",
        )
    with session_scope(engine) as session, pytest.raises(users.UserError, match="already set up"):
        first_run.create_first_admin(
            actor=system_actor(),
            session=session,
            username="other",
            name="Other",
            email=None,
            password="Boss#2026x",
            password_again="Boss#2026x",
        )
    with session_scope(engine) as session:
        boss = users.get_by_username(session=session, username="boss")
        assert boss is not None and boss.role == Role.ADMIN and boss.email is None


def test_first_admin_needs_the_same_password_twice(engine: Engine) -> None:
    with session_scope(engine) as session, pytest.raises(users.UserError, match="differ"):
        first_run.create_first_admin(
            actor=system_actor(),
            session=session,
            username="boss",
            name="Bea",
            email=None,
            password="Boss#2026x",
            password_again="Boss#2026y",
        )
    with session_scope(engine) as session:
        assert users.list_users(session=session) == []


def test_login_sheet_orders_by_role_and_names_people() -> None:
    people = pd.DataFrame(
        {
            "username": ["rita", "mo", "ann"],
            "name": ["Rita Rep", "Mo Manager", "Ann Admin"],
            "role": ["sales_rep", "sales_manager", "admin"],
            "team": ["North", "North", None],
        }
    )
    sheet = first_run.login_sheet({"rita": "pw-r", "mo": "pw-m"}, people)
    assert sheet.columns.tolist() == ["username", "name", "role", "team", "password"]
    assert sheet[["username", "role", "password"]].values.tolist() == [
        ["mo", "sales_manager", "pw-m"],
        ["rita", "sales_rep", "pw-r"],
    ]
