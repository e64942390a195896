import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def cli(*args, url):
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "sla_core", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_migrate_and_users_round_trip(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert cli("migrate", url=url).returncode == 0
    added = cli(
        "users", "add", "dana", "--role", "sales_manager", "--name", "Dana", "--json", url=url
    )
    assert added.returncode == 0, added.stderr
    password = json.loads(added.stdout)["password"]
    listed = json.loads(cli("users", "list", "--json", url=url).stdout)
    assert listed == [
        {
            "username": "dana",
            "name": "Dana",
            "email": None,
            "role": "sales_manager",
            "team": None,
            "active": True,
            "can_sign_in": True,
        }
    ]
    reset = json.loads(cli("users", "set-password", "dana", "--json", url=url).stdout)
    assert reset["password"] != password


def test_bad_role_change_is_one_clear_line(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    result = cli("users", "set-role", "ghost", "viewer", url=url)
    assert result.returncode == 1
    assert result.stderr.strip() == "error: no user named 'ghost'"


def test_unreachable_database_is_one_line_no_traceback():
    result = cli("migrate", url="postgresql://nobody@127.0.0.1:1/none")
    assert result.returncode == 2
    assert result.stderr.startswith("error: cannot reach the database")
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_malformed_database_url_is_one_line():
    result = cli("migrate", url="mysql-ish:/nope")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_json_errors_are_json_with_the_same_status(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    result = cli("users", "set-role", "ghost", "viewer", "--json", url=url)
    assert result.returncode == 1
    assert json.loads(result.stdout) == {"error": "no user named 'ghost'"}
    unreachable = cli("migrate", "--json", url="postgresql://nobody@127.0.0.1:1/none")
    assert unreachable.returncode == 2
    assert json.loads(unreachable.stdout)["error"].startswith("cannot reach the database")


def test_a_password_given_on_the_command_line_is_never_printed(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    added = cli("users", "add", "erin", "--role", "viewer", "--password", "Given#2026", url=url)
    reset = cli("users", "set-password", "erin", "--password", "Other#2026", url=url)
    as_json = cli("users", "set-password", "erin", "--password", "Third#2026", "--json", url=url)
    for result in (added, reset, as_json):
        assert result.returncode == 0, result.stderr
        assert "#2026" not in result.stdout + result.stderr
    assert "password" not in json.loads(as_json.stdout)


def test_users_are_placed_in_teams(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    cli("demo", "--leads", "20", url=url)
    added = cli(
        "users", "add", "finn", "--role", "sales_rep", "--team", "Enterprise Sales", url=url
    )
    assert added.returncode == 0, added.stderr
    moved = cli("users", "set-team", "finn", "Nowhere", "--json", url=url)
    assert moved.returncode == 1 and "no team named 'Nowhere'" in json.loads(moved.stdout)["error"]
    listed = {
        r["username"]: r["team"] for r in json.loads(cli("users", "list", "--json", url=url).stdout)
    }
    assert listed["finn"] == "Enterprise Sales"
    assert cli("users", "set-team", "finn", "-", url=url).returncode == 0
    listed = {
        r["username"]: r["team"] for r in json.loads(cli("users", "list", "--json", url=url).stdout)
    }
    assert listed["finn"] is None


def _exports_on_record(url):
    from sqlmodel import Session, select

    from sla_core import db
    from sla_core.agreement.export import EXPORT_ACTION
    from sla_core.models import AuditEntry

    engine = db.make_engine(url)
    try:
        with Session(engine) as session:
            query = select(AuditEntry).where(AuditEntry.action == EXPORT_ACTION)
            return len(session.exec(query).all())
    finally:
        engine.dispose()


def test_export_into_a_missing_folder_is_one_line_and_not_on_record(tmp_path):
    """Issue 18.15: the export was recorded although the file was never written."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    out = tmp_path / "missing" / "agreement.pdf"
    for extra in ((), ("--json",)):
        result = cli("export-pdf", "--out", str(out), *extra, url=url)
        assert result.returncode == 1
        assert "Traceback" not in result.stdout + result.stderr
        expected = f"cannot write {out}: the folder {out.parent} does not exist"
        if extra:
            assert json.loads(result.stdout) == {"error": expected}
        else:
            assert result.stderr.strip() == f"error: {expected}"
    # A Markdown copy that cannot be written stops the PDF too: both or neither.
    pdf = tmp_path / "agreement.pdf"
    both = cli("export-pdf", "--out", str(pdf), "--markdown", str(tmp_path), url=url)
    assert both.returncode == 1 and "Traceback" not in both.stderr
    assert not pdf.exists() and not list(tmp_path.glob("*.part"))
    assert _exports_on_record(url) == 0
    written = cli("export-pdf", "--out", str(pdf), url=url)
    assert written.returncode == 0, written.stderr
    assert pdf.read_bytes().startswith(b"%PDF") and _exports_on_record(url) == 1


def _main(monkeypatch, capsys, url, *words):
    from sla_core import cli as command_line

    monkeypatch.setenv("DATABASE_URL", url)
    status = command_line.main(list(words))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("period", ["0001-01", "9999-Q4"])
def test_standings_for_a_period_out_of_range_is_one_line(tmp_path, monkeypatch, capsys, period):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    status, _, err = _main(monkeypatch, capsys, url, "standings", "--period", period)
    assert status == 1
    assert err.strip() == (
        f"error: {period} is outside the dates LeadPact counts: 1 January 1900 to 31 December 2199"
    )
    status, out, _ = _main(monkeypatch, capsys, url, "standings", "--period", period, "--json")
    assert status == 1 and "outside the dates" in json.loads(out)["error"]


def test_standings_on_a_database_with_people_but_no_leads(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert _main(monkeypatch, capsys, url, "users", "add", "rita", "--role", "sales_rep")[0] == 0
    status, out, err = _main(monkeypatch, capsys, url, "standings", "--json")
    assert status == 0, err
    assert [row["person"] for row in json.loads(out)] == ["rita"]


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (["standings", "--bogus"], "unrecognized arguments: --bogus"),
        (["users", "add"], "the following arguments are required"),
        (["export-pdf", "--version", "x", "--out", "a.pdf"], "invalid int value: 'x'"),
        (["nope"], "invalid choice: 'nope'"),
    ],
)
def test_argument_errors_are_json_under_json(tmp_path, monkeypatch, capsys, words, message):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    status, out, err = _main(monkeypatch, capsys, url, *words, "--json")
    assert (status, err) == (2, "")
    assert message in json.loads(out)["error"]
    status, out, err = _main(monkeypatch, capsys, url, *words)
    assert (status, out) == (2, "")
    assert err.startswith("usage: ") and message in err


def test_users_unlock_lifts_a_lock(tmp_path):
    from sla_core import db
    from sla_core.db import session_scope
    from sla_core.people import signin

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert cli("migrate", url=url).returncode == 0
    cli("users", "add", "gus", "--role", "admin", "--password", "Gus#20261", url=url)
    engine = db.make_engine(url)
    for n in range(signin.LOCK_AFTER):  # from many addresses: only the account locks
        with session_scope(engine) as session:
            signin.attempt(session=session, username="gus", password="bad", client=f"10.0.1.{n}")
    with session_scope(engine) as session:
        locked = signin.attempt(
            session=session, username="gus", password="Gus#20261", client="10.0.0.9"
        )
    assert not locked.ok
    out = json.loads(cli("users", "unlock", "gus", "--json", url=url).stdout)
    assert out["username"] == "gus" and out["cleared"] >= 1
    with session_scope(engine) as session:
        assert signin.attempt(
            session=session, username="gus", password="Gus#20261", client="10.0.0.9"
        ).ok
    engine.dispose()
