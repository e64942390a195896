"""Issue 18.2: e-mail addresses are checked by one rule wherever they enter (import, the
`users` CLI, the Users page, first-run setup); a line break never reaches a stored address."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from sla_core.access import system_actor
from sla_core.db import session_scope
from sla_core.importing import ImportOptions
from sla_core.importing.run import run_import
from sla_core.models import Role, User
from sla_core.people import first_run, users
from tests.test_pages_trust import app_db, template_db, users_page  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parents[1]
INJECTED = "x@evil.example\nBcc: victim@evil.example"
BAD = [
    (INJECTED, "line break"),
    ("x@evil.example\r\nBcc: v@evil.example", "line break"),
    ("notanemail", "not an e-mail address"),
    ("Name <a@example.com>", "not an e-mail address"),
    ("a@example.com, b@example.com", "not an e-mail address"),
    ("a@example", "not an e-mail address"),
    ("a\x00@example.com", "control character"),
    ("a" * 100_000 + "@example.com", "longer than 254"),
]


@pytest.mark.parametrize(("value", "why"), BAD)
def test_one_rule_refuses_what_is_not_one_plain_address(value: str, why: str) -> None:
    problem = users.address_problem(value)
    assert problem is not None and why in problem
    assert len(problem) < 200  # a 100 kB value is not echoed back


@pytest.mark.parametrize("value", ["rep@example.com", "a.b+sla@mail.ex-ample.co.uk"])
def test_plain_addresses_pass_and_are_stored_trimmed_in_lower_case(value: str) -> None:
    assert users.address_problem(value) is None
    assert users.clean_address(f"  {value.upper()} ") == value.lower()
    assert users.clean_address("  ") is None


@pytest.mark.parametrize(("value", "why"), BAD[:3])
def test_users_add_and_set_email_refuse_a_bad_address(engine: Engine, value: str, why: str) -> None:
    with pytest.raises(users.UserError, match=why), session_scope(engine) as session:
        users.create_user(session=session, username="rep", name="Rep", role=Role.SALES_REP,
                          email=value, actor=system_actor())  # fmt: skip
    with session_scope(engine) as session:
        users.create_user(session=session, username="rep", name="Rep", role=Role.SALES_REP,
                          email="rep@example.com", actor=system_actor())  # fmt: skip
    with pytest.raises(users.UserError, match=why), session_scope(engine) as session:
        users.set_email(session=session, username="rep", email=value, actor=system_actor())
    with session_scope(engine) as session:
        assert session.exec(select(User.email)).all() == ["rep@example.com"]
        users.set_email(
            session=session, username="rep", email=" New@Example.com", actor=system_actor()
        )
    with session_scope(engine) as session:
        assert session.exec(select(User.email)).all() == ["new@example.com"]


def test_first_run_setup_refuses_notanemail_and_stays_open(engine: Engine) -> None:
    with pytest.raises(users.UserError, match="not an e-mail"), session_scope(engine) as session:
        first_run.create_first_admin(actor=system_actor(), session=session, username="boss",
                                     name="Bea", email="notanemail", password="Boss#2026x",
                                     password_again="Boss#2026x")  # fmt: skip
    with session_scope(engine) as session:
        assert not first_run.is_set_up(session=session)
        assert session.exec(select(User)).all() == []


def _cli(engine: Engine, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    return subprocess.run([sys.executable, "-m", "sla_core", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)  # fmt: skip


def test_the_users_cli_refuses_a_bad_address_in_one_line(engine: Engine) -> None:
    bad = _cli(engine, "users", "add", "rep", "--role", "sales_rep", "--email", INJECTED)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr + bad.stdout
    assert "line break" in bad.stdout + bad.stderr
    added = _cli(engine, "users", "add", "rep", "--role", "sales_rep", "--email", "r@example.com")
    assert added.returncode == 0, added.stderr
    refused = _cli(engine, "users", "set-email", "rep", "notanemail", "--json")
    assert refused.returncode == 1 and "not an e-mail" in json.loads(refused.stdout)["error"]
    fixed = _cli(engine, "users", "set-email", "rep", "Rep@Example.com", "--json")
    assert json.loads(fixed.stdout) == {"username": "rep", "email": "rep@example.com"}
    cleared = _cli(engine, "users", "set-email", "rep", "-")
    assert cleared.stdout.strip() == "rep: e-mail -"
    with session_scope(engine) as session:
        assert session.exec(select(User.email).where(User.username == "rep")).one() is None


def test_an_import_refuses_a_new_owner_whose_address_holds_a_line_break(engine: Engine) -> None:
    """The attack: an import names an owner by an address with an extra header in it. The
    row is refused, saying why; the other rows go in; nobody gets that address."""
    with session_scope(engine) as session:
        marketer = users.create_user(session=session, username="mo", name="Mo",
                                     role=Role.MARKETER, actor=system_actor())  # fmt: skip
        session.expunge(marketer)
    data = (
        "Email,Owner\n"
        f'a@x.io,"{INJECTED}"\n'
        "b@x.io,notanemail@\n"
        "c@x.io,Zed Zoe\n"
        "d@x.io,new.rep@example.com\n"
    ).encode()
    report = run_import(engine=engine, data=data, filename="leads.csv", actor=marketer,
                        options=ImportOptions())  # fmt: skip
    assert (report.new, report.rejected) == (2, 2)
    reasons = report.rejects["reason"].tolist()
    assert any("line break" in r for r in reasons) and any("not an e-mail" in r for r in reasons)
    with session_scope(engine) as session:
        emails = session.exec(select(User.email).where(col(User.email).is_not(None))).all()
        names = session.exec(select(User.username)).all()
    assert emails == ["new.rep@example.com"]
    assert sorted(names) == ["mo", "new.rep", "zed.zoe"]


def test_the_users_page_refuses_a_bad_address(app_db: Path) -> None:  # noqa: F811
    at = users_page(app_db, "admin")
    at.text_input(key="users_add_username").input("rep")
    at.text_input(key="users_add_email").input("notanemail")
    at.checkbox(key="users_add_no_login").check()
    at.button(key="users_add_submit").click().run()
    assert [e.value for e in at.error] == [
        "Nothing was changed: e\\-mail 'notanemail' is not an e\\-mail address like "
        "name@example\\.com."
    ]
