"""Reading uploads: encodings, delimiters, header rows, workbooks, and files that cannot be read."""

from __future__ import annotations

from pathlib import Path

import pytest

from sla_core.importing.reading import ReadError, detect_encoding, read_table

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def _read(name: str):
    return read_table((FIXTURES / name).read_bytes(), name)


@pytest.mark.parametrize(
    ("name", "encoding", "delimiter"),
    [
        ("utf8.csv", "utf-8", ","),
        ("utf8_bom_semicolon.csv", "utf-8-sig", ";"),
        ("utf16_excel.txt", "utf-16", "\t"),
        ("cp1252.csv", "cp1252", ","),
        ("cp1256_semicolon.csv", "cp1256", ";"),
        ("pipe.csv", "utf-8", "|"),
        ("tab.tsv", "utf-8", "\t"),
    ],
)
def test_encoding_and_delimiter_are_detected(name: str, encoding: str, delimiter: str) -> None:
    table = _read(name)
    assert (table.encoding, table.delimiter) == (encoding, delimiter)
    assert list(table.frame.columns)[:2] == ["Email", "First Name"]


@pytest.mark.parametrize(
    ("name", "company"),
    [
        ("utf8.csv", "Café Zürich"),
        ("utf16_excel.txt", "Café Zürich"),
        ("cp1252.csv", "Café Zürich"),
        ("cp1256_semicolon.csv", "شركة المثال"),
    ],
)
def test_text_decodes_to_the_right_letters(name: str, company: str) -> None:
    assert _read(name).frame["Company"].iloc[0] == company


def test_persian_letters_in_windows_1256_decode() -> None:
    assert _read("cp1256_semicolon.csv").frame["Last Name"].iloc[1] == "کريمي"


def test_quoted_delimiter_stays_in_its_cell() -> None:
    assert _read("utf8.csv").frame["Company"].iloc[2] == "Acme; Inc"


def test_title_lines_above_the_header_are_skipped_and_lines_still_count() -> None:
    table = _read("title_lines.csv")
    assert table.header_line == 4
    assert table.lines.tolist() == [5, 6, 7]
    assert table.notes


def test_lines_are_file_lines_header_being_line_one() -> None:
    assert _read("utf8.csv").lines.tolist() == [2, 3, 4]


def test_workbook_reads_the_first_sheet_with_data_and_says_so() -> None:
    table = _read("two_sheets_merged.xlsx")
    assert table.sheet == "Leads"
    assert "2 sheets" in table.notes[0]


def test_workbook_merged_title_is_skipped_and_merged_header_named() -> None:
    table = _read("two_sheets_merged.xlsx")
    assert list(table.frame.columns) == ["Email", "Name", "Name (3)", "Create Date"]
    assert table.lines.tolist() == [3, 4]


def test_workbook_formula_is_kept_as_its_text() -> None:
    assert _read("two_sheets_merged.xlsx").frame["Name"].iloc[1].startswith("=HYPERLINK(")


def test_workbook_sheet_named_is_the_one_read_and_a_missing_one_is_listed() -> None:
    data = (FIXTURES / "two_sheets_merged.xlsx").read_bytes()
    with pytest.raises(ReadError, match="no data rows"):
        read_table(data, sheet="Notes")  # the chosen sheet is read, not the first
    with pytest.raises(ReadError, match="no sheet 'Nope'.*Leads, Notes"):
        read_table(data, sheet="Nope")


def test_ragged_row_is_set_aside_with_its_line_and_the_rest_read() -> None:
    table = _read("ragged.csv")
    assert table.frame["Email"].tolist() == ["ana@example.com", "bo@example.com"]
    assert table.lines.tolist() == [2, 4]
    bad = table.bad_lines.iloc[0]
    assert (bad["line"], bad["raw"]) == (3, "li@example.cn,Beta,extra,cells")
    assert "4 cells where the header has 2 columns" in bad["reason"]


def test_trailing_comma_on_every_line_adds_no_column() -> None:
    data = b"Email,Company,\r\na@x.io,Acme,\r\nb@x.io,Beta,\r\n"
    assert list(read_table(data).frame.columns) == ["Email", "Company"]


