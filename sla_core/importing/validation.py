"""Row checks: the mapped text table -> the prepared frame the writer takes, plus rejects.

`validate` runs one step per concern over the rows; each step reads the cells of the fields
it checks, writes our values, and rejects the rows it cannot accept, naming line and reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sla_core.i18n.languages import N_
from sla_core.i18n.message import Message
from sla_core.importing.categories import one_spelling
from sla_core.importing.cells import clean_cells, matches
from sla_core.importing.lifecycle import stage_column
from sla_core.importing.mapping import ImportOptions, norm, resolve_columns, value_map
from sla_core.importing.people import USER_COLUMNS, match_people
from sla_core.importing.reading import RawTable, read_table
from sla_core.importing.rejects import REJECT_COLUMNS, Rejects, duplicates, raw_rows
from sla_core.importing.values import parse_company_size, parse_numbers, per_unique, read_dates
from sla_core.models import Lead
from sla_core.store.fields import DATE_FIELDS, TEXT_FIELDS

__all__ = ["USER_COLUMNS", "Prepared", "prepare", "validate"]

EMAIL = r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+"
_MAX_LEN = {
    c.name: c.type.length
    for c in Lead.__table__.columns  # type: ignore[attr-defined]
    if getattr(c.type, "length", None)
}
_STR = pd.StringDtype("pyarrow", na_value=np.nan)


@dataclass
class Prepared:
    """The prepared frame, the rejects, and the people in the file not found among users."""

    frame: pd.DataFrame
    rejects: pd.DataFrame
    unknown_people: pd.DataFrame
    people: pd.DataFrame
    mapping: dict[str, str]
    table: RawTable
    notes: list[str] = field(default_factory=list)

    @property
    def rows_total(self) -> int:
        return len(self.table.frame) + len(self.table.bad_lines)


@dataclass
class _Rows:
    """What the steps share: the file's cells by our field, our values so far, the rejects."""

    table: RawTable
    options: ImportOptions
    cols: dict[str, str]
    cells: dict[str, pd.Series]
    rej: Rejects
    out: dict[str, pd.Series] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def missing_key(columns: dict[str, str], headers: list[str]) -> str | None:
    """Why the rows cannot be matched to stored leads, if no key column is mapped."""
    if "external_id" in columns or "email" in columns:
        return None
    return Message.of(
        N_(
            "map a record id or an e-mail column: leads are matched on one of them "
            "(the file's columns: {columns})"
        ),
        columns=", ".join(headers),
    )


def _start(table: RawTable, options: ImportOptions) -> _Rows:
    raw = table.frame
    headers = [str(c) for c in raw.columns]
    cols = resolve_columns(headers, options)
    for name in options.constants:  # "same value for every row" wins over a column
        cols[name] = f"(every row) {name}"
    if problem := missing_key(cols, headers):
        raise ValueError(problem)
    nulls = pa.array(sorted(set(options.null_values) | {""}), type=pa.string())
    cells = {name: clean_cells(raw[col], nulls) for name, col in cols.items() if col in raw.columns}
    for name, value in options.constants.items():
        cells[name] = pd.Series(value, index=raw.index, dtype=_STR, name=cols[name])
    lines = pd.Series(table.lines, index=raw.index)
    return _Rows(table, options, cols, cells, Rejects(lines), notes=list(table.notes))


def _nul_bytes(rows: _Rows) -> None:
    """A NUL byte inside a cell: that row is damaged, not the whole file."""
    if not rows.table.nul_bytes:
        return
    for column in rows.table.frame.columns:
        values = rows.table.frame[column]
        bad = values.str.contains("\x00", regex=False).fillna(False)
        rows.rej.add(bad, str(column), values.str.replace("\x00", "\\0"), "a NUL byte in the cell")


def _text(rows: _Rows) -> None:
    """Text fields as they are, renamed by the value map, one spelling per category."""
    for name in TEXT_FIELDS:
        if name not in rows.cells:
            continue
        values = rows.cells[name]
        renames = value_map(rows.options, name)
        if renames:  # e.g. HubSpot's ORGANIC_SEARCH -> "Organic search"; others kept as they are
            values = _renamed(values, renames)
        rows.out[name] = one_spelling(values, name)


def _renamed(values: pd.Series, renames: dict[str, str]) -> pd.Series:
    def rename(distinct: pd.Series) -> pd.Series:
        return distinct.map(lambda v: renames.get(norm(v), v), na_action="ignore")

    return per_unique(values, rename).astype(_STR)


def _emails(rows: _Rows) -> None:
    if "email" not in rows.out:
        return
    rows.out["email"] = rows.out["email"].str.lower()
    bad = rows.out["email"].notna() & ~matches(rows.out["email"], EMAIL)
    rows.rej.add(bad, rows.cols["email"], rows.cells["email"], "not a valid e-mail address")


def _lengths(rows: _Rows) -> None:
    for name, series in rows.out.items():
        limit = _MAX_LEN.get(name)
        # A column whose longest value in bytes fits needs no per-character count.
        longest = pc.max(pc.binary_length(pa.array(series, type=pa.string()))).as_py() or 0
        if limit and longest > limit:
            reason = f"longer than {limit} characters"
            rows.rej.add(series.str.len() > limit, rows.cols[name], series, reason)


def _key(rows: _Rows) -> None:
    index = rows.table.frame.index
    key = rows.out["external_id"] if "external_id" in rows.out else pd.Series(pd.NA, index=index)
    if "email" in rows.out:
        key = key.fillna(rows.out["email"])
    rows.rej.add(key.isna(), None, None, "no record id and no e-mail: the row cannot be matched")
    rows.out["lead_key"] = key


