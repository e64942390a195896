"""Issue 18.9: a control character in stored data never breaks an export, and every export
still neutralises formulas (CSV and Excel, also when a control character hides the formula)."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from sla_core.exporting import printable, safe_csv, safe_xlsx
from tests.support.apptest import app_url, template_db  # noqa: F401 (fixtures)

FORMULAS = ['=HYPERLINK("http://x","y")', "+1", "-1", "@SUM(1)"]
BELL = "Ann\x07 Smith"


def _csv_back(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _xlsx_back(data: bytes, sheet: str) -> list[list[object]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    rows = book[sheet].iter_rows()
    cells = [list(row) for row in rows]
    assert all(cell.data_type != "f" for row in cells for cell in row)
    return [[cell.value for cell in row] for row in cells]


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Ann\x07 Smith", "Ann Smith"),
        ("\x00a\x1bb\x7fc\x0b\x0c", "abc"),
        ("line\none\ttab\r\n", "line\none\ttab\r\n"),
        ("Ana María ۲۰", "Ana María ۲۰"),
    ],
)
def test_printable_drops_control_characters_and_keeps_tabs_and_line_breaks(
    text: str, kept: str
) -> None:
    assert printable(text) == kept


def test_an_excel_export_with_a_control_character_in_a_name_builds_and_reads_back() -> None:
    frame = pd.DataFrame({"owner\x01": [BELL, "Bo"], "leads": [3, 4]})
    rows = _xlsx_back(safe_xlsx({"Funnel": frame}), "Funnel")
    assert rows == [["owner", "leads"], ["Ann Smith", 3], ["Bo", 4]]


def test_a_csv_export_drops_control_characters() -> None:
    out = _csv_back(safe_csv(pd.DataFrame({"owner": [BELL]})))
    assert out["owner"].tolist() == ["Ann Smith"]


@pytest.mark.parametrize("hide", ["", "\x07", "\x1b\x00"])
@pytest.mark.parametrize("formula", FORMULAS)
def test_every_download_neutralises_formulas_even_behind_a_control_character(
    formula: str, hide: str
) -> None:
    frame = pd.DataFrame({"name": [hide + formula], hide + formula: [1]})
    csv = _csv_back(safe_csv(frame))
    assert csv.columns.tolist() == ["name", "'" + formula]
    assert csv["name"].tolist() == ["'" + formula]
    rows = _xlsx_back(safe_xlsx({"Sheet": frame}), "Sheet")
    assert rows == [["name", "'" + formula], ["'" + formula, 1]]


def test_an_import_stores_names_and_fields_without_control_characters(engine) -> None:  # type: ignore[no-untyped-def]
    from sqlmodel import select

    from sla_core.access import system_actor
    from sla_core.db import session_scope
    from sla_core.importing.run import run_import
    from sla_core.models import Lead, Role, User
    from sla_core.people import users

    with session_scope(engine) as session:
        admin = users.create_user(
            session=session, username="admin", name="Admin", role=Role.ADMIN,
            password="Secret#123", actor=system_actor(),
        )  # fmt: skip
        session.expunge(admin)
    data = "Email,Owner,Company,Industry\nann@example.com,Ann\x07 Smith,\x07=1+1,Soft\x1bware\n"
    report = run_import(engine=engine, data=data.encode(), filename="x.csv", actor=admin)
    assert report.rejected == 0
    with session_scope(engine) as session:
        lead = session.exec(select(Lead)).one()
        owner = session.get(User, lead.owner_id)
        assert owner is not None
        assert (owner.name, lead.company, lead.industry) == ("Ann Smith", "=1+1", "Software")


def test_a_control_character_in_stored_data_never_breaks_the_reports_page(
    app_url: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Stored before imports dropped them: the page runs, and builds no file until asked."""
    from datetime import timedelta

    from sla_core import exporting
    from sla_core.clock import now
    from sla_core.db import session_scope
    from sla_core.models import Lead
    from tests.support.apptest import sign_in
    from ui.data import engine_for

    at_time = now() - timedelta(days=2)
    with session_scope(engine_for(app_url)) as session:
        session.add(Lead(lead_key="bell", email="bell@example.com", stage="mql",
                         source="Web\x07inar", created_at=at_time, mql_at=at_time,
                         updated_at=at_time))  # fmt: skip
    built: list[str] = []
    for name in ("safe_csv", "safe_xlsx"):
        real = getattr(exporting, name)
        monkeypatch.setattr(
            exporting, name, lambda *a, _real=real, _name=name: built.append(_name) or _real(*a)
        )
    at = sign_in("marketingmanager")
    at.switch_page("pages/reports.py").run()
    assert not at.exception, at.exception
    assert "Web\x07inar" in at.dataframe[0].value["Group"].tolist()
    assert len(at.get("download_button")) == 2
    assert built == []
    # what the Excel button builds when asked: the same tables, the bell dropped
    rows = _xlsx_back(safe_xlsx({"Funnel": at.dataframe[0].value}), "Funnel")
    assert ["Webinar"] in [row[:1] for row in rows]
