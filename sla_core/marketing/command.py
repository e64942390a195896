"""`python -m sla_core qualify|requalify|route|funnel`: the marketing side from the shell."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any

from sqlalchemy.engine import Engine

from sla_core.access import system_actor
from sla_core.db import session_scope


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """The marketing package's subcommands and their arguments."""
    _add_qualify(sub, common)
    _add_requalify(sub, common)
    _add_route(sub, common)
    _add_funnel(sub, common)


def command(args: argparse.Namespace, engine: Engine) -> int:
    """Run one of the marketing package's subcommands."""
    run = {"qualify": _qualify, "requalify": _requalify, "route": _route, "funnel": _funnel}
    return run[args.command](args, engine)


def _emit(args: argparse.Namespace, payload: Any, text: str) -> None:
    print(json.dumps(payload, default=str, ensure_ascii=False) if args.json else text)  # noqa: T201


def _add_qualify(sub: Any, common: argparse.ArgumentParser) -> None:
    """The `qualify` subcommand's arguments."""
    p = sub.add_parser(
        "qualify",
        parents=[common],
        help="re-qualify the backlog now, as `requalify --apply` (leads flagged re-qualified)",
    )
    p.add_argument("--dry-run", action="store_true", help="count only, change nothing")


def _qualify(args: argparse.Namespace, engine: Engine) -> int:
    """Run qualification as the system; print what it did."""
    from sla_core.marketing.qualification import qualify

    with session_scope(engine) as session:
        result = qualify(session=session, actor=system_actor(), dry_run=args.dry_run)
    payload = {
        "version": result.version,
        "threshold": result.threshold,
        "candidates": result.candidates,
        "qualified": result.qualified,
        "dry_run": result.dry_run,
    }
    _emit(args, payload, result.summary())
    return 0


def _add_requalify(sub: Any, common: argparse.ArgumentParser) -> None:
    """The `requalify` subcommand's arguments: a preview, or the explicit action."""
    p = sub.add_parser(
        "requalify",
        parents=[common],
        help="re-qualify the backlog (leads at stage lead) under the definition in force",
    )
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument(
        "--preview", action="store_true", help="how many, from which months, each rep's load"
    )
    mode.add_argument("--apply", action="store_true", help="re-qualify them (audited)")


def _requalify(args: argparse.Namespace, engine: Engine) -> int:
    """Preview or apply the re-qualification of the backlog, as the system."""
    from sla_core.marketing.qualification import requalify, requalify_preview

    with session_scope(engine) as session:
        preview = requalify_preview(session=session, actor=system_actor())
        if args.apply:
            done = requalify(session=session, actor=system_actor())
    months = [{"month": str(r.month), "leads": int(r.leads)} for r in preview.months.itertuples()]
    load = [
        {"id": int(r.id), "name": r.name, "month": int(r.month), "would_get": int(r.would_get),
         "month_after": int(r.month_after)}
        for r in preview.load.itertuples()
    ]  # fmt: skip
    payload: dict[str, Any] = {
        "threshold": preview.result.threshold,
        "version": preview.result.version,
        "candidates": preview.result.candidates,
        "would_qualify": preview.result.qualified,
        "months": months,
        "load": load,
        "unrouted": preview.unrouted,
        "applied": bool(args.apply),
    }
    lines = [preview.summary()]
    if args.apply:
        payload["requalified"] = done.qualified
        lines = [f"{done.qualified:,} leads re-qualified as MQLs (audited); {lines[0]}"]
    lines += [
        f"  {r.name:<24} {int(r.month):>6} this month, {int(r.would_get):>6} more"
        for r in preview.load.itertuples()
    ]
    if preview.unrouted:
        lines.append(f"  {preview.unrouted:,} would wait unassigned (every rep at the monthly max)")
    _emit(args, payload, "\n".join(lines))
    return 0


