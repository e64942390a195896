"""Imports end to end: real files in, counts out; re-import changes nothing; all or nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from sla_core.access import PermissionDenied, system_actor
from sla_core.db import session_scope
from sla_core.importing import ImportOptions
from sla_core.importing.run import ImportFailed, batch_rejects, list_imports, run_import
from sla_core.importing.saved import bundled_mapping, list_mappings, load_mapping, save_mapping
from sla_core.models import ImportBatch, LeadEvent, Role, User
from sla_core.people import users
from sla_core.store.snapshot import read_leads
from tests.conftest import REALDATA_SAMPLES, full_realdata

ROOT = Path(__file__).resolve().parents[1]


def _user(engine: Engine, role: Role = Role.MARKETER, username: str = "mo") -> User:
    with session_scope(engine) as session:
        user = users.create_user(
            actor=system_actor(),
            session=session,
            username=username,
            name=username.title(),
            role=role,
        )
        session.flush()
        session.expunge(user)
    return user


def _run(engine: Engine, data: bytes, user: User, **options) -> object:
    return run_import(
        engine=engine, data=data, filename="leads.csv", actor=user, options=ImportOptions(**options)
    )


# (file, rows, stages) for the small cut in tests/fixtures/realdata and the full file.
X_EDUCATION_FILES = [
    pytest.param("sample", 300, {"lead": 196, "won": 104}, id="sample"),
    pytest.param("x_education/Leads.csv", 9240, {"lead": 5679, "won": 3561}, id="full"),
]
MAVEN_FILES = [
    pytest.param(
        "sample", 220, {"won": 102, "lost": 70, "opportunity": 36, "sql": 12}, id="sample"
    ),
    pytest.param(
        "maven_crm/sales_pipeline.csv",
        8800,
        {"won": 4238, "lost": 2473, "opportunity": 1589, "sql": 500},
        id="full",
    ),
]


def _x_education(which: str) -> Path:
    if which == "sample":
        return REALDATA_SAMPLES / "x_education_leads_sample.csv"
    return full_realdata(which)


def _maven(which: str) -> Path:
    if which == "sample":
        return REALDATA_SAMPLES / "maven_sales_pipeline_sample.csv"
    return full_realdata(which)


@pytest.mark.parametrize(("which", "rows", "stages"), X_EDUCATION_FILES)
def test_x_education_imports_through_its_saved_mapping(
    engine: Engine, which: str, rows: int, stages: dict[str, int]
) -> None:
    path = _x_education(which)
    user = _user(engine)
    with session_scope(engine) as session:
        save_mapping(
            session=session, name="X Education", options=bundled_mapping("x_education"), actor=user
        )
    with session_scope(engine) as session:
        options = load_mapping(session=session, name="X Education")
    data = path.read_bytes()
    first = run_import(engine=engine, data=data, filename="Leads.csv", actor=user, options=options)
    assert (first.new, first.changed, first.unchanged, first.rejected) == (rows, 0, 0, 0)
    leads = read_leads(engine)
    assert leads["stage"].value_counts().to_dict() == stages
    assert leads["industry"].isin(["Select"]).sum() == 0  # "Select" means unanswered
    again = run_import(engine=engine, data=data, filename="Leads.csv", actor=user, options=options)
    assert again.summary() == f"0 new, 0 changed, {rows:,} unchanged, 0 rejected"


@pytest.mark.parametrize(("which", "rows", "stages"), MAVEN_FILES)
def test_maven_pipeline_imports_and_creates_its_agents(
    engine: Engine, which: str, rows: int, stages: dict[str, int]
) -> None:
    path = _maven(which)
    user = _user(engine)
    report = run_import(
        engine=engine,
        data=path.read_bytes(),
        filename="sales_pipeline.csv",
        actor=user,
        options=bundled_mapping("maven_crm"),
    )
    assert (report.new, report.rejected) == (rows, 0)
    assert len(report.created_people) == 30  # 35 agents, 5 of them without deals
    leads = read_leads(engine)
    assert leads["stage"].value_counts().to_dict() == stages
    assert leads["owner_id"].notna().all()
    assert leads["deal_value"].sum() == pytest.approx(pd.read_csv(path)["close_value"].sum())
    with session_scope(engine) as session:
        reps = session.exec(select(User).where(User.role == Role.SALES_REP)).all()
    assert len(reps) == 30 and all(r.password_hash is None for r in reps)


def test_changed_row_updates_the_snapshot_and_records_the_stage_move(engine: Engine) -> None:
    user = _user(engine, Role.ADMIN, "root")  # only sales' side moves a lead past MQL
    _run(engine, b"Id,Email,Stage\n1,a@x.io,mql\n2,b@x.io,lead\n", user)
    report = _run(engine, b"Id,Email,Stage\n1,a@x.io,sql\n2,b@x.io,lead\n3,c@x.io,lead\n", user)
    assert (report.new, report.changed, report.unchanged) == (1, 1, 1)
    with session_scope(engine) as session:
        moves = session.exec(select(LeadEvent).where(LeadEvent.kind == "stage")).all()
        assert [(m.from_stage, m.to_stage, m.batch_id) for m in moves] == [
            ("mql", "sql", report.batch_id)
        ]


def test_bad_rows_are_reported_and_stored_while_good_rows_go_in(engine: Engine) -> None:
    user = _user(engine)
    report = _run(engine, b"Email,Company\nok@x.io,Acme\nbroken,Beta\n", user)
    assert (report.new, report.rejected) == (1, 1)
    with session_scope(engine) as session:
        stored = batch_rejects(session=session, batch_id=report.batch_id)
        assert stored[["line", "column", "value", "reason", "raw"]].values.tolist() == [
            [2 + 1, "Email", "broken", "not a valid e-mail address", "broken,Beta"]
        ]
        batch = session.get(ImportBatch, report.batch_id)
        assert (batch.status, batch.rows_total, batch.new, batch.rejected) == ("rejects", 2, 1, 1)


def test_each_import_is_listed_with_file_hash_who_and_counts(engine: Engine) -> None:
    user = _user(engine)
    _run(engine, b"Email\na@x.io\n", user)
    _run(engine, b"Email\na@x.io\n", user)
    with session_scope(engine) as session:
        listed = list_imports(session=session)
    assert listed[["by", "new", "unchanged", "status"]].values.tolist() == [
        ["Mo", 0, 1, "done"],
        ["Mo", 1, 0, "done"],
    ]
    assert listed["sha256"].nunique() == 1


@pytest.mark.parametrize("role", [Role.SALES_REP, Role.SALES_MANAGER, Role.VIEWER])
def test_only_marketing_and_admin_may_import(engine: Engine, role: Role) -> None:
    with pytest.raises(PermissionDenied):
        _run(engine, b"Email\na@x.io\n", _user(engine, role))
    assert read_leads(engine).empty


def test_unreadable_file_is_recorded_as_failed_and_stores_nothing(engine: Engine) -> None:
    user = _user(engine)
    _run(engine, b"Email\nkeep@x.io\n", user)
    with pytest.raises(ImportFailed, match="binary data") as failed:
        _run(engine, bytes(range(256)) * 4, user)
    with session_scope(engine) as session:
        assert session.get(ImportBatch, failed.value.batch_id).status == "failed"
    assert read_leads(engine)["lead_key"].tolist() == ["keep@x.io"]


def test_unknown_owners_rejected_when_chosen_and_no_user_created(engine: Engine) -> None:
    user = _user(engine)
    report = _run(engine, b"Email,Owner\na@x.io,Zed\n", user, unknown_people="reject")
    assert (report.new, report.rejected, report.created_people) == (0, 1, [])
    assert report.unknown_people["value"].tolist() == ["Zed"]


def test_saved_mappings_are_listed_and_replaced_by_name(engine: Engine) -> None:
    user = _user(engine)
    with session_scope(engine) as session:
        save_mapping(
            session=session, name="weekly", options=ImportOptions(preset="hubspot"), actor=user
        )
        save_mapping(
            session=session, name="weekly", options=ImportOptions(preset="salesforce"), actor=user
        )
    with session_scope(engine) as session:
        assert list_mappings(session=session) == ["weekly"]
        assert load_mapping(session=session, name="weekly").preset == "salesforce"


def _cli(engine: Engine, *args: str) -> subprocess.CompletedProcess[str]:
    # A separate process, as from a shell (and one SQLite library per process: see the report).
    env = {**os.environ, "DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    return subprocess.run(
        [sys.executable, "-m", "sla_core", "import", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_import_prints_json_counts_and_exits_nonzero_on_rejects(
    engine: Engine, tmp_path: Path
) -> None:
    _user(engine, Role.ADMIN, "root")
    path = tmp_path / "leads.csv"
    path.write_text(
        "Mail;Firma;Angelegt\nok@x.io;Acme;03.04.2024\nbad;Beta;05.06.2024\n", encoding="cp1252"
    )
    done = _cli(
        engine,
        str(path),
        "--map",
        "email=Mail",
        "--map",
        "company=Firma",
        "--map",
        "created_at=Angelegt",
        "--date-order",
        "dmy",
        "--json",
    )
    assert done.returncode == 3, done.stderr
    out = json.loads(done.stdout)
    assert (out["new"], out["changed"], out["unchanged"], out["rejected"]) == (1, 0, 0, 1)
    assert out["rejects"] == [
        {"line": 3, "column": "Mail", "value": "bad", "reason": "not a valid e-mail address"}
    ]
    assert read_leads(engine)["created_at"].iloc[0] == pd.Timestamp("2024-04-03", tz="UTC")


def test_cli_reimport_with_a_bundled_mapping_says_nothing_changed(engine: Engine) -> None:
    _user(engine, Role.ADMIN, "root")
    path = _maven("sample")
    assert _cli(engine, str(path), "--mapping", "maven_crm").returncode == 0
    again = _cli(engine, str(path), "--mapping", "maven_crm")
    assert again.returncode == 0, again.stderr
    assert "0 new, 0 changed, 220 unchanged, 0 rejected" in again.stdout
    assert "100%" in again.stderr  # the progress line


def test_cli_refuses_an_unknown_field_in_map(engine: Engine, tmp_path: Path) -> None:
    _user(engine, Role.ADMIN, "root")
    path = tmp_path / "a.csv"
    path.write_text("Email\na@x.io\n")
    done = _cli(engine, str(path), "--map", "shoe=Email")
    assert done.returncode == 1
    assert "FIELD=COLUMN" in done.stderr


def test_cli_exit_status_3_only_when_some_rows_were_stored(engine: Engine, tmp_path: Path) -> None:
    _user(engine, Role.ADMIN, "root")
    all_bad = tmp_path / "bad.csv"
    all_bad.write_text("Email\nnot-an-email\nalso-bad\n")
    done = _cli(engine, str(all_bad))
    assert done.returncode == 1, done.stdout
    assert "0 new, 0 changed, 0 unchanged, 2 rejected" in done.stdout
    some_bad = tmp_path / "some.csv"
    some_bad.write_text("Email\nok@x.io\nbad\n")
    assert _cli(engine, str(some_bad)).returncode == 3
