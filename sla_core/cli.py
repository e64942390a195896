"""`python -m sla_core ...`: the command line. Every command takes --json for scripts."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from sla_core import db
from sla_core.people import users

Handler = Callable[[argparse.Namespace, Engine], int]


class ArgumentsRefused(Exception):
    """The command line does not parse: what argparse would print, to be shown by `main`."""

    def __init__(self, prog: str, message: str, usage: str) -> None:
        super().__init__(message)
        self.prog, self.message, self.usage = prog, message, usage


class _Parser(argparse.ArgumentParser):
    """argparse that hands its errors to `main` (a JSON object under --json) instead of exiting."""

    def error(self, message: str) -> NoReturn:
        raise ArgumentsRefused(self.prog, message, self.format_usage())


def _emit(args: argparse.Namespace, payload: Any, text: str) -> None:
    print(json.dumps(payload, default=str, ensure_ascii=False) if args.json else text)


def _cmd_migrate(args: argparse.Namespace, engine: Engine) -> int:
    _emit(
        args,
        {"migrated": True, "database": engine.url.render_as_string(hide_password=True)},
        f"schema is current on {engine.url.render_as_string(hide_password=True)}",
    )
    return 0


# Each package's command line is its `command` module: `add_parser(sub, common)` registers
# its subcommands, `command(args, engine)` runs one. Help lists them in this order.
PACKAGES = (
    "sla_core.people.command",
    "sla_core.demo.command",
    "sla_core.importing.command",
    "sla_core.agreement.command",
    "sla_core.marketing.command",
    "sla_core.gamification.command",
    "sla_core.sla.command",
    "sla_core.overview.command",
    "sla_core.i18n.command",
)


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Handler]]:
    """The command line and, per subcommand, the handler that runs it."""
    parser = _Parser(prog="python -m sla_core", description="LeadPact command line")
    common = _Parser(add_help=False)
    common.add_argument("--json", action="store_true", help="print JSON for scripts")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", parents=[common], help="bring the database schema up to date")
    handlers: dict[str, Handler] = {"migrate": _cmd_migrate}
    for name in PACKAGES:
        module = importlib.import_module(name)
        before = set(sub.choices)
        module.add_parser(sub, common)
        handlers |= dict.fromkeys(set(sub.choices) - before, module.command)
    return parser, handlers


def _fail(args: argparse.Namespace, message: str, status: int) -> int:
    """One line: JSON `{"error": ...}` on stdout with --json, else `error: ...` on stderr."""
    if getattr(args, "json", False):
        print(json.dumps({"error": message}, ensure_ascii=False))
    else:
        print(f"error: {message}", file=sys.stderr)
    return status


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    try:
        parser, handlers = build_parser()
        args = parser.parse_args(words)
    except ArgumentsRefused as exc:
        if "--json" in words:
            print(json.dumps({"error": f"{exc.prog}: {exc.message}"}, ensure_ascii=False))
        else:
            print(f"{exc.usage}{exc.prog}: error: {exc.message}", file=sys.stderr)
        return 2
    try:
        engine = db.make_engine(db.database_url())
        db.migrate(engine)
        return handlers[args.command](args, engine)
    except db.DatabaseUnavailable as exc:
        return _fail(args, str(exc), 2)
    except SQLAlchemyError as exc:
        return _fail(args, db.one_line(exc), 2)
    except (users.UserError, PermissionError, ValueError, LookupError) as exc:
        return _fail(args, str(exc), 1)
    except OSError as exc:  # a file named on the command line that cannot be read or written
        where = f"{exc.filename}: " if exc.filename else ""
        return _fail(args, f"{where}{exc.strerror or type(exc).__name__}", 1)
