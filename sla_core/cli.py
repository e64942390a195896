"""`python -m sla_core ...`: the command line. Every command takes --json for scripts."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from sla_core import db, users
from sla_core.access import system_actor
from sla_core.agreement import command as agreement_command
from sla_core.i18n import command as i18n_command
from sla_core.marketing import commands as marketing_commands

Handler = Callable[[argparse.Namespace, Engine], int]


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
    from sla_core import users_command

    return users_command.command(args, engine)


def _cmd_teams(args: argparse.Namespace, engine: Engine) -> int:
    from sla_core import teams_command

    return teams_command.command(args, engine)


def _cmd_demo(args: argparse.Namespace, engine: Engine) -> int:
    from sla_core import demo

    result = demo.load_demo(
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
    parser = argparse.ArgumentParser(prog="python -m sla_core", description="LeadPact command line")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print JSON for scripts")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("migrate", parents=[common], help="bring the database schema up to date")

    from sla_core import users_command

    users_command.add_parser(sub, common)
    from sla_core import teams_command

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
    args = build_parser().parse_args(argv)
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
