"""`python -m sla_core ...`: the command line. Every command takes --json for scripts."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from sla_core import db
from sla_core.access import system_actor
from sla_core.agreement import command as agreement_command
from sla_core.i18n import command as i18n_command
from sla_core.marketing import commands as marketing_commands
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


def _cmd_users(args: argparse.Namespace, engine: Engine) -> int:
    from sla_core.people import command

    return command.command(args, engine)


def _cmd_teams(args: argparse.Namespace, engine: Engine) -> int:
    from sla_core.people import teams_command

    return teams_command.command(args, engine)


def _cmd_demo(args: argparse.Namespace, engine: Engine) -> int:
    from sla_core.demo import world

    result = world.load_demo(
        engine=engine, actor=system_actor(), seed=args.seed, leads=args.leads, force=args.force
    )
    text = "\n".join(
        [f"loaded {result.leads} demo leads, {len(result.passwords)} users. Sign in with:"]
        + [f"  {u:<20} {p}" for u, p in result.passwords.items()]
    )
    _emit(args, {"leads": result.leads, "passwords": result.passwords}, text)
    return 0


def _cmd_import(args: argparse.Namespace, engine: Engine) -> int:
    from sla_core.importing import command

    return command.command(args, engine)


def _cmd_compliance(args: argparse.Namespace, engine: Engine) -> int:
    from sla_core.sla import command

    return command.command(args, engine)


def _cmd_remind(args: argparse.Namespace, engine: Engine) -> int:
    from sla_core.sla import remind_command

    return remind_command.command(args, engine)


def _cmd_daily_report(args: argparse.Namespace, engine: Engine) -> int:
    from sla_core.sla import daily_command

    return daily_command.command(args, engine)


def _standings() -> Any:
    from sla_core.gamification import command

    return command


COMMANDS: dict[str, Handler] = {
    "migrate": _cmd_migrate,
    "users": _cmd_users,
    "teams": _cmd_teams,
    "demo": _cmd_demo,
    "import": _cmd_import,
    **agreement_command.COMMANDS,
    "qualify": marketing_commands.qualify_command,
    "requalify": marketing_commands.requalify_command,
    "route": marketing_commands.route_command,
    "funnel": marketing_commands.funnel_command,
    "standings": lambda args, engine: _standings().command(args, engine),
    "compliance": _cmd_compliance,
    "remind": _cmd_remind,
    "daily-report": _cmd_daily_report,
    "translations": i18n_command.command,
}


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m sla_core", description="LeadPact command line")
    common = _Parser(add_help=False)
    common.add_argument("--json", action="store_true", help="print JSON for scripts")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("migrate", parents=[common], help="bring the database schema up to date")

    from sla_core.people import command

    command.add_parser(sub, common)
    from sla_core.people import teams_command

    teams_command.add_parser(sub, common)

    demo_p = sub.add_parser(
        "demo", parents=[common], help="load the demo data into an empty database"
    )
    demo_p.add_argument("--seed", type=int, default=7)
    demo_p.add_argument("--leads", type=int, default=20_000)
    demo_p.add_argument(
        "--force", action="store_true", help="load even if leads exist (adds demo users)"
    )
    from sla_core.importing import command as import_command

    import_command.add_parser(sub, common)
    agreement_command.add_parser(sub, common)
    marketing_commands.add_qualify_parser(sub, common)
    marketing_commands.add_requalify_parser(sub, common)
    marketing_commands.add_route_parser(sub, common)
    marketing_commands.add_funnel_parser(sub, common)
    _standings().add_parser(sub, common)
    from sla_core.sla import command as sla_command

    sla_command.add_parser(sub, common)
    from sla_core.sla import remind_command

    remind_command.add_parser(sub, common)
    from sla_core.sla import daily_command

    daily_command.add_parser(sub, common)
    i18n_command.add_parser(sub, common)
    return parser


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
        args = build_parser().parse_args(words)
    except ArgumentsRefused as exc:
        if "--json" in words:
            print(json.dumps({"error": f"{exc.prog}: {exc.message}"}, ensure_ascii=False))
        else:
            print(f"{exc.usage}{exc.prog}: error: {exc.message}", file=sys.stderr)
        return 2
    try:
        engine = db.make_engine(db.database_url())
        db.migrate(engine)
        return COMMANDS[args.command](args, engine)
    except db.DatabaseUnavailable as exc:
        return _fail(args, str(exc), 2)
    except SQLAlchemyError as exc:
        return _fail(args, db.one_line(exc), 2)
    except (users.UserError, PermissionError, ValueError, LookupError) as exc:
        return _fail(args, str(exc), 1)
    except OSError as exc:  # a file named on the command line that cannot be read or written
        where = f"{exc.filename}: " if exc.filename else ""
        return _fail(args, f"{where}{exc.strerror or type(exc).__name__}", 1)
