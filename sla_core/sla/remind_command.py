"""`python -m sla_core remind [--dry-run] [--json]`: the reminder run, for cron.

Exit status: 0 done (or nothing to send), 1 settings refused (the login, STARTTLS, the
sender: nothing more sent), 3 the SMTP server is unavailable (reminders stay pending for
the next run), 4 some people's digests were held (each named with its reason; everyone
else's went, and the held ones are tried again next run).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from typing import Any

from sqlalchemy.engine import Engine

from sla_core.access import system_actor
from sla_core.settings import Settings
from sla_core.sla.mailer import MailConfigError
from sla_core.sla.remind import RemindReport, run_reminders

EXIT_UNAVAILABLE = 3
EXIT_HELD = 4


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """The `remind` subcommand's arguments."""
    p = sub.add_parser(
        "remind",
        parents=[common],
        help="record due SLA reminders and e-mail each person a digest (idempotent)",
        description=__doc__,
    )
    p.add_argument("--dry-run", action="store_true", help="say what is due; write and send nothing")


def _text(report: RemindReport) -> str:
    if report.dry_run:
        return (
            f"dry run: {report.due} reminder steps due, {report.new} not recorded yet; "
            f"{report.reassigned} leads to reassign"
        )
    text = (
        f"{report.due} reminder steps due, {report.new} new; "
        f"{report.emailed} e-mailed, {report.pending} pending; {report.reassigned} reassigned"
    )
    held = [
        f"held for {h.name} ({h.username}, {h.reminders} reminders): {h.reason}"
        for h in report.held
    ]
    return "\n".join([text, *held, *([report.error] if report.error else [])])


def command(args: argparse.Namespace, engine: Engine) -> int:
    """Run the reminders; one clear line on a settings problem."""
    try:
        config = Settings.from_environ().smtp()
    except MailConfigError as exc:
        print(json.dumps({"error": str(exc)}) if args.json else f"error: {exc}")  # noqa: T201
        return 1
    report = run_reminders(engine=engine, actor=system_actor(), config=config,
                           dry_run=args.dry_run)  # fmt: skip
    payload = dataclasses.asdict(report)
    print(json.dumps(payload) if args.json else _text(report))  # noqa: T201
    if report.refused:
        return 1
    if report.pending:
        return EXIT_UNAVAILABLE
    return EXIT_HELD if report.held else 0