def _add_route(sub: Any, common: argparse.ArgumentParser) -> None:
    """The `route` subcommand's arguments."""
    p = sub.add_parser(
        "route",
        parents=[common],
        help="assign unassigned MQLs to active sales reps within their caps",
    )
    p.add_argument("--dry-run", action="store_true", help="show the plan, assign nothing")
    p.add_argument(
        "--away",
        action="append",
        default=[],
        metavar="USERNAME",
        help="a rep who is away (besides the away periods stored in the settings)",
    )


def _fail(args: argparse.Namespace, message: str) -> int:
    if args.json:
        print(json.dumps({"error": message}, ensure_ascii=False))  # noqa: T201
    else:
        print(f"error: {message}", file=sys.stderr)  # noqa: T201
    return 1


def _route(args: argparse.Namespace, engine: Engine) -> int:
    """Route as the system; print the per-rep plan or result."""
    from sla_core.marketing.route_run import NoRepAvailable

    try:
        return _route_run(args, engine)
    except (NoRepAvailable, LookupError) as exc:
        return _fail(args, str(exc))


def _route_run(args: argparse.Namespace, engine: Engine) -> int:
    from sla_core.clock import now
    from sla_core.marketing.route_run import away_now, route
    from sla_core.people.users import get_by_username

    with session_scope(engine) as session:
        away = away_now(session=session, ref=now())
        for name in args.away:
            person = get_by_username(session=session, username=name)
            if person is None:
                raise LookupError(f"--away {name}: no such user")
            away.add(person.id or 0)
        result = route(session=session, actor=system_actor(), away=away, dry_run=args.dry_run)
    reps = result.reps
    payload = {
        "waiting": result.waiting,
        "assigned": result.assigned,
        "dry_run": result.dry_run,
        "reps": [
            {"id": int(r.id), "name": r.name, "month": int(r.month),
             "routed": int(r.routed), "load_after": int(r.load_after)}
            for r in reps.itertuples()
        ],
    }  # fmt: skip
    lines = [result.summary()] + [
        f"  {r.name:<24} {int(r.routed):>6} routed, {int(r.load_after):>6} this month"
        for r in reps.itertuples()
    ]
    _emit(args, payload, "\n".join(lines))
    return 0


def _add_funnel(sub: Any, common: argparse.ArgumentParser) -> None:
    """The `funnel` subcommand's arguments."""
    p = sub.add_parser(
        "funnel", parents=[common], help="the lead funnel by source, campaign, marketer or month"
    )
    p.add_argument("--by", choices=["source", "campaign", "marketer", "month"], default="source")
    p.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="leads created from")
    p.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="leads created up to")


def _day(text: str | None, flag: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{flag} {text!r}: write a date as YYYY-MM-DD") from None


def _funnel(args: argparse.Namespace, engine: Engine) -> int:
    """Print the funnel per group (JSON rows carry group, leads, mqls, won, lost, rates)."""
    from sla_core import browse
    from sla_core.marketing import closed_loop
    from sla_core.org import load_org_settings
    from sla_core.store.snapshot import read_leads

    try:
        start, end = _day(args.start, "--from"), _day(args.end, "--to")
        if start and end and start > end:
            raise ValueError(f"--from {start} is after --to {end}")
    except ValueError as exc:
        return _fail(args, str(exc))
    with session_scope(engine) as session:
        settings = load_org_settings(session=session)
        people = browse.people_frame(session=session)
    snapshot = closed_loop.in_range(read_leads(engine), start, end, settings.time_zone)
    groups = closed_loop.group_labels(
        snapshot,
        args.by,
        marketers=dict(zip(people["id"], people["name"], strict=True)),
        zone=settings.time_zone,
        calendar=settings.calendar,
    )
    table = closed_loop.funnel_by(snapshot, groups, by_label=args.by == "month")
    rows = json.loads(table.to_json(orient="records"))
    text = table.to_string(index=False) if len(table) else "no leads in this range"
    _emit(args, rows, text)
    return 0
