"""Reading an uploaded file: encoding, delimiter, header row, CSV/TSV or XLSX -> text table."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from sla_core.importing.table import HEADER_SCAN_ROWS, RawTable, ReadError, find_header, tidy
from sla_core.importing.workbook import read_xlsx

__all__ = ["ACCEPTED", "EXTENSIONS", "RawTable", "ReadError", "read_table"]

SAMPLE_BYTES = 64 * 1024
MAX_FILE_BYTES = 500 * 1024 * 1024
DELIMITERS = (",", ";", "\t", "|")
# What the importer reads (the page's uploader offers these extensions).
EXTENSIONS = ("csv", "tsv", "txt", "xlsx")
ACCEPTED = (
    "Accepted formats: CSV or TSV/TXT text (comma, semicolon, tab or pipe between values; "
    "UTF-8, UTF-16, Windows-1252 or Windows-1256) and Excel workbooks (.xlsx)."
)
_EOF_QUOTE = re.compile(r"EOF inside string starting at row (\d+)")
# Letters Windows-1256 puts where Windows-1252 has accented Latin ones.
_ARABIC = re.compile(r"[\u0600-\u06FF]")


def _mostly_text(text: str, allowed: int = 0) -> bool:
    """Whether decoded text reads as text: almost no control characters or undecodable bytes."""
    odd = sum(1 for ch in text if (ch < " " and ch not in "\t\r\n") or ch == "\ufffd")
    return odd <= max(allowed, len(text) // 100)


def detect_encoding(data: bytes) -> str:
    """The text encoding of `data`: BOMs first, then strict UTF-8, then cp1256 vs cp1252."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = data[:SAMPLE_BYTES]
    # UTF-16 without a BOM: every other byte of ASCII text is NUL.
    guess = None
    if len(sample) >= 4 and sample[1::2].count(0) > 0.4 * len(sample) / 2 > 0:
        if sample[0::2].count(0) < sample[1::2].count(0):
            guess = "utf-16-le"
    if guess is None and len(sample) >= 4 and sample[0::2].count(0) > 0.4 * len(sample) / 2:
        guess = "utf-16-be"
    if guess and _mostly_text(sample[: len(sample) // 2 * 2].decode(guess, errors="replace")):
        return guess
    # A few NUL bytes in text are damaged cells (their rows are rejected), not a binary file.
    if b"\x00" in sample and not _mostly_text(sample.decode("latin-1"), allowed=3):
        raise ReadError(f"this is not a text file: it contains binary data. {ACCEPTED}")
    text = codecs.getincrementaldecoder("utf-8")(errors="replace").decode(sample, final=False)
    broken = text.count("\ufffd")
    if not broken:
        return "utf-8"
    # Real UTF-8 with a stray byte still has many valid multi-byte letters; legacy text has none.
    letters = sum(1 for ch in text if ord(ch) > 127) - broken
    if letters > 0 and broken <= max(1, letters // 20):
        return "utf-8"
    try:
        latin = sample.decode("cp1252")
    except UnicodeDecodeError:
        return "cp1256"  # bytes cp1252 leaves undefined are Arabic letters in cp1256
    arabic = sample.decode("cp1256", errors="replace")
    high = sum(1 for ch in latin if ord(ch) > 127) or 1
    return "cp1256" if len(_ARABIC.findall(arabic)) > 0.5 * high else "cp1252"


def _sample_text(data: bytes, encoding: str) -> str:
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    return decoder.decode(data[: SAMPLE_BYTES * 2], final=len(data) <= SAMPLE_BYTES * 2)


def _split(lines: list[str], delimiter: str) -> list[list[str]]:
    return [next(csv.reader([line], delimiter=delimiter), []) for line in lines]


def detect_delimiter(sample: str, filename: str = "") -> str:
    """The delimiter giving the most rows with the same number (>1) of fields."""
    lines = [line for line in sample.splitlines()[:50] if line.strip()]
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        lines = lines[:-1]  # the sample may cut the last line
    best, best_score = ("\t" if filename.lower().endswith((".tsv", ".tab")) else ","), (0.0, 0)
    for delimiter in DELIMITERS:
        counts = [len(row) for row in _split(lines, delimiter)]
        if not counts:
            continue
        mode, freq = Counter(counts).most_common(1)[0]
        if mode < 2:
            continue
        score = (freq / len(counts), mode)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _as_csv(line: str, delimiter: str) -> str:
    """One line of the file re-written as comma-separated CSV (how rejects keep their row)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(
        next(csv.reader([line], delimiter=delimiter), [])
    )
    return buffer.getvalue()


def _column_names(header: list[str]) -> list[str]:
    names: list[str] = []
    for i, name in enumerate(header):
        name = name.strip() or f"Unnamed: {i}"
        while name in names:
            name = f"{name}.1"
        names.append(name)
    return names


def _unclosed_quote_line(text: bytes, header_line: int) -> int | None:
    """Where a quote that opens a cell runs to the end of the file, if one does.

    Arrow would silently take the rest of the file into that cell; pandas' C parser names the
    row. A quote inside a cell (5" screen) is text, not an opening quote.
    """
    try:
        pd.read_csv(io.BytesIO(text), dtype=str, skiprows=header_line - 1, on_bad_lines="skip")
    except pd.errors.ParserError as exc:
        if match := _EOF_QUOTE.search(str(exc)):
            return header_line + int(match.group(1))
    return None


def _arrow_read(
    utf8: bytes, names: list[str], skip: int, delimiter: str
) -> tuple[pa.Table, list[tuple[int, str, str]]]:
    bad: list[tuple[int, str, str]] = []

    def ragged(row: Any) -> str:
        reason = f"{row.actual_columns} cells where the header has {row.expected_columns} columns"
        bad.append((int(row.number), reason, _as_csv(row.text, delimiter)))
        return "skip"

    table = pacsv.read_csv(
        pa.BufferReader(utf8),
        # one thread: Arrow then reports each bad row's line number
        read_options=pacsv.ReadOptions(use_threads=False, skip_rows=skip, column_names=names),
        parse_options=pacsv.ParseOptions(
            delimiter=delimiter,
            newlines_in_values=True,
            ignore_empty_lines=False,
            invalid_row_handler=ragged,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() for name in names},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    return table, bad


def read_delimited(data: bytes, filename: str = "") -> RawTable:
    """Read CSV/TSV bytes into text columns, keeping each row's line number in the file."""
    encoding = detect_encoding(data)
    sample = _sample_text(data, encoding)
    if not sample.strip():
        raise ReadError("the file is empty")
    delimiter = detect_delimiter(sample, filename)
    parsed_head = _split(sample.splitlines()[:HEADER_SCAN_ROWS], delimiter)
    header_index = find_header(parsed_head)
    header_line = header_index + 1
    names = _column_names(parsed_head[header_index])
    if encoding == "utf-8-sig":
        utf8 = data[len(codecs.BOM_UTF8) :]
    elif encoding == "utf-8":
        utf8 = data
    else:
        utf8 = data.decode(encoding, errors="replace").encode("utf-8")
    if utf8.count(b'"') % 2 and (line := _unclosed_quote_line(utf8, header_line)) is not None:
        raise ReadError(
            f"a quote opened on line {line} is never closed; fix the quoting and upload again"
        )
    try:
        table, bad = _arrow_read(utf8, names, header_line, delimiter)
    except pa.ArrowInvalid as exc:
        if "invalid UTF8" not in str(exc):
            raise ReadError(f"the file cannot be read as a table ({exc})") from None
        # A few bytes that are not UTF-8 in an otherwise UTF-8 file: shown as �, not fatal.
        utf8 = utf8.decode("utf-8", errors="replace").encode("utf-8")
        table, bad = _arrow_read(utf8, names, header_line, delimiter)
    frame = table.to_pandas(
        types_mapper={pa.string(): pd.StringDtype("pyarrow", na_value=np.nan)}.get
    )
    total = len(frame) + len(bad)
    lines = np.arange(header_line + 1, header_line + 1 + total, dtype="int64")
    if bad:
        lines = lines[~np.isin(lines, [line for line, _, _ in bad])]
    result = RawTable(
        frame=frame,
        lines=lines,
        encoding=encoding,
        delimiter=delimiter,
        header_line=header_line,
        bad_lines=pd.DataFrame(bad, columns=["line", "reason", "raw"]),
        nul_bytes=b"\x00" in utf8,
    )
    if header_index:
        result.notes.append(f"skipped {header_index} line(s) above the header")
    return tidy(result)


def read_table(
    data: bytes, filename: str = "", *, sheet: str | None = None, max_bytes: int = MAX_FILE_BYTES
) -> RawTable:
    """Any upload -> text table: XLSX by its signature, else delimited text."""
    if not data:
        raise ReadError("the file is empty")
    if len(data) > max_bytes:
        raise ReadError(
            f"the file is {len(data) / 2**20:.1f} MB; the limit is "
            f"{max_bytes / 2**20:.1f} MB. Split it and import the parts."
        )
    if data.startswith(b"PK\x03\x04"):
        return read_xlsx(data, sheet)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReadError(
            f"this is an old Excel .xls workbook: save it as .xlsx or CSV first. {ACCEPTED}"
        )
    return read_delimited(data, filename)
