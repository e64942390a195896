"""`python -m sla_core import FILE ...`: the same import as the page, from the shell."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from sla_core.db import session_scope
from sla_core.importing.editing import choose
from sla_core.importing.mapping import FIELDS, PRESETS, ImportOptions
from sla_core.importing.proposal import detect, find_choice, options_for
from sla_core.importing.reading import read_table
from sla_core.importing.run import ImportReport, run_import
from sla_core.models import Role, User
from sla_core.people.users import get_by_username

EXIT_NOTHING = 1
EXIT_REJECTS = 3


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """The `import` subcommand's arguments."""
    p = sub.add_parser(
        "import",
        parents=[common],
        help="import leads from a CSV, TSV or XLSX file",
        description="Exit status: 0 all rows stored, 1 nothing imported (the file could not "
        f"be read, or every row was rejected), {EXIT_REJECTS} some rows were rejected and "
        "the others stored.",
    )
    p.add_argument("file", type=Path)
    p.add_argument(
        "--preset",
        choices=PRESETS,
        help="CRM export layout (default: the mapping or layout the headers match, as on the page)",
    )
    p.add_argument("--mapping", help="a saved mapping's name, or a JSON mapping file")
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help=f"map one of our fields to a column of the file; fields: {', '.join(FIELDS)}",
    )
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="the same value for every row, e.g. --set stage=won",
    )
    p.add_argument(
        "--missing-dates",
        choices=["today", "reject"],
        help="leads without a created date: date them today (default) or reject them",
    )
    p.add_argument(
        "--undated-outcomes",
        choices=["reject", "today"],
        help="won or lost leads without a close date: reject them (default) or date them today",
    )
    p.add_argument(
        "--update-only",
        action="store_true",
        help="an outcome file: update stored leads only; rows whose key is not stored are rejected",
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


def _base_options(args: argparse.Namespace, engine: Engine, data: bytes) -> ImportOptions:
    """--mapping, else --preset, else what the page proposes for the file's headers."""
    if args.mapping:
        path = Path(args.mapping)
        if path.suffix == ".json" and path.exists():
            return ImportOptions.from_json(path.read_text(encoding="utf-8"))
        with session_scope(engine) as session:
            return options_for(find_choice(args.mapping, session=session), session=session)
    if args.preset:
        return ImportOptions(preset=args.preset)
    headers = [str(c) for c in read_table(data, args.file.name, sheet=args.sheet).frame.columns]
    with session_scope(engine) as session:
        proposal = detect(headers, session=session)
        options = options_for(proposal.choice, session=session)
    if not args.json:
        sys.stderr.write(f"mapping: {proposal.choice.label}, because {proposal.reason}\n")
    return options


def _pairs(items: list[str], flag: str, what: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in items:
        field_name, sep, value = item.partition("=")
        if not sep or field_name.strip() not in FIELDS:
            raise ValueError(
                f"{flag} {item!r}: use FIELD={what} with FIELD one of {', '.join(FIELDS)}"
            )
        found[field_name.strip()] = value.strip()
    return found


def _options(args: argparse.Namespace, engine: Engine, data: bytes) -> ImportOptions:
    options = _base_options(args, engine, data)
    columns = {**options.columns, **_pairs(args.map, "--map", "COLUMN")}
    constants = {**options.constants, **_pairs(args.set, "--set", "VALUE")}
    chosen = {
        name: getattr(args, name)
        for name in ("preset", "date_order", "timezone", "sheet", "unknown_people")
        if getattr(args, name)
    }
    for name in ("missing_dates", "undated_outcomes"):
        if getattr(args, name):
            chosen[name] = getattr(args, name)
    if args.update_only:
        chosen["update_only"] = True
    return choose(options, columns=columns, constants=constants, **chosen)


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
    # This process only imports: Arrow's system allocator read a 1M-row file with 1.6x less
    # CPU and 250 MB less memory than its default pool (measured in bench/import_1m.py).
    pa.set_memory_pool(pa.system_memory_pool())
    data = args.file.read_bytes()
    options = _options(args, engine, data)
    report = run_import(
        engine=engine,
        data=data,
        filename=args.file.name,
        actor=_user(engine, args.user),
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
    if report.rejected and not report.stored:
        return EXIT_NOTHING  # every row was rejected: nothing imported
    return EXIT_REJECTS if report.rejected else 0
