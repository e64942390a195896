"""The people package's command line: `users list|add|set-role|set-password|set-team|
set-active|set-email|unlock` and `teams list|add|rename`."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from sla_core import db
from sla_core.access import system_actor
from sla_core.models import Role, TeamKind, User
from sla_core.people import users
from sla_core.people.roster import people_frame, set_team
from sla_core.people.teams import create_team, rename_team, team_rows


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """The people package's subcommands and their arguments."""
    _add_users(sub, common)
    _add_teams(sub, common)


def command(args: argparse.Namespace, engine: Engine) -> int:
    """Run `users` or `teams`."""
    return _users(args, engine) if args.command == "users" else _teams(args, engine)


def _add_users(sub: Any, common: argparse.ArgumentParser) -> None:
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


def _users(args: argparse.Namespace, engine: Engine) -> int:
    """Run one `users` action as the system actor (an operator at the server)."""
    if args.action == "list":
        _list(args, engine)
        return 0
    actor = system_actor()
    with db.session_scope(engine) as session:
        if args.action == "add":
            _add_user(args, session, actor)
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


def _add_user(args: argparse.Namespace, session: Session, actor: User) -> None:
    """`users add`: a generated password is shown once, a given one never."""
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


def _add_teams(sub: Any, common: argparse.ArgumentParser) -> None:
    """The `teams` subcommand and its actions."""
    p_teams = sub.add_parser("teams", parents=[common], help="list, add or rename teams")
    t_sub = p_teams.add_subparsers(dest="action", required=True)
    t_sub.add_parser("list", parents=[common])
    add = t_sub.add_parser("add", parents=[common])
    add.add_argument("name")
    add.add_argument("--kind", required=True, choices=[k.value for k in TeamKind])
    rename = t_sub.add_parser("rename", parents=[common])
    rename.add_argument("old")
    rename.add_argument("new")


def _teams(args: argparse.Namespace, engine: Engine) -> int:
    """Run one `teams` action as the system actor (an operator at the server)."""
    with db.session_scope(engine) as session:
        if args.action == "list":
            rows = team_rows(session=session)
            lines = [f"{r['name']:<24} {r['kind']:<10} {r['people']} people" for r in rows]
            _emit(args, rows, "\n".join(lines) or "no teams yet")
        elif args.action == "add":
            team = create_team(
                session=session, name=args.name, kind=TeamKind(args.kind), actor=system_actor()
            )
            _emit(args, {"name": team.name, "kind": str(team.kind)}, f"added team {team.name}")
        else:
            team = rename_team(session=session, old=args.old, new=args.new, actor=system_actor())
            _emit(args, {"name": team.name}, f"renamed {args.old} to {team.name}")
    return 0
