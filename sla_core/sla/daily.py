"""The daily sales report handed on to the service team: per rep, what happened that day.

For one local day (the organisation's zone), per rep: leads worked (touched at least once),
touches logged, leads dispositioned, opportunities opened - each credited to the person who
did it (the event's actor, not whoever owns the lead now; an event the system recorded goes
to the lead's owner) - and clocks breached (a disposition or work deadline that fell on
that day and was not met), charged to the lead's owner.

The e-mail speaks each recipient's language (that of the person with the address; English
for an address nobody has): subject and body translated, the day in the reader's calendar,
counts in the reader's digits. The CSV and XLSX attachments stay as they are, for tools.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import pandas as pd
from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from sla_core import agreement
from sla_core.access import Permission, require
from sla_core.agreement.wording import Wording
from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.exporting import safe_csv, safe_xlsx
from sla_core.i18n.languages import N_, Language, parse_language
from sla_core.models import Lead, LeadEvent, Role, User
from sla_core.org import load_org_settings
from sla_core.people.users import address_problem
from sla_core.periods import Period, zone_info
from sla_core.sla.clocks import lead_clocks
from sla_core.sla.context import load_setup
from sla_core.sla.mailer import Delivery, SmtpConfig, deliver
from sla_core.stages import EventKind, Stage
from sla_core.store import snapshot

REPORT_COLUMNS = ("rep", "worked", "touches", "dispositioned", "opened", "breached")
TOTAL = N_("All reps")
REP_LINE = N_(
    "{rep}: {worked} leads worked, {touches} touches, {dispositioned} dispositioned, "
    "{opened} opportunities opened, {breached} windows missed"
)


class Recipient(str):
    """An address the daily report goes to, and the language its reader reads."""

    language: Language

    def __new__(cls, address: str, language: Language = Language.ENGLISH) -> Recipient:
        made = super().__new__(cls, address)
        made.language = language
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        return (Recipient, (str(self), self.language))


def day_span(day: date, zone: str) -> Period:
    """The local day `day` in `zone` as a half-open UTC interval."""
    start = pd.Timestamp(datetime(day.year, day.month, day.day), tz=zone_info(zone))
    return Period(start.tz_convert("UTC"), (start + timedelta(days=1)).tz_convert("UTC"),
                  f"{day:%Y-%m-%d}", zone=zone)  # fmt: skip


def day_events(*, session: Session, span: Period) -> pd.DataFrame:
    """The lead events of the day (lead_id, kind, to_stage) and `owner_id`, the person each
    is credited to: its actor, or the lead's owner when the system recorded it."""
    rows = session.execute(
        sa_select(
            col(LeadEvent.lead_id),
            col(LeadEvent.kind),
            col(LeadEvent.to_stage),
            func.coalesce(col(LeadEvent.actor_id), col(Lead.owner_id)),
            col(LeadEvent.reason),
        )
        .join(Lead, col(Lead.id) == col(LeadEvent.lead_id))
        .where(
            col(LeadEvent.at) >= span.start.to_pydatetime(),
            col(LeadEvent.at) < span.end.to_pydatetime(),
        )
    ).all()
    return pd.DataFrame(rows, columns=["lead_id", "kind", "to_stage", "owner_id", "reason"])


def daily_table(
    events: pd.DataFrame,
    leads: pd.DataFrame,
    clocks: pd.DataFrame,
    span: Period,
    names: Mapping[int, str],
) -> pd.DataFrame:
    """One row per rep with anything to report, then the total (see the module's rules)."""
    touch = events[events["kind"] == EventKind.TOUCH.value]
    per = pd.DataFrame(
        {
            "worked": touch.groupby("owner_id")["lead_id"].nunique(),
            "touches": touch.groupby("owner_id").size(),
            "dispositioned": events[events["kind"] == EventKind.DISPOSITION.value]
            .groupby("owner_id")
            .size(),
            "opened": events[events["to_stage"] == Stage.OPPORTUNITY.value]
            .groupby("owner_id")
            .size(),
        }
    )
    # a clock breached that day and since reassigned stays with the rep who missed it (its
    # "breach" event, dated at the deadline); the lead's current owner is not charged
    kept = events[(events["kind"] == EventKind.BREACH.value)
                  & events.get("reason", pd.Series(dtype=object)).isin(["disposition", "work"])]  # fmt: skip
    breached = pd.Series(False, index=leads.index)
    for clock in ("disposition", "work"):
        on_day = span.contains(clocks[f"{clock}_deadline"])
        hit = on_day & (clocks[f"{clock}_status"] == "breached")
        if clock == "work" and "id" in leads:
            hit &= ~leads["id"].isin(kept.loc[kept["reason"] == "work", "lead_id"])
        breached |= hit
    late = (
        pd.concat([leads.loc[breached, "owner_id"].dropna(), kept["owner_id"].dropna()])
        .astype("int64")
        .value_counts()
    )
    per = per.join(late.rename("breached"), how="outer").fillna(0).astype("int64")
    per.index = per.index.astype("int64")
    per = per[per.index.isin(list(names))] if names else per
    table = per.assign(rep=[names.get(int(i), f"#{i}") for i in per.index]).sort_values("rep")
    total = pd.DataFrame([{"rep": TOTAL, **{c: int(table[c].sum()) for c in REPORT_COLUMNS[1:]}}])
    return pd.concat([table[list(REPORT_COLUMNS)], total], ignore_index=True)


