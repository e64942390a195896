"""Outcome imports: a file of outcomes updates stored leads by key, leaves the columns it lacks
alone, can set one value for every row, and never leaves a lead inconsistent."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
from sqlalchemy.engine import Engine

from sla_core.access import system_actor
from sla_core.db import session_scope
from sla_core.importing import ImportOptions
from sla_core.importing.run import ImportReport, run_import
from sla_core.models import Role, User
from sla_core.people import users
from sla_core.store.snapshot import read_leads

ROOT = Path(__file__).resolve().parents[1]
LEADS = b"Email,Company,Stage,Create Date\na@x.io,Acme,opportunity,2024-01-05\nb@x.io,Beta,lead,2024-01-06\n"


def _admin(engine: Engine) -> User:
    with session_scope(engine) as session:
        user = users.create_user(
            actor=system_actor(), session=session, username="root", name="Root", role=Role.ADMIN
        )
        session.expunge(user)
    return user


def _import(engine: Engine, admin: User, data: bytes, **options: object) -> ImportReport:
    return run_import(
        engine=engine, data=data, filename="f.csv", actor=admin, options=ImportOptions(**options)
    )


def _lead(engine: Engine, email: str) -> pd.Series:
    return read_leads(engine).set_index("lead_key").loc[email]


def test_an_outcome_file_updates_stored_leads_and_keeps_what_it_lacks(engine: Engine) -> None:
    admin = _admin(engine)
    with session_scope(engine) as session:  # a placed rep: an owner routing may hand to
        users.create_user(
            actor=system_actor(),
            session=session,
            username="sam",
            name="Sam Rep",
            role=Role.SALES_REP,
            password="samrep123",
        )
    _import(engine, admin, LEADS)
    outcomes = b"Email,Won date,Deal value,Owner\na@x.io,2024-03-01,12500,Sam Rep\n"
    report = _import(engine, admin, outcomes, constants={"stage": "won"}, update_only=True)
    assert (report.new, report.changed, report.rejected) == (0, 1, 0)
    lead = _lead(engine, "a@x.io")
    assert (lead["stage"], lead["deal_value"], lead["company"]) == ("won", 12500.0, "Acme")
    assert lead["closed_at"] == pd.Timestamp("2024-03-01", tz="UTC")
    assert lead["created_at"] == pd.Timestamp("2024-01-05", tz="UTC")
    assert lead["owner_id"] is not None and not pd.isna(lead["owner_id"])
    assert _lead(engine, "b@x.io")["stage"] == "lead"  # not in the file: untouched


def test_an_outcome_for_a_key_not_stored_is_rejected_not_added(engine: Engine) -> None:
    admin = _admin(engine)
    _import(engine, admin, LEADS)
    outcomes = b"Email,Won date\nnew@x.io,2024-03-01\na@x.io,2024-03-02\n"
    report = _import(engine, admin, outcomes, constants={"stage": "won"}, update_only=True)
    assert (report.new, report.changed) == (0, 1)
    assert report.rejects[["line", "column", "value", "reason"]].to_dict("records") == [
        {
            "line": 2,
            "column": "lead_key",
            "value": "new@x.io",
            "reason": "no stored lead has this key (an outcome file only updates stored leads)",
        }
    ]
    assert report.rejects["raw"].tolist() == ["new@x.io,2024-03-01"]
    assert len(read_leads(engine)) == 2


def test_a_close_date_on_an_open_stage_is_rejected(engine: Engine) -> None:
    admin = _admin(engine)
    _import(engine, admin, LEADS)
    report = _import(engine, admin, b"Email,Close Date\nb@x.io,2024-03-01\n")
    assert report.rejects[["line", "column", "reason"]].to_dict("records") == [
        {"line": 2, "column": "Close Date", "reason": "a close date on an open stage"}
    ]
    assert pd.isna(_lead(engine, "b@x.io")["closed_at"])


def test_won_without_a_close_date_is_rejected_or_dated_today_as_chosen(engine: Engine) -> None:
    admin = _admin(engine)
    _import(engine, admin, LEADS)
    # a: opportunity -> won is a move the lifecycle allows (b, a lead, could not be won)
    report = _import(engine, admin, b"Email,Stage\na@x.io,won\n")
    assert report.rejects["reason"].tolist() == [
        "won or lost without a close date (map the close date, or date such outcomes today)"
    ]
    assert _lead(engine, "a@x.io")["stage"] == "opportunity"
    dated = _import(engine, admin, b"Email,Stage\na@x.io,won\n", undated_outcomes="today")
    assert (dated.changed, dated.rejected) == (1, 0)
    lead = _lead(engine, "a@x.io")
    assert lead["stage"] == "won" and lead["closed_at"] > pd.Timestamp("2025-01-01", tz="UTC")
    again = _import(engine, admin, b"Email,Stage\na@x.io,won\n", undated_outcomes="today")
    assert again.summary() == "0 new, 0 changed, 1 unchanged, 0 rejected"


def test_a_new_lead_that_would_be_inconsistent_is_rejected_too(engine: Engine) -> None:
    admin = _admin(engine)
    report = _import(
        engine, admin, b"Email,Stage,Close Date\nc@x.io,mql,2024-03-01\nd@x.io,won,2024-03-02\n"
    )
    assert (report.new, report.rejects["line"].tolist()) == (1, [2])
    assert read_leads(engine)["lead_key"].tolist() == ["d@x.io"]


def test_cli_set_and_update_only_import_an_outcome_file(engine: Engine, tmp_path: Path) -> None:
    admin = _admin(engine)
    _import(engine, admin, LEADS)
    path = tmp_path / "won.csv"
    path.write_text("Email,Won date,Deal value\na@x.io,2024-03-01,900\nzz@x.io,2024-03-01,5\n")
    env = {**os.environ, "DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sla_core",
            "import",
            str(path),
            "--set",
            "stage=won",
            "--update-only",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 3, done.stderr
    assert "0 new, 1 changed, 0 unchanged, 1 rejected" in done.stdout
    assert "no stored lead has this key" in done.stdout
    assert (_lead(engine, "a@x.io")["stage"], _lead(engine, "a@x.io")["deal_value"]) == (
        "won",
        900.0,
    )
