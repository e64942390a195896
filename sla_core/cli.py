"""`python -m sla_core ...`: the command line. Every command takes --json for scripts."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.engine import Engine

from sla_core import db, users
from sla_core.models import Role

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
    with db.session_scope(engine) as session:
        if args.action == "list":
            rows = [
                {
                    "username": u.username,
                    "name": u.name,
                    "email": u.email,
                    "role": str(u.role),
                    "can_sign_in": u.password_hash is not None,
                    "active": u.active,
                }
                for u in users.list_users(session=session)
            ]
            text = (
                "\n".join(
                    f"{r['username']:<20} {r['role']:<18} {'login' if r['can_sign_in'] else 'no login':<9} {r['name']}"
                    for r in rows
                )
                or "no users"
            )
            _emit(args, rows, text)
        elif args.action == "add":
            password = args.password or users.generate_password()
            user = users.create_user(
                session=session,
                username=args.username,
                name=args.name or args.username,
                role=Role(args.role),
                email=args.email,
                password=password,
            )
            _emit(
                args,
                {"username": user.username, "role": str(user.role), "password": password},
                f"added {user.username} ({user.role}); password: {password}",
            )
        elif args.action == "set-role":
            user = users.set_role(session=session, username=args.username, role=Role(args.role))
            _emit(
                args,
                {"username": user.username, "role": str(user.role)},
                f"{user.username} is now {user.role}",
            )
        elif args.action == "set-password":
            password = args.password or users.generate_password()
            user = users.set_password(session=session, username=args.username, password=password)
            _emit(
                args,
                {"username": user.username, "password": password},
                f"password of {user.username} set: {password}",
            )
    return 0


def _cmd_demo(args: argparse.Namespace, engine: Engine) -> int:
    from sla_core import demo

    result = demo.load_demo(engine=engine, seed=args.seed, leads=args.leads, force=args.force)
    text = "\n".join(
        [f"loaded {result.leads} demo leads, {len(result.passwords)} users. Sign in with:"]
        + [f"  {u:<20} {p}" for u, p in result.passwords.items()]
    )
    _emit(args, {"leads": result.leads, "passwords": result.passwords}, text)
    return 0


def _cmd_import(args: argparse.Namespace, engine: Engine) -> int:
    from sla_core.importing import command

    return command.command(args, engine)


COMMANDS: dict[str, Handler] = {
    "migrate": _cmd_migrate,
    "users": _cmd_users,
    "demo": _cmd_demo,
    "import": _cmd_import,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sla_core", description="LeadPact command line")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print JSON for scripts")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("migrate", parents=[common], help="bring the database schema up to date")

    p_users = sub.add_parser("users", parents=[common], help="manage users")
    u_sub = p_users.add_subparsers(dest="action", required=True)
    u_sub.add_parser("list", parents=[common])
    add = u_sub.add_parser("add", parents=[common])
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--name")
    add.add_argument("--email")
    add.add_argument("--password", help="omit to generate one")
    sr = u_sub.add_parser("set-role", parents=[common])
    sr.add_argument("username")
    sr.add_argument("role", choices=[r.value for r in Role])
    sp = u_sub.add_parser("set-password", parents=[common])
    sp.add_argument("username")
    sp.add_argument("--password", help="omit to generate one")

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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        engine = db.make_engine(db.database_url())
        db.migrate(engine)
        return COMMANDS[args.command](args, engine)
    except db.DatabaseUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (users.UserError, PermissionError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
