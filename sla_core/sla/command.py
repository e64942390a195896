"""`python -m sla_core compliance [--team T] [--rep R] [--period 2026-05] [--json]`."""

from __future__ import annotations

import argparse
import json
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import select

from sla_core import agreement, periods
from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.models import Role, Team, TeamKind, User
from sla_core.org import load_org_settings
from sla_core.sla.clocks import lead_clocks
from sla_core.sla.context import load_heads, load_setup
from sla_core.sla.gauges import LEVEL_TITLES, Level, pace_of
from sla_core.sla.reassign import kept_breaches
from sla_core.sla.views import Scope, ScopeKind, joint_figure, scope_gauges
from sla_core.store import snapshot


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """The `compliance` subcommand's arguments."""
    p = sub.add_parser(
        "compliance",
        parents=[common],
        help="the service levels of a month: company, one team or one rep",
    )
    who = p.add_mutually_exclusive_group()
    who.add_argument("--team", help="a sales or marketing team's name (or id)")
    who.add_argument("--rep", help="a rep's or a marketer's username (or id)")
    p.add_argument("--period", help="the month, e.g. 2026-05 (default: this month)")


def _scope(args: argparse.Namespace, engine: Engine) -> tuple[Scope, str]:
    with session_scope(engine) as session:
        if args.team:
            found = [t for t in session.exec(select(Team)).all()
                     if args.team in (t.name, str(t.id))]  # fmt: skip
            if not found:
                raise ValueError(f"no team named {args.team!r}")
            kind = (
                ScopeKind.MARKETING_TEAM if found[0].kind == TeamKind.MARKETING else ScopeKind.TEAM
            )
            return Scope(kind, found[0].id), found[0].name
        if args.rep:
            people = [u for u in session.exec(select(User)).all()
                      if args.rep in (u.username, str(u.id))]  # fmt: skip
            if not people:
                raise ValueError(f"no user named {args.rep!r}")
            if Role(people[0].role) not in (Role.SALES_REP, Role.MARKETER):
                raise ValueError(
                    f"{people[0].username} is a {Role(people[0].role).value}: only sales reps "
                    "and marketers have a scorecard (use --team, or no option for the company)"
                )
            kind = ScopeKind.MARKETER if people[0].role == Role.MARKETER else ScopeKind.REP
            return Scope(kind, people[0].id), people[0].username
    return Scope(), "company"


def compliance_report(args: argparse.Namespace, engine: Engine) -> dict[str, Any]:
    """The figures of the compliance page for one scope and month, as plain data."""
    scope, name = _scope(args, engine)
    with session_scope(engine) as session:
        org = load_org_settings(session=session)
        content = agreement.governing_version(session=session).content
        setup, heads = load_setup(session=session), load_heads(session=session)
        kept = kept_breaches(session=session)
    ref = now()
    period = (
        periods.parse_period(args.period, zone=org.time_zone, calendar=org.calendar)
        if args.period
        else periods.month_containing(ref, zone=org.time_zone, calendar=org.calendar)
    )
    owner = scope.id if scope.kind is ScopeKind.REP else None
    frame = snapshot.read_leads(engine, owner_id=owner, columns=snapshot.SNAPSHOT_COLUMNS)
    clocks = lead_clocks(frame, content, ref, setup)
    gauges = scope_gauges(frame, clocks, content, period, ref, scope, heads, kept)
    rows = [
        {
            "level": row["level"],
            "title": LEVEL_TITLES[Level(row["level"])],
            "value": None if row["value"] != row["value"] else round(float(row["value"]), 2),
            "target": round(float(row["target"]), 2),
            "band": row["band"],
            "done": int(row["done"]),
            "due": int(row["due"]),
            "running": int(row["running"]),
            **(
                {"won_in_period": int(row["won_in_period"])}
                if row["level"] == Level.CONVERSION.value
                else {}
            ),
        }
        for _, row in gauges.iterrows()
    ]
    report: dict[str, Any] = {
        "scope": scope.kind.value,
        "name": name,
        "period": period.label,
        "pace": round(pace_of(period.start, period.end, ref), 4),
        "levels": rows,
    }
    if scope.kind is ScopeKind.COMPANY:
        joint = joint_figure(gauges, frame, content, period, ref, heads)
        report["both_sides_kept"] = {
            "kept": joint.both_kept,
            "sales": [joint.sales_kept, joint.sales_judged],
            "marketing": [joint.marketing_kept, joint.marketing_judged],
        }
    return report


def _text(report: dict[str, Any]) -> str:
    lines = [f"{report['name']} ({report['scope']}), {report['period']}"]
    for row in report["levels"]:
        value = "—" if row["value"] is None else f"{row['value']:g}"
        lines.append(
            f"  {row['title']:<34} {value:>8}  target {row['target']:>8g}  {row['band']:<6}"
            f"  {row['done']}/{row['due']}"
            + (f"  ({row['running']} still running)" if row["running"] else "")
            + (f"  {row['won_in_period']} won in the period" if "won_in_period" in row else "")
        )
    return "\n".join(lines)


def command(args: argparse.Namespace, engine: Engine) -> int:
    """Print the service levels; a bad team, rep or period is one clear line (exit 1)."""
    try:
        report = compliance_report(args, engine)
    except (ValueError, periods.PeriodError) as exc:
        print(json.dumps({"error": str(exc)}) if args.json else f"error: {exc}")  # noqa: T201
        return 1
    print(json.dumps(report, ensure_ascii=False) if args.json else _text(report))  # noqa: T201
    return 0