def report_recipients(*, session: Session, listed: Sequence[str] = ()) -> list[Recipient]:
    """The addresses the settings list (LEADPACT_DAILY_REPORT_TO), else every active sales
    manager's e-mail; each with its reader's language (see the module)."""
    people = session.exec(select(User).where(col(User.email).is_not(None))).all()
    spoken: dict[str, Language] = {}
    for user in sorted(people, key=lambda u: not u.active):  # an active person's first
        spoken.setdefault((user.email or "").strip().lower(), parse_language(user.language))
    if listed:
        addresses = list(listed)
    else:
        managers = [u for u in people if u.role == Role.SALES_MANAGER and u.active]
        addresses = [m.email for m in managers if m.email]
    return [Recipient(a, spoken.get(a.strip().lower(), Language.ENGLISH)) for a in addresses]


def _body(table: pd.DataFrame, day: str, w: Wording) -> str:
    """The report as text: English keeps its table; fa/ar one sentence per rep (a plain-text
    table does not read right to left), every count in the reader's digits."""
    intro = w.t(N_("The sales team's day, {day}:"), day=day)
    if w.english:
        return f"{intro}\n\n{table.to_string(index=False)}\n"
    lines = [
        "- " + w.t(REP_LINE, rep=w.t(TOTAL) if row["rep"] == TOTAL else row["rep"],
                   **{c: w.n(int(row[c])) for c in REPORT_COLUMNS[1:] if c in row})
        for row in table.to_dict(orient="records")
    ]  # fmt: skip
    return "\n".join([intro, "", *lines, ""])


def _report_message(table: pd.DataFrame, day: str, to: Sequence[str], w: Wording) -> EmailMessage:
    shown = w.day(day) if _is_iso_day(day) else w.digits(day)
    message = EmailMessage()
    message["To"] = ", ".join(to)
    message["Subject"] = w.t(N_("LeadPact daily sales report, {day}"), day=shown)
    message.set_content(_body(table, shown, w))
    message.add_attachment(safe_csv(table), maintype="text", subtype="csv",
                           filename=f"daily-sales-{day}.csv")  # fmt: skip
    message.add_attachment(
        safe_xlsx({day: table}),
        maintype="application",
        subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        filename=f"daily-sales-{day}.xlsx",
    )
    return message


def _is_iso_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def send_daily_report(
    *, config: SmtpConfig, table: pd.DataFrame, day: str, to: Sequence[str], actor: User
) -> Delivery:
    """E-mail the report (text in the body, CSV and XLSX attached, formulas neutralised),
    one message per language the recipients read (a plain address reads English)."""
    require(actor, Permission.EXPORT_REPORTS)
    if not to:
        return Delivery((), "nobody to send the daily report to: set LEADPACT_DAILY_REPORT_TO")
    problems = [problem for problem in map(address_problem, to) if problem]
    if problems:  # e.g. a line break, which would add a header: refuse the send, say which
        return Delivery((), f"the daily report was not sent: the address {problems[0]}; fix "
                        "LEADPACT_DAILY_REPORT_TO or that manager's e-mail (users set-email)",
                        refused=True)  # fmt: skip
    by_language: dict[Language, list[str]] = {}
    for address in to:  # one message per language, in the order the languages first appear
        language = getattr(address, "language", Language.ENGLISH)
        by_language.setdefault(language, []).append(str(address))
    messages = [
        _report_message(table, day, addresses, Wording(language))
        for language, addresses in by_language.items()
    ]
    return deliver(config, messages)


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
