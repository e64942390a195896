"""`python -m sla_core import FILE ...`: the same import as the page, from the shell."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from sla_core.db import session_scope
from sla_core.importing.mapping import FIELDS, PRESETS, ImportOptions
from sla_core.importing.run import ImportReport, run_import
from sla_core.importing.saved import BUNDLED, bundled_mapping, list_mappings, load_mapping
from sla_core.models import Role, User
from sla_core.users import get_by_username

EXIT_REJECTS = 3


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """The `import` subcommand's arguments."""
    p = sub.add_parser(
        "import",
        parents=[common],
        help="import leads from a CSV, TSV or XLSX file",
        description="Exit status: 0 all rows stored, 1 the file could not be imported, "
        f"{EXIT_REJECTS} some rows were rejected (the others were stored).",
    )
    p.add_argument("file", type=Path)
    p.add_argument("--preset", choices=PRESETS, help="CRM export layout (default: generic)")
    p.add_argument("--mapping", help="a saved mapping's name, or a JSON mapping file")
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help=f"map one of our fields to a column of the file; fields: {', '.join(FIELDS)}",
    )
    p.add_argument("--date-order", choices=["dmy", "mdy"], help="for dates like 03/04/2024")
    p.add_argument("--timezone", help="zone of dates without one (default UTC)")
    p.add_argument("--sheet", help="the workbook sheet to read (default: the first with data)")
    p.add_argument(
        "--unknown-people",
        choices=["create", "reject"],
        help="owners/marketers who are not users: create them (no login) or reject their rows",
    )
    p.add_argument("--user", help="who imports (default: the first admin)")


def _options(args: argparse.Namespace, engine: Engine) -> ImportOptions:
    options = ImportOptions()
    if args.mapping:
        path = Path(args.mapping)
        if path.suffix == ".json" and path.exists():
            options = ImportOptions.from_json(path.read_text(encoding="utf-8"))
        else:
            with session_scope(engine) as session:
                saved = list_mappings(session=session)
                if args.mapping in saved:
                    options = load_mapping(session=session, name=args.mapping)
                elif (BUNDLED / f"{args.mapping}.json").exists():
                    options = bundled_mapping(args.mapping)
                else:
                    options = load_mapping(session=session, name=args.mapping)  # says what exists
    for item in args.map:
        field_name, sep, column = item.partition("=")
        if not sep or field_name.strip() not in FIELDS:
            raise ValueError(
                f"--map {item!r}: use FIELD=COLUMN with FIELD one of {', '.join(FIELDS)}"
            )
        options.columns[field_name.strip()] = column.strip()
    for name in ("preset", "date_order", "timezone", "sheet", "unknown_people"):
        if getattr(args, name):
            setattr(options, name, getattr(args, name))
    return options


def _user(engine: Engine, username: str | None) -> User:
    with session_scope(engine) as session:
        if username:
            user = get_by_username(session=session, username=username)
            if user is None:
                raise ValueError(f"no user {username!r}")
        else:
            user = session.exec(
                select(User).where(User.role == Role.ADMIN, col(User.active)).order_by(col(User.id))
            ).first()
            if user is None:
                raise ValueError(
                    "no admin exists yet: create one, or name the importer with --user"
                )
        session.expunge(user)
        return user


def _progress(fraction: float, message: str) -> None:
    end = "\r" if sys.stderr.isatty() else "\n"
    sys.stderr.write(f"{fraction:4.0%} {message[:70]:<70}{end}")
    sys.stderr.flush()


def _payload(report: ImportReport) -> dict[str, Any]:
    rejects = report.rejects.drop(columns=["raw"]).astype("object")
    return {
        "batch_id": report.batch_id,
        "file": report.filename,
        "rows": report.rows_total,
        "new": report.new,
        "changed": report.changed,
        "unchanged": report.unchanged,
        "rejected": report.rejected,
        "rejects": rejects.where(rejects.notna(), None).to_dict("records"),
        "created_people": report.created_people,
        "notes": report.notes,
    }


def command(args: argparse.Namespace, engine: Engine) -> int:
    """Run one import and print its counts (JSON with --json); non-zero when rows were rejected."""
    if not args.file.is_file():
        raise ValueError(f"no such file: {args.file}")
    options = _options(args, engine)
    report = run_import(
        engine=engine,
        data=args.file.read_bytes(),
        filename=args.file.name,
        user=_user(engine, args.user),
        options=options,
        progress=None if args.json else _progress,
    )
    if args.json:
        print(json.dumps(_payload(report), default=str, ensure_ascii=False))  # noqa: T201
    else:
        lines = [f"{report.filename}: {report.summary()} (import #{report.batch_id})"]
        lines += [f"note: {note}" for note in report.notes]
        lines += [f"created without login: {who}" for who in report.created_people]
        for r in report.rejects.head(50).itertuples(index=False):
            where = f" [{r.column}]" if isinstance(r.column, str) else ""
            value = f" {r.value!r}" if isinstance(r.value, str) else ""
            lines.append(f"line {r.line}{where}{value}: {r.reason}")
        if len(report.rejects) > 50:
            lines.append(f"... and {len(report.rejects) - 50} more; see --json")
        print("\n".join(lines))  # noqa: T201
    return EXIT_REJECTS if report.rejected else 0
