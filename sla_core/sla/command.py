"""The sla package's command line: `compliance`, `remind` and `daily-report`.

Long because it holds the three subcommands' arguments, texts and exit statuses; what they
compute lives in sla.levels, sla.remind and sla.daily.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from datetime import date
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import select

from sla_core import agreement, periods
from sla_core.access import system_actor
from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.models import Role, Team, TeamKind, User
from sla_core.org import load_org_settings
from sla_core.settings import Settings
from sla_core.sla.clocks import lead_clocks
from sla_core.sla.cohorts import requalified_in
from sla_core.sla.context import load_heads, load_setup
from sla_core.sla.daily import (
    build_report,
    report_recipients,
    send_daily_report,
)
from sla_core.sla.gauges import LEVEL_TITLES, GaugeLevel, pace_of
from sla_core.sla.mail_settings import effective_config
from sla_core.sla.mailer import MailConfigError, SmtpConfig
from sla_core.sla.reassign import kept_breaches
from sla_core.sla.remind import RemindReport, run_reminders
from sla_core.sla.views import Scope, ScopeKind, joint_figure, scope_gauges, scope_mask
from sla_core.store import snapshot

REMIND_HELP = """`python -m sla_core remind [--dry-run] [--json]`: the reminder run, for cron.

Exit status: 0 done (or nothing to send), 1 settings refused (the login, STARTTLS, the
sender: nothing more sent), 3 the SMTP server is unavailable (reminders stay pending for
the next run), 4 some people's digests were held (each named with its reason; everyone
else's went, and the held ones are tried again next run)."""
DAILY_HELP = """`python -m sla_core daily-report [--date D] [--send] [--json]` (default: yesterday).

Exit status: 0 done, 1 bad date or settings, 3 the SMTP server is unavailable."""


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """The sla package's subcommands and their arguments."""
    _add_compliance(sub, common)
    _add_remind(sub, common)
    _add_daily_report(sub, common)


def command(args: argparse.Namespace, engine: Engine) -> int:
    """Run one of the sla package's subcommands."""
    run = {"compliance": _compliance, "remind": _remind, "daily-report": _daily_report}
    return run[args.command](args, engine)


def _add_compliance(sub: Any, common: argparse.ArgumentParser) -> None:
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
            "title": LEVEL_TITLES[GaugeLevel(row["level"])],
            "value": None if row["value"] != row["value"] else round(float(row["value"]), 2),
            "target": round(float(row["target"]), 2),
            "band": row["band"],
            "done": int(row["done"]),
            "due": int(row["due"]),
            "running": int(row["running"]),
            **(
                {"won_in_period": int(row["won_in_period"])}
                if row["level"] == GaugeLevel.CONVERSION.value
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
        # beside the MQL volume, never inside it
        "requalified": requalified_in(frame, period, scope_mask(frame, scope, heads)),
    }
    if scope.kind is ScopeKind.COMPANY:
        joint = joint_figure(gauges, frame, content, period, ref, heads)
        report["both_sides_kept"] = {
            "kept": joint.both_kept,
            "sales": [joint.sales_kept, joint.sales_judged],
            "marketing": [joint.marketing_kept, joint.marketing_judged],
        }
    return report


def _compliance_text(report: dict[str, Any]) -> str:
    lines = [f"{report['name']} ({report['scope']}), {report['period']}"]
    for row in report["levels"]:
        value = "—" if row["value"] is None else f"{row['value']:g}"
        lines.append(
            f"  {row['title']:<34} {value:>8}  target {row['target']:>8g}  {row['band']:<6}"
            f"  {row['done']}/{row['due']}"
            + (f"  ({row['running']} still running)" if row["running"] else "")
            + (f"  {row['won_in_period']} won in the period" if "won_in_period" in row else "")
        )
    if report["requalified"]:
        lines.append(f"  {report['requalified']} re-qualified from the backlog (beside the MQLs)")
    return "\n".join(lines)


