"""`python -m sla_core revenue ...`: won value, pipeline, average deal, win rate and cycle."""

from __future__ import annotations

import argparse
import json
from typing import Any

import pandas as pd
from sqlalchemy.engine import Engine

from sla_core.access import system_actor
from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.org import load_org_settings
from sla_core.overview import revenue
from sla_core.people.roster import people_frame
from sla_core.periods import month_containing, parse_period
from sla_core.store.snapshot import read_leads

_WHO = {"rep": "person", "team": "team", "source": "source"}


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """The `revenue` subcommand's arguments."""
    p = sub.add_parser(
        "revenue",
        parents=[common],
        help="won value, pipeline value, average deal, win rate and sales cycle by close date",
    )
    p.add_argument("--period", help="a month (2017-05) or a quarter (2017-Q2); default: this month")
    p.add_argument("--by", choices=list(revenue.BY), default="rep", help="rep, team or source")


def command(args: argparse.Namespace, engine: Engine) -> int:
    """Print the period's revenue per rep, team or source (one JSON row per group)."""
    actor = system_actor()
    revenue.require_reader(actor)
    with session_scope(engine) as session:
        settings = load_org_settings(session=session)
        people = people_frame(session=session)
    zone, calendar = settings.time_zone, settings.calendar
    period = (
        parse_period(args.period, zone=zone, calendar=calendar)
        if args.period
        else month_containing(now(), zone=zone, calendar=calendar)
    )
    leads = read_leads(engine)
    table = revenue.revenue_table(leads, period, args.by, people)
    rows = [_row(record, args.by, period.label) for record in table.to_dict("records")]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))  # noqa: T201
    else:
        print(_text(table, period.label))  # noqa: T201
    return 0


def _number(value: Any, places: int) -> float | None:
    return None if pd.isna(value) else round(float(value), places)


def _row(record: dict[str, Any], by: str, label: str) -> dict[str, Any]:
    """One group's figures for scripts: money to the cent, the win rate in per cent."""
    return {
        "period": label,
        _WHO[by]: str(record["group"]),
        "won": int(record["won"]),
        "lost": int(record["lost"]),
        "won_value": _number(record["won_value"], 2),
        "open": int(record["open"]),
        "pipeline_value": _number(record["pipeline_value"], 2),
        "avg_deal": _number(record["avg_deal"], 2),
        "win_rate": _number(record["win_rate_pct"], 1),
        "cycle_days": _number(record["cycle_days"], 1),
    }


def _text(table: pd.DataFrame, label: str) -> str:
    """The table for a terminal, or one line when nothing was won, lost or open."""
    if table.empty:
        return f"{label}: no deal won, lost or open"
    shown = table.rename(columns={"win_rate_pct": "win_rate_%", "open": "open_at_end"}).round(
        {"won_value": 2, "pipeline_value": 2, "avg_deal": 2, "win_rate_%": 1, "cycle_days": 1}
    )
    return f"{label}, counted by close date\n" + str(shown.to_string(index=False))
