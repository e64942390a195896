"""The database: engine from DATABASE_URL (default SQLite in data/), sessions, migrations."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlmodel import Session, create_engine

from sla_core.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class DatabaseUnavailable(RuntimeError):
    """The database named by DATABASE_URL cannot be used; the message says why in one line."""


class TextRefused(ValueError):
    """Free text the database could not keep as given; the message names the field and why."""


# C0 control characters and DEL, but tab and line breaks (a comment may have paragraphs).
# PostgreSQL refuses a NUL in text outright; the others are no one's intended input.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def checked_text(value: str, *, field: str, limit: int) -> str:
    """`value` without its outer blanks, checked before it is written (issue 18.13).

    Refused in words, naming `field`: a control character (a NUL above all, which
    PostgreSQL cannot store) and more than `limit` characters (the column's width, which
    PostgreSQL enforces and SQLite does not), so both databases keep the same text.
    """
    text_ = value.strip()
    bad = _CONTROL.search(text_)
    if bad is not None:
        char = bad.group()
        what = "a NUL character" if char == "\x00" else f"the control character U+{ord(char):04X}"
        raise TextRefused(f"the {field} contains {what} at position {bad.start() + 1}: remove it")
    if len(text_) > limit:
        raise TextRefused(f"the {field} may be at most {limit} characters ({len(text_)} given)")
    return text_


def database_url(settings: Settings | None = None) -> str:
    """The configured database: DATABASE_URL, else the SQLite file under data/."""
    return normalise_url((settings or Settings.from_environ()).database_url)


def normalise_url(url: str) -> str:
    """Point plain postgres:// URLs at the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _sqlite_begin_before_savepoint(conn: Connection, _name: str | None) -> None:
    """Open the unit of work's transaction before its first savepoint (issue 18.1).

    pysqlite begins a transaction only before an INSERT, UPDATE or DELETE. A SAVEPOINT
    issued first would open a transaction of its own, and its RELEASE would commit the
    inner write alone: a later failure could not roll it back. With a BEGIN first the
    savepoint nests inside the unit of work, which commits or rolls back whole, as on
    PostgreSQL. Reads before the first write stay outside it, as before (each sees the
    newest committed data, like PostgreSQL's READ COMMITTED), so `BEGIN IMMEDIATE` taken
    by a writer that must hold the lock before it reads still works.
    """
    raw: Any = conn.connection.driver_connection
    if raw is not None and not raw.in_transaction:
        raw.execute("BEGIN")


def make_engine(url: str) -> Engine:
    """An engine for `url`; a SQLite file gets WAL mode and its folder is created."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        shown = re.sub(r"//([^:/@]*):[^@]*@", r"//\1:***@", url)
        raise DatabaseUnavailable(f"DATABASE_URL is not a database URL: {shown!r} ({exc})") from exc
    if parsed.get_backend_name() == "sqlite":
        if (
            parsed.database
            and parsed.database != ":memory:"
            and not parsed.database.startswith("file:")
        ):
            _sqlite_folder(Path(parsed.database))
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "savepoint", _sqlite_begin_before_savepoint)
        return engine
    if parsed.get_backend_name() != "postgresql":
        raise DatabaseUnavailable(
            f"unsupported database {parsed.get_backend_name()!r}: use SQLite or PostgreSQL"
        )
    if not parsed.database:
        raise DatabaseUnavailable(
            "DATABASE_URL names no database: add its name, e.g. postgresql://user@host:5432/leadpact"
        )
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise DatabaseUnavailable(f"DATABASE_URL has port {parsed.port}: use 1 to 65535")
    try:
        return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 5})
    except Exception as exc:  # a missing driver, a malformed URL
        raise DatabaseUnavailable(
            f"cannot use {parsed.render_as_string(hide_password=True)}: {exc}"
        ) from exc


def _sqlite_folder(path: Path) -> None:
    """Create the SQLite file's folder, or say in one line why it cannot be."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise DatabaseUnavailable(
            f"cannot use the SQLite file {path}: its folder {folder} cannot be created ({reason})"
        ) from exc
    if not folder.is_dir():
        raise DatabaseUnavailable(f"cannot use the SQLite file {path}: {folder} is not a folder")


def one_line(exc: BaseException) -> str:
    """The first line of a database error's own message, without SQL or traceback."""
    orig = getattr(exc, "orig", None)
    text_ = str(orig if orig is not None else exc).strip()
    return (text_.splitlines() or [type(exc).__name__])[0]


def check(engine: Engine) -> None:
    """Open one connection, or raise DatabaseUnavailable with a one-line reason."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except (DBAPIError, OSError) as exc:
        where = engine.url.render_as_string(hide_password=True)
        raise DatabaseUnavailable(f"cannot reach the database at {where}: {one_line(exc)}") from exc


def _alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration; data is never dropped."""
    from alembic import command

    check(engine)
    try:
        command.upgrade(_alembic_config(engine), "head")
    except DBAPIError as exc:
        where = engine.url.render_as_string(hide_password=True)
        raise DatabaseUnavailable(
            f"cannot bring the database at {where} up to date: {one_line(exc)}"
        ) from exc


def schema_is_current(engine: Engine) -> bool:
    """Whether the database is at the newest migration."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config(engine)).get_current_head()
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return False
        return MigrationContext.configure(conn).get_current_revision() == head


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def scratch_schema(base_url: str, schema: str) -> Iterator[Engine]:
    """A migrated engine on a new PostgreSQL schema, dropped afterwards (tests, benchmarks)."""
    base = normalise_url(base_url)
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", schema):
        raise ValueError(f"not a plain schema name: {schema!r}")
    admin = make_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in base else "?"
    engine = make_engine(f"{base}{sep}options=-csearch_path%3D{schema}")
    try:
        migrate(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
