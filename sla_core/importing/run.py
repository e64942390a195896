"""One import end to end, as one unit of work: permission, the attempt's record, reading and
checking, then the people, leads, events, rejects and finished record in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy.engine import Engine

from sla_core.access import Permission, require
from sla_core.browse import people_frame
from sla_core.db import session_scope
from sla_core.importing.after import after_import
from sla_core.importing.batches import (
    batch_rejects,
    fail_batch,
    list_imports,
    mark_interrupted,
    start_batch,
)
from sla_core.importing.mapping import ImportOptions
from sla_core.importing.rejects import raw_rows, shown
from sla_core.importing.validation import Prepared, prepare
from sla_core.models import Role, User
from sla_core.store.results import NEW_PEOPLE_COLUMNS, ImportUnit, UpsertResult, summary_line
from sla_core.store.writer import upsert_leads

__all__ = ["ImportFailed", "ImportReport", "batch_rejects", "list_imports", "run_import"]

Progress = Callable[[float, str], object]  # what it returns is ignored


class ImportFailed(ValueError):
    """The file could not be imported at all; nothing was stored. The message says why."""

    def __init__(self, message: str, batch_id: int | None = None) -> None:
        super().__init__(message)
        self.batch_id = batch_id


@dataclass
class ImportReport:
    """What an import did: counts, the rejected rows and the people it did not know."""

    batch_id: int
    filename: str
    rows_total: int
    new: int
    changed: int
    unchanged: int
    rejects: pd.DataFrame
    unknown_people: pd.DataFrame
    created_people: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)

    @property
    def rejected(self) -> int:
        """Rows rejected (a row with several problems counts once)."""
        return int(self.rejects["line"].nunique())

    @property
    def stored(self) -> int:
        """Rows now stored as the file has them (new, changed or already so)."""
        return self.new + self.changed + self.unchanged

    def summary(self) -> str:
        return summary_line(self.new, self.changed, self.unchanged, self.rejected)


def _quiet(_fraction: float, _message: str) -> None:
    return None


def run_import(
    *,
    engine: Engine,
    data: bytes,
    filename: str,
    actor: User,
    options: ImportOptions | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a file: good rows upserted and bad rows stored in one transaction, or nothing."""
    require(actor, Permission.IMPORT_LEADS)
    options = options or ImportOptions()
    report = progress or _quiet
    with session_scope(engine) as session:
        mark_interrupted(session=session, actor=actor)
        known = people_frame(session=session)
    batch_id = start_batch(
        engine=engine, filename=filename, data=data, preset=options.preset, actor=actor
    )
    prepared: Prepared | None = None
    try:
        report(0.02, f"Reading {filename}")
        prepared = prepare(data, options, filename=filename, users=known)
        report(0.3, f"Checked {prepared.rows_total:,} rows")
        result = _store(engine, prepared, options, batch_id, actor, report)
    except BaseException as exc:
        # the file could not be read (a clear ValueError), or its transaction rolled back
        message = str(exc) if prepared is None else f"nothing was stored: {exc}"
        fail_batch(engine=engine, batch_id=batch_id, message=message, actor=actor)
        if isinstance(exc, Exception):
            raise ImportFailed(message, batch_id) from exc
        raise
    out = _report(prepared, result, batch_id, filename)
    out.notes += after_import(engine=engine, batch_id=batch_id, actor=actor)
    report(1.0, out.summary())
    return out


def _store(
    engine: Engine,
    prepared: Prepared,
    options: ImportOptions,
    batch_id: int,
    actor: User,
    report: Progress,
) -> UpsertResult:
    """People, leads, events, rejects and the finished record: one transaction."""
    frame = prepared.frame
    if options.unknown_people == "create" and len(prepared.unknown_people):
        named = {NEW_PEOPLE_COLUMNS[kind]: prepared.people[kind] for kind in prepared.people}
        frame = frame.assign(**named)
    unit = ImportUnit(
        batch_id=batch_id,
        rows_total=prepared.rows_total,
        rejects=prepared.rejects,
        columns=prepared.mapping,
        update_only=options.update_only,
        undated_outcomes=options.undated_outcomes,
        sales_side=Role(actor.role) in (Role.ADMIN, Role.SALES_MANAGER),
    )

    def upsert_progress(fraction: float, message: str) -> None:
        report(0.35 + 0.6 * fraction, message)

    return upsert_leads(
        engine=engine,
        frame=frame,
        batch_id=batch_id,
        actor_id=actor.id,
        progress=upsert_progress,
        unit=unit,
    )


def _report(prepared: Prepared, result: UpsertResult, batch_id: int, filename: str) -> ImportReport:
    rejects = prepared.rejects
    if result.rejects:  # rows the transaction rejected against what is stored
        late = pd.DataFrame(list(result.rejects))
        if "value" in late.columns:
            late["value"] = shown(late["value"]).to_numpy()
        late["raw"] = raw_rows(prepared.table, late["line"].to_numpy()).to_numpy()
        rejects = pd.concat([rejects, late], ignore_index=True)
        rejects = rejects.sort_values("line", kind="stable", ignore_index=True)
    return ImportReport(
        batch_id=batch_id,
        filename=filename,
        rows_total=prepared.rows_total,
        new=result.new,
        changed=result.changed,
        unchanged=result.unchanged,
        rejects=rejects,
        unknown_people=prepared.unknown_people,
        created_people=list(result.created_people),
        notes=prepared.notes,
        columns=[str(c) for c in prepared.table.frame.columns],
        mapping=prepared.mapping,
    )
