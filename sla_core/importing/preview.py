"""What the Import page shows before anything is stored: what was read, and what stops Import."""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass, field
from typing import Any

from sla_core.i18n.languages import N_
from sla_core.i18n.message import Figure, Message
from sla_core.importing.mapping import ImportOptions, resolve_columns
from sla_core.importing.reading import RawTable, read_table
from sla_core.importing.validation import missing_key

_CACHE_KEY = "import_raw"


def read_once(
    cache: MutableMapping[Any, Any], file_id: str, data: bytes, filename: str
) -> tuple[RawTable, bool]:
    """The upload read as a table, once per file (kept in `cache`); (table, whether new).

    Raises ReadError (nothing cached) when the file cannot be read.
    """
    cached = cache.get(_CACHE_KEY)
    if cached is not None and cached[0] == file_id:
        return cached[1], False
    cache.pop(_CACHE_KEY, None)
    table = read_table(data, filename)
    cache[_CACHE_KEY] = (file_id, table)
    return table, True


def describe(table: RawTable) -> str:
    """One line on what was read: rows, set-aside rows, header line, encoding, sheet."""
    return " · ".join(describe_parts(table))


def describe_parts(table: RawTable) -> list[Message]:
    """What was read, part by part (the page translates each and joins them)."""
    found = [
        Message.of(N_("{count} rows"), count=Figure(len(table.frame))),
        Message.of(N_("header on line {line}"), line=Figure(table.header_line)),
    ]
    if len(table.bad_lines):
        found.insert(
            1,
            Message.of(N_("{count} malformed rows set aside"), count=Figure(len(table.bad_lines))),
        )
    if table.encoding:
        found += [
            Message.of(N_("encoding {encoding}"), encoding=table.encoding),
            Message.of(N_("delimiter {delimiter}"), delimiter=repr(table.delimiter)),
        ]
    if table.sheet:
        found.append(Message.of(N_("sheet {sheet}"), sheet=repr(table.sheet)))
    return found


@dataclass
class Readiness:
    """What must change before Import (problems), and the leads without a created date."""

    problems: list[str] = field(default_factory=list)
    undated: int = 0
    created_column: str | None = None

    @property
    def ready(self) -> bool:
        return not self.problems


def readiness(table: RawTable, options: ImportOptions) -> Readiness:
    """Checked before Import is pressed: a key column, and how many rows have no created date."""
    headers = [str(c) for c in table.frame.columns]
    try:
        columns = resolve_columns(headers, options)
    except ValueError as exc:
        return Readiness([str(exc)])
    for name in options.constants:
        columns[name] = "(every row)"
    out = Readiness()
    if problem := missing_key(columns, headers):
        out.problems.append(problem)
    created = columns.get("created_at")
    out.created_column = created
    if "created_at" in options.constants:
        return out
    if created is None:
        out.undated = len(table.frame)
    else:
        cells = table.frame[created].str.strip()
        out.undated = int((cells.isna() | cells.isin(list(options.null_values) + [""])).sum())
    return out
