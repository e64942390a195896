"""`python -m sla_core standings ...`: the leaderboard from the shell, the same as the page."""

from __future__ import annotations

import argparse
import json
from typing import Any

import pandas as pd
from sqlalchemy.engine import Engine

from sla_core.access import system_actor
from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.gamification import closing, service
from sla_core.gamification.board import Board
from sla_core.gamification.standings import METRICS, TIE_RULE
from sla_core.org import load_org_settings
from sla_core.periods import Period, PeriodError, month_containing, parse_period
from sla_core.store import snapshot


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """The `standings` subcommand's arguments."""
    p = sub.add_parser(
        "standings",
        parents=[common],
        help="the leaderboard of a month or quarter",
        description=TIE_RULE,
    )
    p.add_argument("--period", help="a month (2026-05) or a quarter (2026-Q2); default: this month")
    p.add_argument("--by", choices=["rep", "team"], default="rep", help="people or teams")
    p.add_argument(
        "--close",
        action="store_true",
        help="store the period's standings (again only if its data changed)",
    )


def resolve_period(text: str | None, *, zone: str, calendar: Any) -> Period:
    """The period a label names in the org's calendar; a period not yet begun is refused."""
    moment = now()
    period = (
        month_containing(moment, zone=zone, calendar=calendar)
        if not text
        else parse_period(text, zone=zone, calendar=calendar)
    )
    if period.start > pd.Timestamp(moment):
        raise PeriodError(f"{period.label} has not started yet: there are no standings for it")
    return period


def rows_of(board: Board, by: str) -> list[dict[str, Any]]:
    """The board's rows as plain dicts: who, rank, points and the metrics behind them."""
    frame = board.people if by == "rep" else board.teams
    who = "person" if by == "rep" else "team"
    rows = []
    for record in frame.to_dict("records"):
        row: dict[str, Any] = {
            "period": board.period.label,
            "side": str(record.get("side", "sales")),  # ranked within its side
            "rank": int(record["rank"]),
            who: record["name"],
            "id": int(record["subject_id"]),
            "points": float(record["points"]) if by == "team" else int(record["points"]),
            "rules_version": board.rules.version_number,
        }
        if by == "rep":
            row["team"] = record["team"] if pd.notna(record["team"]) else None
            row["role"] = record["role"]
            row["adjustment"] = int(record["adjustment"])
        row["pct_to_goal"] = None if pd.isna(record["pct_to_goal"]) else record["pct_to_goal"]
        row.update({m: int(record[m]) for m in METRICS})
        rows.append(row)
    return rows


def stored_rows_of(board: Board, frozen: closing.Frozen, by: str) -> list[dict[str, Any]]:
    """A closed period's stored standings as plain dicts (the live `board` only names
    teams and roles), each with what closed them and whether the data changed since."""
    frame = frozen.people if by == "rep" else frozen.teams
    who = "person" if by == "rep" else "team"
    live = board.people.set_index("subject_id")
    closed = {
        "revision": frozen.close.revision,
        "closed_at": frozen.close.closed_at.isoformat(),
        "changed_since": frozen.changed,
        "changed_leads": [int(i) for i in frozen.leads["id"]],
    }
    rows = []
    for record in frame.to_dict("records"):
        subject = int(record["subject_id"])
        row: dict[str, Any] = {
            "period": board.period.label,
            "rank": int(record["rank"]),
            who: record["name"],
            "id": subject,
            "points": float(record["points"]) if by == "team" else int(record["points"]),
            "rules_version": frozen.close.version_number,
            "side": str(record.get("side", "sales")),  # ranked within its side
        }
        if by == "rep":
            team = live["team"].get(subject) if "team" in live else None
            row["team"] = team if team is not None and pd.notna(team) else None
            row["role"] = live["role"].get(subject) if "role" in live else None
        row.update({m: int(record[m]) for m in METRICS})
        row["closed"] = closed
        rows.append(row)
    return rows


def _closed_lines(frozen: closing.Frozen) -> list[str]:
    """What the text output says about a closed period: stored, and changed since or not."""
    close = frozen.close
    lines = [
        f"Closed on {close.closed_at:%Y-%m-%d} (revision {close.revision}): "
        "these are the stored standings."
    ]
    if frozen.changed:
        leads = frozen.leads
        named = ", ".join(
            f"#{i} {n}".strip() for i, n in zip(leads["id"], leads["name"], strict=True)
        )
        lines.append(
            f"The data changed since closing ({len(leads)} leads changed"
            + (f": {named}" if named else "")
            + "); run with --close to close it again."
        )
    return lines


def _text(
    board: Board, rows: list[dict[str, Any]], by: str, frozen: closing.Frozen | None = None
) -> str:
    who = "person" if by == "rep" else "team"
    lines = [f"Standings {board.period.label} ({'people' if by == 'rep' else 'teams'})"]
    lines += board.notes if frozen is None else _closed_lines(frozen)
    lines.append(
        f"{'#':>3}  {who:<28} {'points':>7} {'won':>5} {'opps':>5} {'in time':>8} {'mqls':>6}"
    )
    side = None
    for r in rows:
        if r["side"] != side:
            side = r["side"]
            lines.append(f"-- {side} --")
        lines.append(
            f"{r['rank']:>3}  {str(r[who])[:28]:<28} {r['points']:>7} {r['won']:>5} "
            f"{r['opportunities']:>5} {r['dispositioned_in_time']:>8} {r['mqls']:>6}"
        )
    if not rows:
        lines.append("(nobody to rank)")
    lines.append(TIE_RULE)
    return "\n".join(lines)


def command(args: argparse.Namespace, engine: Engine) -> int:
    """Print the standings (one clear error line on bad input, JSON with --json)."""
    try:
        return _run(args, engine)
    except (ValueError, PermissionError) as exc:
        if not args.json:
            raise  # the CLI prints "error: ..." and exits 1
        print(json.dumps({"error": str(exc)}, ensure_ascii=False))  # noqa: T201
        return 1


def _run(args: argparse.Namespace, engine: Engine) -> int:
    """Print the standings; with --close, store them first and say what moved."""
    frame = snapshot.read_leads(engine)
    with session_scope(engine) as session:
        org = load_org_settings(session=session)
        period = resolve_period(args.period, zone=org.time_zone, calendar=org.calendar)
        note = None
        if args.close:
            outcome = closing.close_period(
                session=session, leads=frame, period=period, actor=system_actor()
            )
            note = (
                f"closed {period.label}: revision {outcome.close.revision}, "
                f"{len(outcome.change)} moved"
                if outcome.stored
                else f"{period.label} unchanged since revision {outcome.close.revision}"
            )
        board = service.board_for(session=session, leads=frame, period=period)
        frozen = closing.frozen(session=session, period=period, board=board, leads=frame)
    # A closed period shows what was stored at closing, never the live board.
    rows = rows_of(board, args.by) if frozen is None else stored_rows_of(board, frozen, args.by)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, default=str))  # noqa: T201
    else:
        print(_text(board, rows, args.by, frozen) + (f"\n{note}" if note else ""))  # noqa: T201
    return 0