def _compliance(args: argparse.Namespace, engine: Engine) -> int:
    """Print the service levels; a bad team, rep or period is one clear line (exit 1)."""
    try:
        report = compliance_report(args, engine)
    except (ValueError, periods.PeriodError) as exc:
        print(json.dumps({"error": str(exc)}) if args.json else f"error: {exc}")  # noqa: T201
        return 1
    print(json.dumps(report, ensure_ascii=False) if args.json else _compliance_text(report))  # noqa: T201
    return 0


EXIT_UNAVAILABLE = 3
EXIT_HELD = 4


def _add_remind(sub: Any, common: argparse.ArgumentParser) -> None:
    """The `remind` subcommand's arguments."""
    p = sub.add_parser(
        "remind",
        parents=[common],
        help="record due SLA reminders and e-mail each person a digest (idempotent)",
        description=REMIND_HELP,
    )
    p.add_argument("--dry-run", action="store_true", help="say what is due; write and send nothing")


def _remind_text(report: RemindReport) -> str:
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


def _remind(args: argparse.Namespace, engine: Engine) -> int:
    """Run the reminders; one clear line on a settings problem."""
    try:
        config = _smtp(engine, Settings.from_environ())
    except MailConfigError as exc:
        print(json.dumps({"error": str(exc)}) if args.json else f"error: {exc}")  # noqa: T201
        return 1
    report = run_reminders(engine=engine, actor=system_actor(), config=config,
                           dry_run=args.dry_run)  # fmt: skip
    payload = dataclasses.asdict(report)
    print(json.dumps(payload) if args.json else _remind_text(report))  # noqa: T201
    if report.refused:
        return 1
    if report.pending:
        return EXIT_UNAVAILABLE
    return EXIT_HELD if report.held else 0


def _smtp(engine: Engine, settings: Settings) -> SmtpConfig | None:
    """The SMTP settings in force: those stored on the Settings page, the environment's win."""
    with session_scope(engine) as session:
        return effective_config(session=session, environ_values=settings.smtp_values)


def _add_daily_report(sub: Any, common: argparse.ArgumentParser) -> None:
    """The `daily-report` subcommand's arguments."""
    p = sub.add_parser("daily-report", parents=[common], help="per rep: the day's sales work",
                       description=DAILY_HELP)  # fmt: skip
    p.add_argument("--date", help="the day, YYYY-MM-DD (default: yesterday, local time)")
    p.add_argument("--send", action="store_true", help="e-mail it (LEADPACT_DAILY_REPORT_TO)")


def _daily_report(args: argparse.Namespace, engine: Engine) -> int:
    """Print (and with --send e-mail) the daily report."""

    def fail(text: str, code: int = 1) -> int:
        print(json.dumps({"error": text}) if args.json else f"error: {text}")  # noqa: T201
        return code

    settings = Settings.from_environ()
    try:
        day = date.fromisoformat(args.date) if args.date else None
        config = _smtp(engine, settings) if args.send else None
    except ValueError as exc:  # MailConfigError is a ValueError too
        return fail(str(exc) if isinstance(exc, MailConfigError) else
                    f"{args.date!r} is not a date: write it as 2026-05-31")  # fmt: skip
    label, table = build_report(engine=engine, day=day)
    sent: list[str] = []
    if args.send:
        if config is None:
            return fail("e-mail is off: set it up on the Settings page (or LEADPACT_SMTP_HOST)")
        with session_scope(engine) as session:
            to = report_recipients(session=session, listed=settings.daily_report_to)
        delivery = send_daily_report(config=config, table=table, day=label, to=to,
                                     actor=system_actor())  # fmt: skip
        if delivery.error:
            return fail(delivery.error, 1 if delivery.refused or not to else 3)
        sent = [str(address) for address in to]
    rows = table.to_dict(orient="records")
    print(json.dumps({"date": label, "rows": rows, "sent_to": sent}) if args.json else  # noqa: T201
          f"Daily sales report, {label}\n{table.to_string(index=False)}"
          + (f"\nsent to {', '.join(sent)}" if sent else ""))  # fmt: skip
    return 0
