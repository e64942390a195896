import json
import os
import subprocess
import sys
from pathlib import Path

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


def test_users_unlock_lifts_a_lock(tmp_path):
    from sla_core import db, signin
    from sla_core.db import session_scope

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
