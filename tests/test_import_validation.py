"""Row checks and mapping: the prepared frame the writer takes, and every rejected row's reason."""

from __future__ import annotations

import pandas as pd
import pytest

from sla_core.importing import ImportOptions, auto_map, prepare
from sla_core.importing.values import AmbiguousDates
from sla_core.stages import Stage

HUBSPOT = (
    "Record ID,First Name,Last Name,Email,Contact owner,Lifecycle Stage,Lead Status,"
    "Create Date,Original Source,Number of Employees,Industry"
)
SALESFORCE = (
    "Lead Owner,First Name,Last Name,Title,Company / Account,Lead Source,Rating,Street,Email"
)
USERS = pd.DataFrame(
    [
        (1, "sam", "Sam Rep", "sam@corp.io", "sales_rep"),
        (2, "mia", "Mia Marketer", "mia@corp.io", "marketer"),
    ],
    columns=["id", "username", "name", "email", "role"],
)


def _csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def _prepare(*lines: str, users: pd.DataFrame | None = USERS, **options):
    return prepare(_csv(*lines), ImportOptions(**options), users=users)


def test_hubspot_preset_maps_the_real_header() -> None:
    found = auto_map(HUBSPOT.split(","), "hubspot")
    assert found["external_id"] == "Record ID"
    assert found["owner"] == "Contact owner"
    assert found["stage"] == "Lifecycle Stage"
    assert found["lead_status"] == "Lead Status"
    assert found["company_size"] == "Number of Employees"


def test_salesforce_preset_maps_the_real_report_header() -> None:
    found = auto_map(SALESFORCE.split(","), "salesforce")
    assert (found["owner"], found["company"], found["job_title"], found["source"]) == (
        "Lead Owner",
        "Company / Account",
        "Title",
        "Lead Source",
    )


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("E-mail Address", "email"),
        ("Surname", "last_name"),
        ("Lead Source", "source"),
        ("Employees", "company_size"),
        ("Deal Stage", "stage"),
        ("Sales Agent", "owner"),
        ("Name", "first_name"),
        ("Full Name", "first_name"),
    ],
)
def test_generic_matches_common_synonyms(header: str, field: str) -> None:
    assert auto_map(["Id", header])[field] == header


def test_company_name_is_not_taken_for_the_persons_name() -> None:
    found = auto_map(["Email", "Company Name"])
    assert "first_name" not in found and found["company"] == "Company Name"


def test_users_choice_overrides_automatic_mapping() -> None:
    p = _prepare("Email,Other Mail", "a@x.io,b@x.io", columns={"email": "Other Mail"})
    assert p.frame["email"].tolist() == ["b@x.io"]


def test_mapping_to_a_missing_column_names_the_columns() -> None:
    with pytest.raises(ValueError, match="does not have: Mail.*Email"):
        _prepare("Email", "a@x.io", columns={"email": "Mail"})


def test_a_file_without_id_or_email_column_is_refused_with_its_columns() -> None:
    with pytest.raises(ValueError, match="record id or an e-mail.*Email:Company"):
        _prepare("Email:Company", "a@x.io:Acme")


def test_prepared_frame_follows_the_contract() -> None:
    p = _prepare(
        HUBSPOT,
        "17,Ana,Ruiz,ANA@X.IO,Sam Rep,marketingqualifiedlead,NEW,2024-03-12 09:14,ORGANIC_SEARCH,51-200,Software",
        preset="hubspot",
    )
    row = p.frame.iloc[0]
    assert (row["line"], row["lead_key"], row["email"], row["stage"]) == (
        2,
        "17",
        "ana@x.io",
        "mql",
    )
    assert (row["owner_id"], row["company_size"], row["source"]) == (1, 51, "Organic search")
    assert str(p.frame["created_at"].dtype) == "datetime64[us, UTC]"
    assert str(p.frame["owner_id"].dtype) == "Int64"
    assert p.rejects.empty


@pytest.mark.parametrize(
    ("lifecycle", "status", "stage"),
    [
        ("lead", "NEW", Stage.LEAD),
        ("marketingqualifiedlead", "IN_PROGRESS", Stage.SAL),
        ("salesqualifiedlead", "OPEN_DEAL", Stage.OPPORTUNITY),
        ("marketingqualifiedlead", "UNQUALIFIED", Stage.DISQUALIFIED),
        ("lead", "BAD_TIMING", Stage.NURTURE),
        ("customer", "UNQUALIFIED", Stage.WON),
        ("subscriber", "", Stage.LEAD),
    ],
)
def test_hubspot_lifecycle_and_status_combine_into_our_stage(
    lifecycle: str, status: str, stage: Stage
) -> None:
    p = _prepare(
        "Email,Lifecycle Stage,Lead Status", f"a@x.io,{lifecycle},{status}", preset="hubspot"
    )
    assert p.frame["stage"].iloc[0] == stage.value


