"""`python -m sla_core teams list|add|rename`: the teams people are placed in."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from sqlalchemy.engine import Engine

from sla_core import db
from sla_core.access import system_actor
from sla_core.models import TeamKind
from sla_core.people.teams import create_team, rename_team, team_rows


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
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


def _emit(args: argparse.Namespace, payload: Any, text: str) -> None:
    out = json.dumps(payload, ensure_ascii=False) if args.json else text
    sys.stdout.write(out + "\n")


def command(args: argparse.Namespace, engine: Engine) -> int:
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