def _stage(rows: _Rows) -> None:
    cells, cols = rows.cells, rows.cols
    if "stage" not in cells and "lead_status" not in cells:
        return
    status, stage_values = cells.get("lead_status"), cells.get("stage")
    if stage_values is None:
        cols["stage"] = cols["lead_status"]
        stage_values, status = cells["lead_status"], None
    # An empty stage cell stays empty: the writer keeps a stored lead's stage, new ones start as lead.
    rows.out["stage"] = stage_column(stage_values, status, rows.options, rows.rej, cols)


def _numbers(rows: _Rows) -> None:
    cells, cols = rows.cells, rows.cols
    if "company_size" in cells:
        sizes = parse_company_size(cells["company_size"])
        bad = cells["company_size"].notna() & sizes.isna()
        reason = "not a company size (e.g. 250, 51-200, 10k+ or self-employed)"
        rows.rej.add(bad, cols["company_size"], cells["company_size"], reason)
        rows.out["company_size"] = sizes
    for name in ("engagement", "deal_value"):
        if name in cells:
            number = parse_numbers(cells[name])
            rows.rej.add(
                cells[name].notna() & number.isna(), cols[name], cells[name], "not a number"
            )
            rows.out[name] = number.round().astype("Int64") if name == "engagement" else number


def _dates(rows: _Rows) -> None:
    cells, cols, options = rows.cells, rows.cols, rows.options
    for name in DATE_FIELDS:
        if name not in cells:
            continue
        parsed, unsure = read_dates(
            cells[name], date_order=options.date_order, timezone=options.timezone, column=cols[name]
        )
        unread = cells[name].notna() & parsed.isna() & ~unsure
        rows.rej.add(unread, cols[name], cells[name], "a date that cannot be read")
        reason = "can be read day-first or month-first, and the column does not settle which"
        rows.rej.add(unsure, cols[name], cells[name], reason)
        rows.out[name] = parsed
    if "created_at" not in rows.out:
        return
    for name in DATE_FIELDS[1:]:
        if name in rows.out:
            early = rows.out[name] < rows.out["created_at"]
            what = name.removesuffix("_at").replace("_", " ")
            reason = f"{what} date is before the created date"
            rows.rej.add(early, cols[name], cells[name], reason)


def _undated(rows: _Rows) -> None:
    """Leads without a created date: dated at import time, or rejected, as the user chose."""
    created = rows.out.get("created_at")
    index = rows.table.frame.index
    undated = pd.Series(True, index=index) if created is None else created.isna()
    undated &= ~rows.rej.bad
    if not undated.any():
        return
    if rows.options.missing_dates == "reject":
        reason = "no created date (map a date column, or choose to date such leads today)"
        rows.rej.add(undated, rows.cols.get("created_at"), rows.cells.get("created_at"), reason)
    else:
        rows.notes.append(
            f"{int(undated.sum()):,} row(s) have no created date: new leads among them are "
            "dated at the import"
        )


def _assemble(rows: _Rows, people: pd.DataFrame, unknown: pd.DataFrame) -> Prepared:
    """Good rows into the frame, rejects in line order with the rows as they were."""
    table, rej = rows.table, rows.rej
    frame = pd.DataFrame({"line": rej.lines.astype("int64"), **rows.out}, copy=False)
    if rej.bad.any():
        frame = frame[~rej.bad]
    dropped = duplicates(frame, rej, frame["line"])
    if dropped.any():
        frame = frame[~dropped]
    rejects = (
        pd.concat(rej.parts, ignore_index=True)
        if rej.parts
        else pd.DataFrame(columns=REJECT_COLUMNS[:-1])
    )
    if not rejects.empty:
        rejects["raw"] = raw_rows(table, rejects["line"].to_numpy()).to_numpy()
    bad_lines = table.bad_lines.assign(column=None, value=None)
    rejects = pd.concat([rejects, bad_lines], ignore_index=True) if len(bad_lines) else rejects
    rejects = rejects.reindex(columns=REJECT_COLUMNS).sort_values(
        "line", kind="stable", ignore_index=True
    )
    rejects["line"] = rejects["line"].astype("int64")
    return Prepared(
        frame=frame.reset_index(drop=True),
        rejects=rejects,
        unknown_people=unknown,
        people=people.loc[frame.index].reset_index(drop=True),
        mapping=rows.cols,
        table=table,
        notes=rows.notes,
    )


def validate(
    table: RawTable, options: ImportOptions, users: pd.DataFrame | None = None
) -> Prepared:
    """Check every row and build the prepared frame; bad rows become rejects with reasons."""
    rows = _start(table, options)
    for step in (_nul_bytes, _text, _emails, _lengths, _key, _stage, _numbers, _dates, _undated):
        step(rows)
    people, unknown = match_people(
        rows.cells,
        rows.cols,
        rows.out,
        users,
        rows.rej,
        reject_unknown=options.unknown_people == "reject",
    )
    return _assemble(rows, people.reindex(table.frame.index), unknown)


def prepare(
    data: bytes,
    options: ImportOptions | None = None,
    *,
    filename: str = "",
    users: pd.DataFrame | None = None,
) -> Prepared:
    """File bytes -> (prepared frame, rejects, unknown owners/marketers), nothing written."""
    options = options or ImportOptions()
    return validate(read_table(data, filename, sheet=options.sheet), options, users)
