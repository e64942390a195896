"""Issue 20: every table in the reader's language. Through ui.tables, a Persian or Arabic
reader's cells carry their digits and separators, the Jalali calendar (fa) and the
organisation's zone, translated default reasons and "—" for nothing; English frames keep
their numbers and datetimes (they sort as such)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from sla_core.i18n import glossary
from sla_core.i18n.languages import Language
from sla_core.stages import Stage
from tests.i18n_audit import offences, shown
from tests.support.apptest import build_template, private_copy, sign_in
from tests.test_pages_i18n import _persian_leads, speak


def _grid_script(language: str) -> None:
    """One table of every kind of cell, shown through ui.tables for `language`."""
    import pandas as pd
    import streamlit as st

    from ui import tables
    from ui.i18n import use_language

    use_language(language)
    frame = pd.DataFrame(
        {
            "id": [1234, 7],
            "leads": [12345, 3],
            "conversion_pct": [12.5, None],
            "created_at": pd.to_datetime(["2026-03-21 10:30", "2026-12-05 23:15"], utc=True),
            "reason": ["No budget", "our own words 42"],
            "stage": ["mql", "won"],
            "met": [True, False],
        }
    )
    st.session_state["picked"] = tables.dataframe(
        tables.for_reading(frame),
        hide_index=True,
        key="grid",
    )
    tables.dataframe(
        pd.DataFrame({"won": [12345.0], "at": ["2026-03-21 00:30"]}),
        key="formatted",
        column_config={
            "won": st.column_config.NumberColumn("Won", format="%.1f"),
            "at": st.column_config.TextColumn("When (UTC)"),
        },
        instants={"at": pd.Series(pd.to_datetime(["2026-03-21 00:30"]))},  # naive: UTC
    )
    tables.dataframe(frame.iloc[0:0], key="empty")
    edited = tables.data_editor(
        pd.DataFrame({"label": ["a"], "rows": [1500], "value": [""]}),
        disabled=["label", "rows"],
        key="editor",
    )
    st.session_state["edited_rows"] = edited["rows"].tolist()


def _run(language: str) -> AppTest:
    at = AppTest.from_function(_grid_script, args=(language,), default_timeout=30).run()
    assert not at.exception, at.exception
    return at


def _cells(at: AppTest, index: int = 0) -> dict[str, list[Any]]:
    return {str(k): v for k, v in at.dataframe[index].value.to_dict(orient="list").items()}


def test_english_keeps_numbers_and_datetimes() -> None:
    at = _run("en")
    frame = at.dataframe[0].value
    assert list(frame.columns) == [
        "ID", "Leads", "Conversion %", "Created", "Reason", "Stage", "Met"
    ]  # fmt: skip
    assert frame["ID"].tolist() == [1234, 7]
    assert frame["Leads"].tolist() == [12345, 3]
    assert isinstance(frame["Created"].dtype, pd.DatetimeTZDtype)
    assert frame["Reason"].tolist() == ["No budget", "our own words 42"]
    assert frame["Met"].tolist() == [True, False]
    assert len(at.dataframe) == 4  # the empty table is still a grid in English
    assert at.session_state["edited_rows"] == [1500]
    assert _kind(at, "won") == "number"  # its "%.1f" format still applies
    assert at.dataframe[1].value["won"].tolist() == [12345.0]
    assert at.dataframe[1].value["at"].tolist() == ["2026-03-21 00:30"]  # text as given


def _kind(at: AppTest, column: str) -> str:
    """The type of the grid's config for `column` (number, text...)."""
    configs = [json.loads(d.proto.columns or "{}") for d in at.dataframe]
    config = next(c[column] for c in configs if column in c)
    return str(config["type_config"]["type"])


def test_persian_cells_in_persian_digits_and_the_jalali_calendar() -> None:
    at = _run("fa")
    cells = _cells(at)
    assert cells["شناسه"] == ["۱۲۳۴", "۷"]  # ids without a thousands separator
    assert [c for c in cells if "۱۲٬۳۴۵" in cells[c]]  # counts grouped with ٬
    assert ["۱۲٫۵", "—"] in cells.values()  # decimals with ٫, nothing as a dash
    created = next(v for v in cells.values() if any("۱۴۰۵" in str(x) for x in v))
    assert created[0].startswith("۱۴۰۵/۰۱/۰۱")  # 21 March 2026 is 1 Farvardin 1405
    assert created[1].startswith("۱۴۰۵/۰۹/۱۴")
    assert "بودجه ندارد" in [x for v in cells.values() for x in v]  # a default reason
    assert "our own words 42" in [x for v in cells.values() for x in v]  # the team's own
    assert [True, False] in cells.values()  # ticks stay ticks
    assert _kind(at, "won") == "text"  # a number format cannot apply to text
    assert at.dataframe[1].value["won"].tolist() == ["۱۲٬۳۴۵٫۰"]  # "%.1f" in Persian
    assert at.dataframe[1].value["at"].tolist() == ["۱۴۰۵/۰۱/۰۱ ۰۰:۳۰"]  # UTC, not the org's zone
    # right to left: the first column is the last of the frame the grid lays out
    assert list(at.dataframe[0].proto.column_order)[-1] == "شناسه"
    digits = [o for o in offences(shown(at)) if o.what == "digit" and ".cell" in o.kind]
    assert digits == [o for o in digits if o.text == "our own words 42"]


def test_arabic_cells_in_arabic_digits() -> None:
    at = _run("ar")
    values = [str(x) for v in _cells(at).values() for x in v]
    assert "١٢٬٣٤٥" in values
    assert any(v.startswith("٢٠٢٦/") or "٢٠٢٦" in v for v in values)  # Gregorian, Arabic digits
    assert not [
        v for v in values if v != "our own words 42" and any(c.isascii() and c.isdigit() for c in v)
    ]


def test_an_empty_table_reads_in_the_readers_words_and_editors_give_back_their_values() -> None:
    at = _run("fa")
    assert len(at.dataframe) == 3  # the grid would write "empty"
    assert "هنوز چیزی برای نمایش در این جدول نیست." in [c.value for c in at.caption]
    editor = at.dataframe[2].value  # a data editor is a dataframe to AppTest
    assert "۱٬۵۰۰" in editor.astype(str).values.ravel().tolist()
    assert at.session_state["edited_rows"] == [1500]  # the caller reads its own values


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory, "tables", _persian_leads)


@pytest.mark.parametrize("page", ["pages/reports.py", "pages/leads.py"])
@pytest.mark.parametrize(("language", "zero"), [("fa", "۰"), ("ar", "٠")])
def test_the_pages_tables_speak_persian_and_arabic(
    template_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    language: str,
    zero: str,
    page: str,
) -> None:
    url = private_copy(template_db, tmp_path, monkeypatch)
    speak(url, "salesmanager", language)
    at = sign_in("salesmanager")
    at.switch_page(page).run()
    assert not at.exception
    cells = [s for s in shown(at) if s.kind.endswith(".cell")]
    assert cells, "the page shows its tables"
    assert any(zero in s.text for s in cells)
    assert [o for o in offences(cells) if o.what == "digit"] == []
    if page == "pages/leads.py":  # the stage in the glossary's words, not "MQL (...)"
        mql = glossary.stage_name(Stage.MQL, Language(language))
        assert mql in [s.text for s in cells]
