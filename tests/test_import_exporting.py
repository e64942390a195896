"""CSV exports neutralise spreadsheet formulas; the rejects file can be fixed and uploaded again."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from sla_core.exporting import safe_csv
from sla_core.importing import ImportOptions, prepare
from sla_core.importing.report import rejects_for_download


def _read_back(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tx"])
def test_formula_like_text_is_prefixed_with_a_quote(cell: str) -> None:
    out = _read_back(safe_csv(pd.DataFrame({"name": [cell]})))
    assert out["name"].iloc[0] == "'" + cell


def test_ordinary_text_and_numbers_are_untouched() -> None:
    out = _read_back(safe_csv(pd.DataFrame({"name": ["Ana", None], "n": [-5, 3]})))
    assert out.to_dict("list") == {"name": ["Ana", ""], "n": ["-5", "3"]}


def test_formula_in_a_header_is_neutralised_too() -> None:
    assert safe_csv(pd.DataFrame({"=cmd": [1]})).decode("utf-8-sig").startswith("'=cmd")


def test_rejects_download_has_original_columns_line_and_every_reason() -> None:
    data = b"Email,Company,Create Date\nbad,Acme,someday\nok@x.io,=1+1,2024-01-01\n"
    p = prepare(data, ImportOptions())
    out = rejects_for_download(p.rejects, list(p.table.frame.columns))
    assert out.columns.tolist() == ["Email", "Company", "Create Date", "line", "problem"]
    row = out.iloc[0]
    assert (row["Email"], row["Company"], row["Create Date"], row["line"]) == (
        "bad",
        "Acme",
        "someday",
        2,
    )
    assert row["problem"] == "not a valid e-mail address; a date that cannot be read"


def test_rejects_download_reimports_after_fixing() -> None:
    data = b'Email,Company\nbad,"=HYPERLINK(""x"")"\n'
    p = prepare(data, ImportOptions())
    fixed = rejects_for_download(p.rejects, list(p.table.frame.columns))
    fixed.loc[0, "Email"] = "good@x.io"
    again = prepare(safe_csv(fixed), ImportOptions())
    assert again.rejects.empty
    assert again.frame["email"].tolist() == ["good@x.io"]


def test_ragged_reject_keeps_its_extra_cells() -> None:
    p = prepare(b"Email,Company\na@x.io,Acme,spare\n", ImportOptions())
    out = rejects_for_download(p.rejects, ["Email", "Company"])
    assert out.columns.tolist() == ["Email", "Company", "extra 1", "line", "problem"]
    assert out["extra 1"].iloc[0] == "spare"


@pytest.mark.parametrize(
    "cell",
    [
        " =cmd|' /C calc'!A0",
        "  +1+1",
        "\r=1+1",
        "\n=1+1",
        "\u3000=1+1",
        "＝cmd|' /C calc'!A0",
        "＋1",
        "－1",
        "＠SUM(A1)",
        " ＝1",
        "\rplain",
    ],
)
def test_formulas_behind_spaces_or_in_full_width_are_neutralised(cell: str) -> None:
    out = safe_csv(pd.DataFrame({"company": [cell]})).decode("utf-8-sig")
    assert out.splitlines()[1].lstrip('"').startswith("'")


@pytest.mark.parametrize("cell", ["Ana = Bob", "a-b", "x@y.io", " plain", "５０"])
def test_text_with_formula_characters_later_is_untouched(cell: str) -> None:
    assert _read_back(safe_csv(pd.DataFrame({"c": [cell]})))["c"].iloc[0] == cell
