"""The lead snapshot kept on disk, so that a server just started does not read every lead.

A server's first read of a million leads takes 1.4 s on SQLite and 3.6 s on PostgreSQL
(ADBC's COPY decoding, in this process). After a full read the snapshot is written to one
Arrow file (0.1 s, in the background) together with the `Mark` it was read at; the next
server start maps that file (0.1-0.4 s) and brings it up to date with the rows written since,
exactly as a running server refreshes its snapshot after a write (`refresh.load`: the rows
stamped, added or named by an event since the mark; a full read when too many changed or
the tables were rebuilt). Both give the frame a full read gives
(tests/test_snapshot_file.py).

The file is named after a random id stored in the database itself (`Setting`
"snapshot_file_id"): a database dropped and created again under the same URL gets a new
id, so it never meets the old file. The file holds the leads, like the SQLite file: it is
written readable by this user only, and `LEADPACT_SNAPSHOT_DIR=off` keeps it off disk.
Only snapshots of `KEEP_FROM` leads or more are kept: smaller ones read fast anyway.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from dataclasses import asdict
from datetime import datetime, timedelta
from pathlib import Path

import pyarrow as pa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session

from sla_core.models import Setting
from sla_core.people.users import secret
from sla_core.store import process
from sla_core.store.refresh import Mark
from sla_core.store.snapshot import SNAPSHOT_COLUMNS, Shared

KEEP_FROM = 100_000
FORMAT = "leadpact-snapshot-1"  # a file of another format (or other columns) is not read
_KEY = b"leadpact.snapshot"
ID_KEY = "snapshot_file_id"


def file_for(folder: Path, *, session: Session, create: bool) -> Path | None:
    """The snapshot file of the database `session` talks to, in `folder` (None: the database
    has no id yet and `create` is false, so nothing was ever kept for it)."""
    if not create:
        row = session.get(Setting, ID_KEY)
        return None if row is None else folder / f"leads-{row.value}.arrow"
    try:
        name = secret(session=session, key=ID_KEY)
        session.commit()
    except IntegrityError:  # another server stored the id first: read theirs
        session.rollback()
        name = secret(session=session, key=ID_KEY)
    return folder / f"leads-{name}.arrow"


def save(shared: Shared, path: Path) -> bool:
    """Write `shared` (frame and mark) to `path`, whole or not at all; False when it was
    not kept (too small, no mark, or the disk refused: a later start then reads everything)."""
    if shared.mark is None or len(shared.frame) < KEEP_FROM:
        return False
    meta = {_KEY: json.dumps({"format": FORMAT, "mark": _mark_json(shared.mark)}).encode()}
    try:
        table = pa.Table.from_pandas(shared.frame, preserve_index=False)
        table = table.replace_schema_metadata({**(table.schema.metadata or {}), **meta})
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, partial = tempfile.mkstemp(dir=path.parent, prefix=".leads-", suffix=".part")
        try:
            with os.fdopen(handle, "wb") as out, pa.ipc.new_file(out, table.schema) as writer:
                writer.write_table(table)
            os.replace(partial, path)  # a reader sees the old file or the new one, never half
        finally:
            Path(partial).unlink(missing_ok=True)
    except (OSError, pa.ArrowException):
        return False
    return True


def load(path: Path) -> Shared | None:
    """The snapshot kept in `path`, or None when there is none usable (missing, unreadable,
    another format or other columns): the caller then reads every lead."""
    try:
        # mapped, not read: the text columns stay views of the file's pages (which the
        # system may drop and read again, and a hand-back leaves to it: `process.mapped`),
        # only what pandas converts takes memory of its own. Written by `os.replace`, a
        # kept file is never changed in place under a map.
        table = pa.ipc.open_file(pa.py_buffer(process.mapped(path))).read_all()
        meta = json.loads((table.schema.metadata or {})[_KEY])
    except (OSError, pa.ArrowException, KeyError, ValueError):
        return None
    if meta.get("format") != FORMAT or table.column_names != list(SNAPSHOT_COLUMNS):
        return None
    try:
        mark = _mark_from(meta["mark"])
    except (KeyError, TypeError, ValueError):
        return None
    frame = table.to_pandas(split_blocks=True, self_destruct=True)
    del table
    return Shared(mark.revision, frame, mark=mark)


def _mark_json(mark: Mark) -> dict[str, object]:
    out = asdict(mark)
    out["at"] = mark.at.isoformat()
    out["importing_since"] = mark.importing_since and mark.importing_since.isoformat()
    out["settled"] = list(mark.settled)
    return out


def _mark_from(raw: dict[str, object]) -> Mark:
    def instant(value: object) -> datetime | None:
        return None if value is None else datetime.fromisoformat(str(value))

    def number(value: object) -> int | None:
        return None if value is None else int(str(value))

    at = instant(raw["at"])
    if at is None:
        raise ValueError("a kept snapshot without the instant it was read")
    settled = raw["settled"]
    if not isinstance(settled, list):
        raise TypeError("settled")
    return Mark(
        updated=number(raw["updated"]),
        lead_id=number(raw["lead_id"]),
        first_id=number(raw["first_id"]),
        event_id=number(raw["event_id"]),
        count=number(raw["count"]),
        at=at,
        importing_since=instant(raw["importing_since"]),
        settled=tuple(int(s) for s in settled),
    )


class Keeper:
    """One database's kept snapshot: read it at a server's first load, write it again after
    a full read or, while people work, every `RESAVE` (in a background thread either way, so
    no page waits for the disk)."""

    RESAVE = timedelta(minutes=30)

    def __init__(self, engine: Engine, folder: Path) -> None:
        self.engine = engine
        self.folder = folder
        self._saved: datetime | None = None
        self._lock = threading.Lock()
        self._writing: threading.Thread | None = None

    def path(self, *, create: bool = False) -> Path | None:
        """The file (None: none was ever kept, or the database cannot say its id now)."""
        try:
            with Session(self.engine) as session:
                return file_for(self.folder, session=session, create=create)
        except SQLAlchemyError:
            return None

    def first(self) -> Shared | None:
        """The kept snapshot, to start the server's first load from."""
        path = self.path()
        shared = None if path is None else load(path)
        if shared is not None and shared.mark is not None:
            self._saved = shared.mark.at
        return shared

    def loaded(self, shared: Shared, *, whole: bool) -> threading.Thread | None:
        """Note the snapshot just loaded (`whole`: every lead was read): the thread writing it,
        when it is due to be kept."""
        if shared.mark is None or len(shared.frame) < KEEP_FROM:
            return None
        with self._lock:
            due = whole or self._saved is None or shared.mark.at - self._saved >= self.RESAVE
            if not due or (self._writing is not None and self._writing.is_alive()):
                return None
            self._saved = shared.mark.at
            thread = threading.Thread(
                target=self._save, args=(shared,), name="leadpact-keep-snapshot", daemon=True
            )
            self._writing = thread
        thread.start()
        return thread

    def _save(self, shared: Shared) -> None:
        path = self.path(create=True)
        if path is not None:
            save(shared, path)
