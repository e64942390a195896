"""`python -m sla_core daily-report [--date D] [--send] [--json]` (default: yesterday).

Exit status: 0 done, 1 bad date or settings, 3 the SMTP server is unavailable.
"""

from __future__ import annotations

import argparse
import json
from datetime import date, timedelta
from typing import Any

import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import select

from sla_core import agreement
from sla_core.access import system_actor
from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.models import Role, User
from sla_core.org import load_org_settings
from sla_core.periods import zone_info
from sla_core.settings import Settings
from sla_core.sla.clocks import lead_clocks
from sla_core.sla.context import load_setup
from sla_core.sla.daily import (
    daily_table,
    day_events,
    day_span,
    report_recipients,
    send_daily_report,
)
from sla_core.sla.mailer import MailConfigError
from sla_core.store import snapshot


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """The `daily-report` subcommand's arguments."""
    p = sub.add_parser("daily-report", parents=[common], help="per rep: the day's sales work",
                       description=__doc__)  # fmt: skip
    p.add_argument("--date", help="the day, YYYY-MM-DD (default: yesterday, local time)")
    p.add_argument("--send", action="store_true", help="e-mail it (LEADPACT_DAILY_REPORT_TO)")


def build_report(*, engine: Engine, day: date | None) -> tuple[str, pd.DataFrame]:
    """The day's label and table (yesterday in the organisation's zone by default)."""
    with session_scope(engine) as session:
        org = load_org_settings(session=session)
        content = agreement.governing_version(session=session).content
        setup = load_setup(session=session)
        names = {u.id: u.name for u in session.exec(select(User)).all()
                 if u.id and u.role == Role.SALES_REP}  # fmt: skip
        ref = now()
        day = day or (pd.Timestamp(ref).tz_convert(zone_info(org.time_zone)).date()
                      - timedelta(days=1))  # fmt: skip
        span = day_span(day, org.time_zone)
        events = day_events(session=session, span=span)
    frame = snapshot.read_leads(engine, columns=snapshot.SNAPSHOT_COLUMNS)
    clocks = lead_clocks(frame, content, ref, setup)
    return span.label, daily_table(events, frame, clocks, span, names)


def command(args: argparse.Namespace, engine: Engine) -> int:
    """Print (and with --send e-mail) the daily report."""

    def fail(text: str, code: int = 1) -> int:
        print(json.dumps({"error": text}) if args.json else f"error: {text}")  # noqa: T201
        return code

    settings = Settings.from_environ()
    try:
        day = date.fromisoformat(args.date) if args.date else None
        config = settings.smtp() if args.send else None
    except ValueError as exc:  # MailConfigError is a ValueError too
        return fail(str(exc) if isinstance(exc, MailConfigError) else
                    f"{args.date!r} is not a date: write it as 2026-05-31")  # fmt: skip
    label, table = build_report(engine=engine, day=day)
    sent: list[str] = []
    if args.send:
        if config is None:
            return fail("e-mail is off: set LEADPACT_SMTP_HOST to send the report")
        with session_scope(engine) as session:
            to = report_recipients(session=session, listed=settings.daily_report_to)
        delivery = send_daily_report(config=config, table=table, day=label, to=to,
                                     actor=system_actor())  # fmt: skip
        if delivery.error:
            return fail(delivery.error, 1 if delivery.refused or not to else 3)
        sent = to
    rows = table.to_dict(orient="records")
    print(json.dumps({"date": label, "rows": rows, "sent_to": sent}) if args.json else  # noqa: T201
          f"Daily sales report, {label}\n{table.to_string(index=False)}"
          + (f"\nsent to {', '.join(sent)}" if sent else ""))  # fmt: skip
    return 0