def test_blank_lines_are_ignored_without_shifting_line_numbers() -> None:
    data = b"Email,Company\na@x.io,Acme\n\nb@x.io,Beta\n"
    assert read_table(data).lines.tolist() == [2, 4]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.csv", "the file is empty"),
        ("header_only.csv", "header row but no data rows"),
        ("binary.csv", "not a text file: it contains binary data"),
        ("unterminated_quote.csv", "quote opened on line 2 is never closed"),
    ],
)
def test_unreadable_files_say_why(name: str, message: str) -> None:
    with pytest.raises(ReadError, match=message):
        _read(name)


def test_executable_full_of_nul_bytes_is_not_taken_for_utf16() -> None:
    # An ELF header and code: NUL bytes at odd offsets, as in UTF-16 text, but no text.
    binary = b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 8 + b"\x00\x01" * 2000
    with pytest.raises(ReadError, match="not a text file") as caught:
        read_table(binary, "contacts.csv")
    # the message names every format the importer reads
    for name in (
        "CSV",
        "TSV",
        "TXT",
        "semicolon",
        "tab",
        "pipe",
        "UTF-16",
        "Windows-1256",
        ".xlsx",
    ):
        assert name in str(caught.value)


def test_a_nul_byte_in_one_field_is_not_a_binary_file() -> None:
    table = read_table(b"Email,Company\na@x.io,Ac\x00me\nb@x.io,Beta\n", "contacts.csv")
    assert table.nul_bytes and len(table.frame) == 2


def test_old_xls_workbook_is_refused_with_advice() -> None:
    with pytest.raises(ReadError, match="save it as .xlsx or CSV"):
        read_table(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.csv")


def test_file_over_the_size_limit_is_refused_before_reading() -> None:
    data = b"Email\n" + b"a@x.io\n" * 1000
    with pytest.raises(ReadError, match="the limit is"):
        read_table(data, max_bytes=1000)


def test_utf16_without_bom_is_recognised() -> None:
    assert detect_encoding("Email,Name\r\na@x.io,Ana\r\n".encode("utf-16-le")) == "utf-16-le"


def test_strict_utf8_wins_over_legacy_guesses() -> None:
    assert detect_encoding("Name\nZoë Ñandú\n".encode()) == "utf-8"


def test_first_row_wider_than_the_header_does_not_shift_columns() -> None:
    table = read_table(b"Email,Company\na@x.io,Acme,spare\nb@x.io,Beta\n")
    assert table.frame.to_dict("records") == [{"Email": "b@x.io", "Company": "Beta"}]
    assert table.bad_lines[["line", "raw"]].values.tolist() == [[2, "a@x.io,Acme,spare"]]


def test_ragged_row_below_title_lines_keeps_its_file_line() -> None:
    table = read_table(b"Report\n\nEmail,Company\na@x.io,Acme\nb@x.io,B,x\nc@x.io,C\n")
    assert table.bad_lines["line"].tolist() == [5]
    assert table.lines.tolist() == [4, 6]


def test_row_with_too_few_cells_is_set_aside_too() -> None:
    table = read_table(b"Email,Company,Country\na@x.io,Acme,DE\nb@x.io\n")
    assert table.bad_lines[["line", "reason"]].values.tolist() == [
        [3, "1 cells where the header has 3 columns"]
    ]


def test_quoted_line_break_stays_inside_its_cell() -> None:
    table = read_table(b'Email,Note\na@x.io,"two\nlines"\n')
    assert table.frame["Note"].tolist() == ["two\nlines"]


def test_stray_bytes_in_a_utf8_file_do_not_stop_the_import() -> None:
    table = read_table("Email,Name\na@x.io,Zoë\nb@x.io,".encode() + b"\xff\n")
    assert table.frame["Name"].tolist() == ["Zoë", "\ufffd"]


def test_quote_inside_a_cell_is_text_not_an_open_quote() -> None:
    table = read_table(b'Email,Product\na@x.io,27" screen\nb@x.io,mouse\n')
    assert table.frame["Product"].tolist() == ['27" screen', "mouse"]