@pytest.mark.parametrize(
    ("status", "stage"),
    [
        ("Open - Not Contacted", "mql"),
        ("Working - Contacted", "sal"),
        ("Closed - Converted", "sql"),
        ("Closed - Not Converted", "disqualified"),
    ],
)
def test_salesforce_statuses_map_onto_our_stages(status: str, stage: str) -> None:
    p = _prepare("Email,Lead Status", f"a@x.io,{status}", preset="salesforce")
    assert p.frame["stage"].iloc[0] == stage


def test_user_value_map_overrides_built_in_one() -> None:
    p = _prepare("Email,Stage", "a@x.io,Hot", values={"stage": {"hot": "mql"}})
    assert p.frame["stage"].iloc[0] == "mql"


def _reasons(p) -> list[tuple[int, str | None, str]]:
    return [(r.line, r.column, r.reason) for r in p.rejects.itertuples()]


def test_unknown_stage_is_rejected_with_advice() -> None:
    p = _prepare("Email,Stage", "a@x.io,Hot")
    assert _reasons(p) == [(2, "Stage", "unknown stage: add it to the value mapping")]


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        ("not-an-email,Acme,2024-01-01,", "Email", "not a valid e-mail address"),
        (",Acme,2024-01-01,", None, "no record id and no e-mail: the row cannot be matched"),
        ("a@x.io,Acme,someday,", "Create Date", "a date that cannot be read"),
        ("a@x.io,Acme,2024-01-01,lots", "Amount", "not a number"),
        ("a@x.io," + "x" * 301 + ",2024-01-01,", "Company", "longer than 300 characters"),
    ],
)
def test_bad_row_is_rejected_with_line_column_and_reason(
    row: str, column: str | None, reason: str
) -> None:
    p = _prepare("Email,Company,Create Date,Amount", "ok@x.io,Fine,2024-01-01,5", row)
    assert _reasons(p) == [(3, column, reason)]
    assert p.frame["lead_key"].tolist() == ["ok@x.io"]


def test_reject_keeps_the_original_row_as_csv() -> None:
    p = _prepare("Email,Company", 'bad,"Acme, Inc"')
    assert p.rejects["raw"].iloc[0] == 'bad,"Acme, Inc"'
    assert p.rejects["value"].iloc[0] == "bad"


def test_won_before_created_is_flagged() -> None:
    p = _prepare("Email,Create Date,Close Date", "a@x.io,2024-05-01,2024-04-01")
    assert _reasons(p) == [(2, "Close Date", "closed date is before the created date")]


def test_key_twice_with_different_data_rejects_both() -> None:
    p = _prepare("Id,Email,Company", "7,a@x.io,Acme", "7,a@x.io,Beta", "8,b@x.io,Acme")
    assert p.frame["lead_key"].tolist() == ["8"]
    assert [r[0] for r in _reasons(p)] == [2, 3]
    assert "different data on lines 2, 3" in p.rejects["reason"].iloc[0]


def test_duplicate_keys_after_an_earlier_reject_are_still_reported() -> None:
    # The duplicate check runs on rows that survived the earlier checks.
    p = _prepare(
        "Email,Company,Create Date",
        "a@x.io,Acme,someday",
        "b@x.io,Beta,2024-01-02",
        "b@x.io,Other,2024-01-03",
        "c@x.io,Gamma,2024-01-04",
    )
    assert [(line, column) for line, column, _ in _reasons(p)] == [
        (2, "Create Date"),
        (3, "lead_key"),
        (4, "lead_key"),
    ]
    assert p.frame["lead_key"].tolist() == ["c@x.io"]


def test_exact_duplicate_row_is_kept_once() -> None:
    p = _prepare("Email,Company", "a@x.io,Acme", "A@x.io,Acme")
    assert p.frame["lead_key"].tolist() == ["a@x.io"]
    assert _reasons(p) == [(3, "lead_key", "same as line 2 (skipped)")]


def test_owner_matched_by_email_or_name_case_insensitively() -> None:
    p = _prepare("Email,Owner", "a@x.io,SAM@corp.io", "b@x.io,sam rep", "c@x.io,mia")
    assert p.frame["owner_id"].tolist() == [1, 1, 2]


def test_unknown_owner_is_listed_and_kept_when_creating() -> None:
    p = _prepare("Email,Owner", "a@x.io,Zed New", "b@x.io,Zed New", unknown_people="create")
    assert p.unknown_people.to_dict("records") == [{"kind": "owner", "value": "Zed New", "rows": 2}]
    assert len(p.frame) == 2
    assert p.frame["owner_id"].isna().all()
    assert p.people["owner"].tolist() == ["Zed New", "Zed New"]


def test_unknown_owner_rows_are_rejected_when_chosen() -> None:
    p = _prepare("Email,Owner", "a@x.io,Zed New", "b@x.io,Sam Rep", unknown_people="reject")
    assert _reasons(p) == [(2, "Owner", "unknown owner: not a user")]
    assert p.unknown_people["value"].tolist() == ["Zed New"]


def test_formula_and_html_are_kept_as_plain_text() -> None:
    p = _prepare(
        "Email,First Name,Company",
        'a@x.io,"=HYPERLINK(""http://x"",""y"")",<script>alert(1)</script>',
    )
    assert p.frame["first_name"].iloc[0] == '=HYPERLINK("http://x","y")'
    assert p.frame["company"].iloc[0] == "<script>alert(1)</script>"


