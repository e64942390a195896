"""One import end to end: permission, batch record, unknown people, upsert, stored rejects."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from sla_core import users as users_mod
from sla_core.access import Permission, require
from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.importing.mapping import ImportOptions
from sla_core.importing.validation import USER_COLUMNS, Prepared, prepare
from sla_core.models import ImportBatch, ImportReject, Role, User

Progress = Callable[[float, str], None]
# Who an unknown person in the file becomes when the user chooses to create them.
_NEW_ROLE = {"owner": Role.SALES_REP, "marketer": Role.MARKETER}
_TARGET = {"owner": "owner_id", "marketer": "marketer_id"}


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

    def summary(self) -> str:
        return (
            f"{self.new:,} new, {self.changed:,} changed, {self.unchanged:,} unchanged, "
            f"{self.rejected:,} rejected"
        )


def users_frame(*, session: Session) -> pd.DataFrame:
    """Every user as id, username, name, email, role: what owners in a file are matched to."""
    people = session.exec(select(User)).all()
    rows = [(u.id, u.username, u.name, u.email, str(u.role)) for u in people]
    return pd.DataFrame(rows, columns=USER_COLUMNS)


def _username(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9._-]+", ".", name.strip().lower().split("@")[0]).strip(".-_")[:40]
    base = base if len(base) >= 2 else f"user.{base}"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}{n}", n + 1
    taken.add(candidate)
    return candidate


def create_people(*, session: Session, unknown: pd.DataFrame) -> dict[tuple[str, str], int]:
    """Create each unknown owner/marketer as a member without a login; (kind, value) -> id."""
    taken = set(session.exec(select(User.username)).all())
    emails = {e for e in session.exec(select(User.email)).all() if e}
    created: dict[tuple[str, str], int] = {}
    for kind, value in unknown[["kind", "value"]].drop_duplicates().itertuples(index=False):
        is_email = "@" in value and value.strip().lower() not in emails
        user = users_mod.create_user(
            session=session,
            username=_username(value, taken),
            name=value.split("@")[0] if "@" in value else value,
            role=_NEW_ROLE[kind],
            email=value if is_email else None,
        )
        if is_email:
            emails.add(value.strip().lower())
        assert user.id is not None
        created[(kind, value)] = user.id
    return created


def _fill_people(prepared: Prepared, created: dict[tuple[str, str], int]) -> pd.DataFrame:
    frame = prepared.frame.copy()
    for kind in prepared.people.columns:
        ids = {value: id_ for (k, value), id_ in created.items() if k == kind}
        filled = prepared.people[kind].map(ids).astype("Int64")
        frame[_TARGET[kind]] = frame[_TARGET[kind]].fillna(filled)
    return frame


def _finish(engine: Engine, batch_id: int, **values: object) -> None:
    with session_scope(engine) as session:
        batch = session.get(ImportBatch, batch_id)
        assert batch is not None
        for key, value in values.items():
            setattr(batch, key, value)
        batch.finished_at = now()


def run_import(
    *,
    engine: Engine,
    data: bytes,
    filename: str,
    user: User,
    options: ImportOptions | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a file: good rows upserted in one transaction, bad rows reported and kept."""
    from sla_core.lead_store import upsert_leads

    require(user, Permission.IMPORT_LEADS)
    options = options or ImportOptions()
    report: Progress = progress or (lambda _f, _m: None)
    with session_scope(engine) as session:
        batch = ImportBatch(
            filename=filename[:500],
            file_hash=hashlib.sha256(data).hexdigest(),
            preset=options.preset,
            user_id=user.id,
        )
        session.add(batch)
        session.flush()
        assert batch.id is not None
        batch_id = batch.id
        known = users_frame(session=session)
    report(0.02, f"Reading {filename}")
    try:
        prepared = prepare(data, options, filename=filename, users=known)
    except ValueError as exc:
        _finish(engine, batch_id, status="failed", message=str(exc))
        raise ImportFailed(str(exc), batch_id) from None
    report(0.3, f"Checked {prepared.rows_total:,} rows")
    created: dict[tuple[str, str], int] = {}
    frame = prepared.frame
    if options.unknown_people == "create" and len(prepared.unknown_people):
        with session_scope(engine) as session:
            created = create_people(session=session, unknown=prepared.unknown_people)
        frame = _fill_people(prepared, created)

    def upsert_progress(fraction: float, message: str) -> None:
        report(0.35 + 0.6 * fraction, message)

    try:
        result = upsert_leads(
            engine=engine,
            frame=frame,
            batch_id=batch_id,
            actor_id=user.id,
            progress=upsert_progress,
        )
    except Exception as exc:
        _finish(engine, batch_id, status="failed", message=f"nothing was stored: {exc}")
        raise ImportFailed(f"nothing was stored: {exc}", batch_id) from exc
    rejects = prepared.rejects
    if len(rejects):
        rows = rejects.assign(batch_id=batch_id).astype("object")
        rows = rows.where(rows.notna(), None)
        with engine.begin() as conn:
            conn.execute(insert(ImportReject), rows.to_dict("records"))
    out = ImportReport(
        batch_id=batch_id,
        filename=filename,
        rows_total=prepared.rows_total,
        new=result.new,
        changed=result.changed,
        unchanged=result.unchanged,
        rejects=rejects,
        unknown_people=prepared.unknown_people,
        created_people=[f"{value} ({_NEW_ROLE[kind].value})" for kind, value in created],
        notes=prepared.notes,
        columns=[str(c) for c in prepared.table.frame.columns],
        mapping=prepared.mapping,
    )
    _finish(
        engine,
        batch_id,
        status="rejects" if out.rejected else "done",
        rows_total=out.rows_total,
        new=out.new,
        changed=out.changed,
        unchanged=out.unchanged,
        rejected=out.rejected,
        message=out.summary(),
    )
    report(1.0, out.summary())
    return out


def list_imports(*, session: Session, limit: int = 50) -> pd.DataFrame:
    """The latest imports, newest first: file, who, when, counts, status."""
    rows = session.exec(
        select(ImportBatch, User.name)
        .join(User, col(ImportBatch.user_id) == User.id, isouter=True)
        .order_by(col(ImportBatch.id).desc())
        .limit(limit)
    ).all()
    return pd.DataFrame(
        [
            {
                "id": b.id,
                "file": b.filename,
                "by": name,
                "started": b.started_at,
                "status": b.status,
                "rows": b.rows_total,
                "new": b.new,
                "changed": b.changed,
                "unchanged": b.unchanged,
                "rejected": b.rejected,
                "sha256": b.file_hash[:12],
            }
            for b, name in rows
        ],
        columns=[
            "id",
            "file",
            "by",
            "started",
            "status",
            "rows",
            "new",
            "changed",
            "unchanged",
            "rejected",
            "sha256",
        ],
    )


def batch_rejects(*, session: Session, batch_id: int) -> pd.DataFrame:
    """The rejected rows of one import, by line."""
    rows = session.exec(
        select(ImportReject).where(ImportReject.batch_id == batch_id).order_by(col(ImportReject.id))
    ).all()
    return pd.DataFrame(
        [(r.line, r.column, r.value, r.reason, r.raw) for r in rows],
        columns=["line", "column", "value", "reason", "raw"],
    )
