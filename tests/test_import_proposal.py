"""Real files import without guessing: the mapping a file's headers match is proposed (the same
on the page and the CLI), a missing key or created date is said before Import, and the page's
tables and choices become options without changing the ones they started from."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy.engine import Engine

from sla_core.access import system_actor
from sla_core.db import session_scope
from sla_core.importing import ImportOptions
from sla_core.importing.editing import (
    apply_tables,
    build_options,
    choose,
    field_label,
    mapping_table,
    stage_table,
)
from sla_core.importing.preview import describe, read_once, readiness
from sla_core.importing.proposal import (
    MappingChoice,
    detect,
    find_choice,
    mapping_choices,
    options_for,
)
from sla_core.importing.reading import read_table
from sla_core.importing.saved import bundled_mapping, save_mapping
from sla_core.models import Role, User
from sla_core.people import users
from sla_core.store.snapshot import read_leads
from tests.conftest import REALDATA_SAMPLES

ROOT = Path(__file__).resolve().parents[1]
X_EDUCATION = REALDATA_SAMPLES / "x_education_leads_sample.csv"
MAVEN = REALDATA_SAMPLES / "maven_sales_pipeline_sample.csv"
HUBSPOT = ROOT / "data" / "samples" / "hubspot_contacts_sample.csv"


def _headers(path: Path) -> list[str]:
    return [str(c) for c in read_table(path.read_bytes(), path.name).frame.columns]


def _admin(engine: Engine) -> User:
    with session_scope(engine) as session:
        user = users.create_user(
            actor=system_actor(), session=session, username="root", name="Root", role=Role.ADMIN
        )
        session.expunge(user)
    return user


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (X_EDUCATION, MappingChoice("shipped", "x_education")),
        (MAVEN, MappingChoice("shipped", "maven_crm")),
        (HUBSPOT, MappingChoice("layout", "hubspot")),
    ],
)
def test_a_file_is_recognised_by_its_headers(
    sqlite_engine: Engine, path: Path, expected: MappingChoice
) -> None:
    with session_scope(sqlite_engine) as session:
        assert detect(_headers(path), session=session).choice == expected


def test_an_unknown_layout_is_read_as_a_generic_sheet(sqlite_engine: Engine) -> None:
    with session_scope(sqlite_engine) as session:
        proposal = detect(["Mail", "Company", "When"], session=session)
    assert proposal.choice == MappingChoice("layout", "generic")


def test_shipped_mappings_are_listed_and_a_saved_one_of_the_same_name_wins(
    sqlite_engine: Engine,
) -> None:
    admin = _admin(sqlite_engine)
    with session_scope(sqlite_engine) as session:
        ids = [c.id for c in mapping_choices(session=session)]
        assert ids == [
            "layout:generic",
            "layout:hubspot",
            "layout:salesforce",
            "shipped:maven_crm",
            "shipped:x_education",
        ]
        mine = choose(bundled_mapping("maven_crm"), date_order="dmy")
        save_mapping(session=session, name="maven_crm", options=mine, actor=admin)
    with session_scope(sqlite_engine) as session:
        choice = find_choice("maven_crm", session=session)
        assert choice == MappingChoice("saved", "maven_crm")
        assert options_for(choice, session=session).date_order == "dmy"
        assert "shipped:maven_crm" not in [c.id for c in mapping_choices(session=session)]
        assert choice.label == "maven_crm (saved mapping)"
        assert MappingChoice("layout", "hubspot").label == "HubSpot contacts (layout)"


def test_the_cli_without_a_preset_stores_what_the_page_would(sqlite_engine: Engine) -> None:
    _admin(sqlite_engine)
    env = {**os.environ, "DATABASE_URL": sqlite_engine.url.render_as_string(hide_password=False)}
    done = subprocess.run(
        [sys.executable, "-m", "sla_core", "import", str(HUBSPOT)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode in (0, 3), done.stderr
    assert "mapping: HubSpot contacts (layout)" in done.stderr
    sources = set(read_leads(sqlite_engine)["source"].dropna())
    assert "Email marketing" in sources and "EMAIL_MARKETING" not in sources


def test_a_missing_key_is_said_before_import() -> None:
    table = read_table(b"Name,Company\nAna,Acme\n", "a.csv")
    ready = readiness(table, ImportOptions())
    assert not ready.ready
    assert ready.problems[0].startswith("map a record id or an e-mail column")
    assert readiness(table, ImportOptions(columns={"external_id": "Name"})).ready


def test_rows_without_a_created_date_are_counted_before_import() -> None:
    table = read_table(b"Email,Create Date\na@x.io,2024-01-02\nb@x.io,\nc@x.io,n/a\n", "a.csv")
    ready = readiness(table, ImportOptions())
    assert (ready.undated, ready.created_column) == (2, "Create Date")
    no_column = readiness(read_table(b"Email\na@x.io\n", "a.csv"), ImportOptions())
    assert (no_column.undated, no_column.created_column) == (1, None)
    dated = readiness(table, ImportOptions(constants={"created_at": "2024-05-01"}))
    assert dated.undated == 0


def test_describe_says_what_was_read() -> None:
    table = read_table(b"Title line\nEmail;Name\na@x.io;Ana\nb@x.io;Bo;extra\n", "a.csv")
    assert describe(table) == (
        "1 rows · 1 malformed rows set aside · header on line 2 · encoding utf-8 · delimiter ';'"
    )


def test_an_upload_is_read_once_per_file() -> None:
    cache: dict[str, object] = {}
    first, fresh = read_once(cache, "f1", b"Email\na@x.io\n", "a.csv")
    again, fresh_again = read_once(cache, "f1", b"ignored", "a.csv")
    other, fresh_other = read_once(cache, "f2", b"Email\nb@x.io\nc@x.io\n", "b.csv")
    assert (fresh, fresh_again, fresh_other) == (True, False, True)
    assert again is first and len(other.frame) == 2


def test_mapping_table_lists_every_field_with_its_column_and_value() -> None:
    options = ImportOptions(columns={"email": "Mail"}, constants={"stage": "won"}, auto=False)
    table = mapping_table(["Mail", "Other"], options)
    rows = table.set_index("field")
    assert rows.loc["email", "column"] == "Mail" and rows.loc["email", "value"] == ""
    assert rows.loc["stage", "value"] == "won" and rows.loc["stage", "column"] == ""
    assert rows.loc["external_id", "label"] == "CRM record id (key)"
    assert field_label("created_at") == "Created"


def test_stage_table_counts_each_value_with_the_stage_it_becomes() -> None:
    table = read_table(b"Email,Stage\na@x.io,Hot\nb@x.io,lead\nc@x.io,Hot\n", "a.csv")
    stages = stage_table(table, ImportOptions())
    assert stages.to_dict("records") == [
        {"field": "stage", "value": "Hot", "rows": 2, "stage": ""},
        {"field": "stage", "value": "lead", "rows": 1, "stage": "lead"},
    ]


def test_edited_tables_become_new_options_and_the_base_is_unchanged() -> None:
    base = ImportOptions(preset="hubspot", values={"stage": {"x": "lead"}})
    mapping = pd.DataFrame(
        {
            "field": ["email", "stage", "owner"],
            "label": ["", "", ""],
            "column": ["Mail", "", ""],
            "value": ["", "", " Sam Rep "],
        }
    )
    stages = pd.DataFrame({"field": ["stage"], "value": ["Hot"], "rows": [2], "stage": ["mql"]})
    built = build_options(base, mapping, stages, date_order="dmy", missing_dates="reject")
    assert built.columns == {"email": "Mail"}
    assert built.constants == {"owner": "Sam Rep"}
    assert built.values == {"stage": {"x": "lead", "Hot": "mql"}}
    assert (built.auto, built.date_order, built.missing_dates) == (False, "dmy", "reject")
    assert base == ImportOptions(preset="hubspot", values={"stage": {"x": "lead"}})
    assert apply_tables(base, mapping).values == {"stage": {"x": "lead"}}
    with pytest.raises(ValueError, match="unknown import option"):
        choose(base, colour="red")
