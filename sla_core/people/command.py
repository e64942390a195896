"""`python -m sla_core users ...`: list, add, set-role, set-password, set-team, set-active,
set-email, unlock."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from sqlalchemy.engine import Engine

from sla_core import db
from sla_core.access import system_actor
from sla_core.models import Role
from sla_core.people import users
from sla_core.people.roster import people_frame, set_team


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """The `users` subcommand and its actions."""
    p_users = sub.add_parser("users", parents=[common], help="manage users")
    u_sub = p_users.add_subparsers(dest="action", required=True)
    u_sub.add_parser("list", parents=[common])
    add = u_sub.add_parser("add", parents=[common])
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--name")
    add.add_argument("--email")
    add.add_argument("--team", help="the team's name (placed people count in targets)")
    add.add_argument("--password", help="omit to generate one (a given one is never printed)")
    sr = u_sub.add_parser("set-role", parents=[common])
    sr.add_argument("username")
    sr.add_argument("role", choices=[r.value for r in Role])
    sp = u_sub.add_parser("set-password", parents=[common])
    sp.add_argument("username")
    sp.add_argument("--password", help="omit to generate one (a given one is never printed)")
    st = u_sub.add_parser("set-team", parents=[common])
    st.add_argument("username")
    st.add_argument("team", help="the team's name; '-' for no team")
    se = u_sub.add_parser("set-email", parents=[common])
    se.add_argument("username")
    se.add_argument("email", help="the address (name@example.com); '-' for none")
    sa = u_sub.add_parser("set-active", parents=[common])
    sa.add_argument("username")
    sa.add_argument("active", choices=["yes", "no"])
    ul = u_sub.add_parser("unlock", parents=[common], help="lift an account's sign-in locks")
    ul.add_argument("username")


def _emit(args: argparse.Namespace, payload: Any, text: str) -> None:
    out = json.dumps(payload, default=str, ensure_ascii=False) if args.json else text
    sys.stdout.write(out + "\n")


def _list(args: argparse.Namespace, engine: Engine) -> None:
    with db.session_scope(engine) as session:
        people = people_frame(session=session)
    rows = people.drop(columns=["id", "team_kind", "counts"]).astype(object)
    rows = rows.where(rows.notna(), None).to_dict("records")
    lines = [
        f"{r['username']:<20} {r['role']:<18} {'login' if r['can_sign_in'] else 'no login':<9} "
        f"{r['team'] or '-':<16} {r['name']}"
        for r in rows
    ]
    _emit(args, rows, "\n".join(lines) or "no users")


def _password_out(given: str | None, generated: str) -> tuple[dict[str, str], str]:
    """A generated password is shown once; one typed on the command line never is."""
    if given:
        return {}, "password: as given"
    return {"password": generated}, f"password: {generated}"


def command(args: argparse.Namespace, engine: Engine) -> int:
    """Run one `users` action as the system actor (an operator at the server)."""
    if args.action == "list":
        _list(args, engine)
        return 0
    actor = system_actor()
    with db.session_scope(engine) as session:
        if args.action == "add":
            generated = users.generate_password()
            user = users.create_user(
                session=session,
                username=args.username,
                name=args.name or args.username,
                role=Role(args.role),
                email=args.email,
                password=args.password or generated,
                actor=actor,
            )
            if args.team:
                set_team(session=session, username=user.username, team=args.team, actor=actor)
            shown, text = _password_out(args.password, generated)
            payload = {"username": user.username, "role": str(user.role), "team": args.team}
            _emit(args, payload | shown, f"added {user.username} ({user.role}); {text}")
        elif args.action == "set-role":
            user = users.set_role(
                session=session, username=args.username, role=Role(args.role), actor=actor
            )
            _emit(
                args,
                {"username": user.username, "role": str(user.role)},
                f"{user.username} is now {user.role}",
            )
        elif args.action == "set-password":
            generated = users.generate_password()
            user = users.set_password(
                session=session,
                username=args.username,
                password=args.password or generated,
                actor=actor,
            )
            shown, text = _password_out(args.password, generated)
            _emit(args, {"username": user.username} | shown, f"{user.username}: {text}")
        elif args.action == "set-team":
            team = None if args.team == "-" else args.team
            user = set_team(session=session, username=args.username, team=team, actor=actor)
            _emit(args, {"username": user.username, "team": team}, f"{user.username}: team {team}")
        elif args.action == "set-email":
            email = None if args.email == "-" else args.email
            user = users.set_email(
                session=session, username=args.username, email=email, actor=actor
            )
            _emit(
                args,
                {"username": user.username, "email": user.email},
                f"{user.username}: e-mail {user.email or '-'}",
            )
        elif args.action == "unlock":
            name, cleared = args.username, users.unlock(session=session, username=args.username, actor=actor)  # fmt: skip
            _emit(args, {"username": name, "cleared": cleared}, f"{name}: sign-in locks lifted")
        elif args.action == "set-active":
            active = args.active == "yes"
            user = users.set_active(
                session=session, username=args.username, active=active, actor=actor
            )
            _emit(
                args,
                {"username": user.username, "active": active},
                f"{user.username}: active={active}",
            )
    return 0