def test_null_tokens_become_empty() -> None:
    p = _prepare("Email,Industry", "a@x.io,Select", null_values=["", "Select"])
    assert pd.isna(p.frame["industry"].iloc[0])


def test_ambiguous_dates_stop_the_import_until_the_order_is_chosen() -> None:
    with pytest.raises(AmbiguousDates):
        _prepare("Email,Create Date", "a@x.io,03/04/2024")
    p = _prepare("Email,Create Date", "a@x.io,03/04/2024", date_order="dmy")
    assert p.frame["created_at"].iloc[0] == pd.Timestamp("2024-04-03", tz="UTC")


def test_ragged_row_is_a_reject_with_its_original_text() -> None:
    p = _prepare("Email,Company", "a@x.io,Acme", "b@x.io,Beta,extra")
    assert _reasons(p) == [(3, None, "3 cells where the header has 2 columns")]
    assert p.rejects["raw"].iloc[0] == "b@x.io,Beta,extra"


def test_mapping_round_trips_through_json() -> None:
    options = ImportOptions(
        preset="hubspot",
        columns={"email": "Mail"},
        values={"stage": {"hot": "mql"}},
        date_order="dmy",
    )
    assert ImportOptions.from_json(options.to_json()) == options


def test_mapping_json_with_an_unknown_field_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown field"):
        ImportOptions.from_json('{"columns": {"shoe_size": "Shoe"}}')


def test_workbook_date_cells_and_serials_become_utc(tmp_path) -> None:
    from datetime import datetime
    from io import BytesIO

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Email", "Create Date", "Amount"])
    book.active.append(["a@x.io", datetime(2024, 3, 12, 9, 14), 1200.5])
    book.active.append(["b@x.io", 45366, 7])
    buffer = BytesIO()
    book.save(buffer)
    p = prepare(buffer.getvalue(), ImportOptions())
    assert p.frame["created_at"].tolist() == [
        pd.Timestamp("2024-03-12 09:14", tz="UTC"),
        pd.Timestamp("2024-03-15", tz="UTC"),
    ]
    assert p.frame["deal_value"].tolist() == [1200.5, 7.0]


def test_a_nul_byte_in_a_field_rejects_that_row_only() -> None:
    p = prepare(b"Email,Company\na@x.io,Ac\x00me\nb@x.io,Beta\n", ImportOptions())
    assert p.frame["email"].tolist() == ["b@x.io"]
    assert _reasons(p) == [(2, "Company", "a NUL byte in the cell")]


def test_one_ambiguous_date_rejects_its_row_and_keeps_the_file() -> None:
    p = _prepare("Email,Create Date", "a@x.io,2024-05-01", "b@x.io,03/04/2024")
    assert p.frame["email"].tolist() == ["a@x.io"]
    assert _reasons(p) == [
        (
            3,
            "Create Date",
            "can be read day-first or month-first, and the column does not settle which",
        )
    ]


def test_category_values_differing_in_case_or_spacing_are_one_value() -> None:
    p = _prepare(
        "Email,Lead Source",
        "a@x.io,Direct Traffic",
        "b@x.io,Direct traffic",
        "c@x.io,direct  traffic",
        "d@x.io,Direct traffic",
    )
    assert p.frame["source"].tolist() == ["Direct traffic"] * 4


def test_same_value_for_every_row_sets_a_field_the_file_lacks() -> None:
    p = _prepare("Email", "a@x.io", "b@x.io", constants={"stage": "won"})
    assert p.frame["stage"].tolist() == ["won", "won"]
    assert p.mapping["stage"] == "(every row) stage"


def test_leads_without_a_created_date_are_rejected_when_so_chosen() -> None:
    p = _prepare("Email,Create Date", "a@x.io,2024-05-01", "b@x.io,", missing_dates="reject")
    assert p.frame["email"].tolist() == ["a@x.io"]
    assert _reasons(p)[0][0] == 3 and _reasons(p)[0][2].startswith("no created date")
    dated_today = _prepare("Email,Create Date", "a@x.io,2024-05-01", "b@x.io,")
    assert len(dated_today.frame) == 2
    assert dated_today.notes == [
        "1 row(s) have no created date: new leads among them are dated at the import"
    ]


@pytest.mark.parametrize("column", ["Company", "Email", "Stage"])
def test_a_huge_rejected_value_is_shown_cut_and_kept_whole_in_the_row(column: str) -> None:
    """Issue 18.17: a 100 kB value was echoed in full in every reject message."""
    huge = "x" * 100_000
    cells = {"Email": "a@x.io", "Company": "Acme", "Stage": "mql"} | {column: huge}
    p = _prepare("Email,Company,Stage", ",".join(cells.values()))
    value = p.rejects["value"].iloc[0]
    assert value == "x" * 79 + "…"
    assert huge in p.rejects["raw"].iloc[0]  # the download gives the row back whole
    short = _prepare("Email,Company", "bad,Acme")
    assert short.rejects["value"].iloc[0] == "bad"
