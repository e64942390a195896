"""Row checks: the mapped text table -> the prepared frame the writer takes, plus rejects."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.arrays import ArrowStringArray

from sla_core.importing.lifecycle import stage_column
from sla_core.importing.mapping import (
    PEOPLE_FIELDS,
    ImportOptions,
    norm,
    resolve_columns,
    value_map,
)
from sla_core.importing.reading import RawTable, read_table
from sla_core.importing.rejects import REJECT_COLUMNS, Rejects, duplicates, raw_rows
from sla_core.importing.values import (
    parse_company_size,
    parse_dates,
    parse_numbers,
    per_unique,
)
from sla_core.lead_fields import DATE_FIELDS, TEXT_FIELDS
from sla_core.models import Lead

EMAIL = r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+"
_MAX_LEN = {
    c.name: c.type.length
    for c in Lead.__table__.columns  # type: ignore[attr-defined]
    if getattr(c.type, "length", None)
}
_STR = pd.StringDtype("pyarrow", na_value=np.nan)
_SPACES = (" ",)  # each character checked costs two scans of every cell
USER_COLUMNS = ["id", "username", "name", "email", "role"]


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

    def __iter__(self) -> Iterator[Any]:
        return iter((self.frame, self.rejects, self.unknown_people))

    @property
    def rows_total(self) -> int:
        return len(self.table.frame) + len(self.table.bad_lines)


def _renamed(values: pd.Series, renames: dict[str, str]) -> pd.Series:
    def rename(distinct: pd.Series) -> pd.Series:
        return distinct.map(lambda v: renames.get(norm(v), v), na_action="ignore")

    return per_unique(values, rename).astype("str")


def _matches(values: pd.Series, pattern: str) -> pd.Series:
    # Arrow's RE2 directly: pandas falls back to Python's re for this pattern (10x slower).
    found = pc.match_substring_regex(pa.array(values, type=pa.string()), f"^(?:{pattern})$")
    flags = pc.fill_null(found, False).to_numpy(zero_copy_only=False)
    return pd.Series(flags, index=values.index, dtype=bool)


def _clean(raw: pd.Series, nulls: pa.Array) -> pd.Series:
    """Cells trimmed, null tokens as missing; in Arrow, copying a column only when it changes."""
    cells = pa.array(raw, type=pa.string())
    if any(
        pc.any(edge(cells, pattern=space)).as_py()
        for edge in (pc.starts_with, pc.ends_with)
        for space in _SPACES
    ):
        cells = pc.utf8_trim_whitespace(cells)
    empty = pc.is_in(cells, value_set=nulls)
    if pc.any(empty).as_py():
        cells = pc.if_else(empty, pa.scalar(None, pa.string()), cells)
    if not isinstance(cells, pa.ChunkedArray):
        cells = pa.chunked_array([cells])
    return pd.Series(ArrowStringArray(cells, dtype=_STR), index=raw.index, name=raw.name)


def _people(names: pd.Series, users: pd.DataFrame) -> pd.Series:
    index: dict[str, int] = {}
    for _, user in users.iterrows():  # users are few: tens, not millions
        for key in (user.get("name"), user.get("username"), user.get("email")):
            if isinstance(key, str) and key.strip():
                index.setdefault(key.strip().casefold(), int(user["id"]))
    found = per_unique(
        names, lambda u: u.map(lambda v: index.get(v.casefold()), na_action="ignore")
    )
    return found.astype("Int64")


def validate(
    table: RawTable, options: ImportOptions, users: pd.DataFrame | None = None
) -> Prepared:
    """Check every row and build the prepared frame; bad rows become rejects with reasons."""
    raw = table.frame
    cols = resolve_columns(list(raw.columns), options)
    if "external_id" not in cols and "email" not in cols:
        raise ValueError(
            "map a record id or an e-mail column: leads are matched on one of them "
            f"(the file's columns: {', '.join(map(str, raw.columns))})"
        )
    nulls = pa.array(sorted(set(options.null_values) | {""}), type=pa.string())
    lines = pd.Series(table.lines, index=raw.index)
    rej = Rejects(lines)
    out: dict[str, pd.Series] = {}
    cells = {name: _clean(raw[col], nulls) for name, col in cols.items()}
    for name in TEXT_FIELDS:
        if name in cells:
            out[name] = cells[name]
    for name, series in out.items():
        renames = value_map(options, name)
        if renames:  # e.g. HubSpot's ORGANIC_SEARCH -> "Organic search"; others kept as they are
            out[name] = _renamed(series, renames)
    if "email" in out:
        out["email"] = out["email"].str.lower()
        bad = out["email"].notna() & ~_matches(out["email"], EMAIL)
        rej.add(bad, cols["email"], cells["email"], "not a valid e-mail address")
    for name, series in out.items():
        limit = _MAX_LEN.get(name)
        # A column whose longest value in bytes fits needs no per-character count.
        if (
            limit
            and (pc.max(pc.binary_length(pa.array(series, type=pa.string()))).as_py() or 0) > limit
        ):
            rej.add(series.str.len() > limit, cols[name], series, f"longer than {limit} characters")
    key = out["external_id"] if "external_id" in out else pd.Series(pd.NA, index=raw.index)
    if "email" in out:
        key = key.fillna(out["email"])
    rej.add(key.isna(), None, None, "no record id and no e-mail: the row cannot be matched")
    out["lead_key"] = key
    if "stage" in cells or "lead_status" in cells:
        status = cells.get("lead_status")
        stage_values = cells.get("stage")
        if stage_values is None:
            cols["stage"] = cols["lead_status"]
            stage_values, status = cells["lead_status"], None
        # An empty stage cell stays empty: the writer keeps a stored lead's stage, new ones start as lead.
        out["stage"] = stage_column(stage_values, status, options, rej, cols)
    if "company_size" in cells:
        out["company_size"] = parse_company_size(cells["company_size"])
        rej.add(
            cells["company_size"].notna() & out["company_size"].isna(),
            cols["company_size"],
            cells["company_size"],
            "not a company size (e.g. 250 or 51-200)",
        )
    for name in ("engagement", "deal_value"):
        if name in cells:
            number = parse_numbers(cells[name])
            rej.add(cells[name].notna() & number.isna(), cols[name], cells[name], "not a number")
            out[name] = number.round().astype("Int64") if name == "engagement" else number
    for name in DATE_FIELDS:
        if name in cells:
            parsed = parse_dates(
                cells[name],
                date_order=options.date_order,
                timezone=options.timezone,
                column=cols[name],
            )
            rej.add(
                cells[name].notna() & parsed.isna(),
                cols[name],
                cells[name],
                "a date that cannot be read",
            )
            out[name] = parsed
    if "created_at" in out:
        for name in DATE_FIELDS[1:]:
            if name in out:
                early = out[name] < out["created_at"]
                rej.add(
                    early,
                    cols[name],
                    cells[name],
                    f"{name.removesuffix('_at').replace('_', ' ')} date is before the created date",
                )
    users = users if users is not None else pd.DataFrame(columns=USER_COLUMNS)
    people = pd.DataFrame(index=raw.index)
    unknown = []
    for name, target in PEOPLE_FIELDS.items():
        if name in cells:
            ids = _people(cells[name], users)
            out[target] = ids
            missing = cells[name].notna() & ids.isna()
            people[name] = cells[name].where(missing)
            if missing.any():
                counts = cells[name][missing].value_counts()
                unknown.append(
                    pd.DataFrame(
                        {
                            "kind": name,
                            "value": counts.index.astype("object"),
                            "rows": counts.to_numpy(),
                        }
                    )
                )
                if options.unknown_people == "reject":
                    rej.add(missing, cols[name], cells[name], f"unknown {name}: not a user")
    frame = pd.DataFrame({"line": lines.astype("int64"), **out}, copy=False)
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
    unknown_frame = (
        pd.concat(unknown, ignore_index=True)
        if unknown
        else pd.DataFrame(columns=["kind", "value", "rows"])
    )
    return Prepared(
        frame=frame.reset_index(drop=True),
        rejects=rejects,
        unknown_people=unknown_frame,
        people=people.loc[frame.index].reset_index(drop=True),
        mapping=cols,
        table=table,
        notes=list(table.notes),
    )


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
