"""`python -m sla_core export-pdf|verify|reviews-due`: the agreement from the shell."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from sla_core.access import system_actor
from sla_core.agreement import export, reviews, verify
from sla_core.agreement.versions import governing_version
from sla_core.agreement.wording import Wording
from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.i18n import numbers
from sla_core.i18n.languages import N_, Language
from sla_core.store import snapshot

EXIT_INVALID = 1


class OutputError(ValueError):
    """A file the command was asked to write cannot be written; the message says which and why."""


def write_files(files: dict[Path, bytes]) -> None:
    """Write every file whole or none: each goes to a `.part` file first, then is renamed."""
    parts: list[Path] = []
    done: list[Path] = []
    try:
        for path in files:
            if path.is_dir():
                raise OutputError(f"cannot write {path}: it is a folder; name a file in it")
            if not path.parent.is_dir():
                raise OutputError(f"cannot write {path}: the folder {path.parent} does not exist")
        for path, data in files.items():
            part = path.with_name(path.name + ".part")
            parts.append(part)
            try:
                part.write_bytes(data)
            except OSError as exc:
                raise OutputError(
                    f"cannot write {path}: {exc.strerror or type(exc).__name__}"
                ) from exc
        for part, path in zip(parts, files, strict=True):
            try:
                part.replace(path)
            except OSError as exc:
                for written in done:  # none of a half-written set stays behind
                    written.unlink(missing_ok=True)
                raise OutputError(
                    f"cannot write {path}: {exc.strerror or type(exc).__name__}"
                ) from exc
            done.append(path)
    finally:
        for part in parts:
            part.unlink(missing_ok=True)


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """The agreement's subcommands."""
    p = sub.add_parser("export-pdf", parents=[common], help="write the agreement as a PDF")
    p.add_argument("--version", type=int, help="version number (default: the one in force)")
    p.add_argument("--out", type=Path, required=True, help="the PDF file to write")
    p.add_argument("--markdown", type=Path, help="also write the same document as Markdown")
    p.add_argument(
        "--language",
        choices=[lang.value for lang in Language],
        default=Language.ENGLISH.value,
        help="the document's language (default: en)",
    )
    v = sub.add_parser(
        "verify",
        parents=[common],
        help="check that a PDF matches a signed agreement version",
        description="Exit status: 0 the PDF matches a signed version, 1 it does not.",
    )
    v.add_argument("file", type=Path)
    r = sub.add_parser("reviews-due", parents=[common], help="who must be reminded of a review")
    r.add_argument("--today", type=date.fromisoformat, help="YYYY-MM-DD (default: today)")


def _print(args: argparse.Namespace, payload: Any, text: str) -> None:
    print(json.dumps(payload, default=str, ensure_ascii=False) if args.json else text)  # noqa: T201


def export_pdf(args: argparse.Namespace, engine: Engine) -> int:
    frame = snapshot.read_leads(engine)
    language = Language(args.language)
    with session_scope(engine) as session:
        data, manifest = export.export_pdf(
            session=session, number=args.version, leads=frame, ref=now(), actor=system_actor(),
            language=language,
        )  # fmt: skip
        files = {args.out: data}
        if args.markdown:
            files[args.markdown] = export.export_markdown(
                session=session,
                number=args.version,
                leads=frame,
                ref=now(),
                actor=system_actor(),
                language=language,
            ).encode("utf-8")
        # Written before the unit of work commits: a file that cannot be written leaves
        # no export on record (issue 18.15).
        write_files(files)
    cover = manifest.cover
    w = Wording(language)  # the manager who asked for a Persian PDF reads Persian here too
    said = w.t(
        N_("wrote {file}: version {number} ({status}), {size} bytes, SHA-256 {hash}"),
        file=args.out, number=w.n(cover.number), status=w.t(cover.status),
        size=numbers.format_number(len(data), language), hash=cover.content_hash,
    )  # fmt: skip
    _print(
        args,
        {"file": str(args.out), "version": cover.number, "status": cover.status,
         "content_hash": cover.content_hash, "bytes": len(data), "language": language.value},
        said,
    )  # fmt: skip
    return 0


def verify_file(args: argparse.Namespace, engine: Engine) -> int:
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read {args.file}: {exc.strerror}") from exc
    with session_scope(engine) as session:
        verdict = verify.verify_pdf(session=session, data=data)
    word = "VALID" if verdict.valid else "NOT VALID"
    _print(args, asdict(verdict), f"{word}: {args.file}: {verdict.reason}")
    return 0 if verdict.valid else EXIT_INVALID


def reviews_due(args: argparse.Namespace, engine: Engine) -> int:
    with session_scope(engine) as session:
        content = governing_version(session=session).content
    due = reviews.reviews_due(content, args.today or now().date())
    rows = [
        {"role": r.role, "due_on": r.due_on, "days_left": r.days_left, "text": r.text} for r in due
    ]
    _print(args, rows, "\n".join(f"{r.role}: {r.text}" for r in due) or "no review due")
    return 0


COMMANDS = {"export-pdf": export_pdf, "verify": verify_file, "reviews-due": reviews_due}


def command(args: argparse.Namespace, engine: Engine) -> int:
    """Run one of the agreement package's subcommands."""
    return COMMANDS[args.command](args, engine)
