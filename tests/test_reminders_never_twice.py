"""Issue 18.2, 18.5, 18.6 and 17 (reminders), against a real SMTP server on loopback
(aiosmtpd): a bad address or a refused recipient holds that person's digest only, named in
the report; each digest is settled as soon as the server accepts it, under the run's own
claim, so neither a killed run nor two overlapping runs send anything twice; the "new"
count is of the rows a run inserted; a server without STARTTLS is a settings error.
SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import event, func, update
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from sla_core.access import system_actor
from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.models import Lead, Reminder, Role, Team, TeamKind, User
from sla_core.people import users
from sla_core.sla.daily import send_daily_report
from sla_core.sla.remind import RemindReport, run_reminders
from tests.slaframes import QUALIFYING
from tests.test_sla_reminders import REF, config, free_port

ROOT = Path(__file__).resolve().parents[1]
INJECTED = "x@evil.example\nBcc: victim@evil.example"
PEOPLE = 5
EXIT_HELD = 4  # the remind command: some digests held, each named


class Server:
    """An SMTP server that records each accepted message with its envelope; it can refuse
    given recipients (550) and take `delay` seconds over each one."""

    def __init__(self, refuse: set[str] | None = None, delay: float = 0.0) -> None:
        self.refuse, self.delay = refuse or set(), delay
        self.accepted: list[tuple[list[str], Any]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        await asyncio.sleep(self.delay)
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.accepted.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def copies(self) -> Counter[str]:
        return Counter(to for rcpt, _ in self.accepted for to in rcpt)


@pytest.fixture
def port() -> int:
    return free_port()


def serve(port: int, **kwargs: Any) -> tuple[Controller, Server]:
    handler = Server(**kwargs)
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, handler


def world(engine: Engine, ref: datetime) -> list[str]:
    """Five reps (no managers), each with one lead two hours past its disposition deadline:
    one digest each. Their addresses, in the order a run sends them."""
    with session_scope(engine) as session:
        team = Team(name="North", kind=TeamKind.SALES)
        session.add(team)
        session.flush()
        reps = [User(username=f"rep{i}", name=f"Rep {i}", role=Role.SALES_REP, team_id=team.id,
                     email=f"rep{i}@example.com") for i in range(1, PEOPLE + 1)]  # fmt: skip
        session.add_all(reps)
        session.flush()
        at = ref - timedelta(hours=50)
        for rep in reps:
            session.add(Lead(lead_key=rep.username, first_name=rep.name, stage="mql",
                             owner_id=rep.id, created_at=at, mql_at=at, assigned_at=at,
                             **QUALIFYING))  # fmt: skip
    return [f"rep{i}@example.com" for i in range(1, PEOPLE + 1)]


def _run(engine: Engine, port: int, ref: datetime = REF, **extra: str) -> RemindReport:
    return run_reminders(engine=engine, actor=system_actor(), config=config(port, **extra),
                         ref=ref)  # fmt: skip


def _unsent(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as session:
        rows = session.exec(
            select(User.username, func.count())
            .join(Reminder, col(Reminder.recipient_id) == col(User.id))
            .where(col(Reminder.emailed_at).is_(None))
            .group_by(col(User.username))
        ).all()
    return {str(name): int(n) for name, n in rows}


def _cli(engine: Engine, port: int, *args: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "LEADPACT_SMTP_HOST": "127.0.0.1",
        "LEADPACT_SMTP_PORT": str(port),
        "LEADPACT_SMTP_SECURITY": "none",
        "LEADPACT_SMTP_SENDER": "sla@example.com",
        # the child's clock starts where this process's stands now (a clock set for the run
        # would otherwise start over in every child, behind the parent)
        "LEADPACT_CLOCK": now().isoformat(),
    }
    return subprocess.Popen([sys.executable, "-m", "sla_core", "remind", *args], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)  # fmt: skip


# 18.2: one bad address -------------------------------------------------------------------


def _inject(engine: Engine, username: str) -> None:
    """An address stored before addresses were checked (an old import wrote it)."""
    with session_scope(engine) as session:
        session.execute(update(User).where(col(User.username) == username).values(email=INJECTED))


def test_a_bad_stored_address_holds_that_digest_only_and_names_the_person(engine, port):  # type: ignore[no-untyped-def]
    emails = world(engine, REF)
    _inject(engine, "rep1")  # the first one queued
    controller, server = serve(port)
    try:
        report = _run(engine, port)
        assert report.error is None and report.pending == 0
        assert [(h.username, h.reminders) for h in report.held] == [("rep1", 1)]
        assert "line break" in report.held[0].reason
        assert server.copies() == Counter(emails[1:])  # everyone else's mail went, once
        assert not any("victim" in str(m) for _, m in server.accepted)
        assert _unsent(engine) == {"rep1": 1}
        # Corrected, the held digest goes on the next run, and nothing else again.
        with session_scope(engine) as session:
            users.set_email(session=session, username="rep1", email=emails[0],
                            actor=system_actor())  # fmt: skip
        again = _run(engine, port)
        assert (again.emailed, again.held, again.recipients) == (1, [], [emails[0]])
        assert server.copies() == Counter(emails)
    finally:
        controller.stop()


def test_the_cli_names_the_held_person_in_words_and_in_json(engine, port):  # type: ignore[no-untyped-def]
    emails = world(engine, now())
    _inject(engine, "rep3")
    controller, server = serve(port)
    try:
        text = _cli(engine, port)
        out, err = text.communicate(timeout=120)
        assert text.returncode == EXIT_HELD, err
        assert "4 e-mailed, 0 pending" in out
        assert "held for Rep 3 (rep3, 1 reminders): e-mail 'x@evil.example\\nBcc: " in out
        as_json = _cli(engine, port, "--json")
        out, err = as_json.communicate(timeout=120)
        assert as_json.returncode == EXIT_HELD, err
        held = json.loads(out)["held"]
        assert [(h["username"], h["email"]) for h in held] == [("rep3", INJECTED)]
        assert "line break" in held[0]["reason"] and "Traceback" not in err
        assert server.copies() == Counter(e for e in emails if e != "rep3@example.com")
    finally:
        controller.stop()


# 18.5: one refused recipient ---------------------------------------------------------------


def test_a_refused_recipient_is_held_and_named_and_blocks_no_one_on_any_run(engine, port):  # type: ignore[no-untyped-def]
    emails = world(engine, REF)
    controller, server = serve(port, refuse={emails[0]})
    try:
        for run in range(2):
            report = _run(engine, port)
            assert (report.error, report.pending, report.refused) == (None, 0, False)
            assert [h.username for h in report.held] == ["rep1"]
            assert (
                "550" in report.held[0].reason and "refused the recipient" in report.held[0].reason
            )
            assert report.emailed == (PEOPLE - 1 if run == 0 else 0)
            assert server.copies() == Counter(emails[1:])
        assert _unsent(engine) == {"rep1": 1}
        with session_scope(engine) as session:
            held = session.exec(select(Reminder).where(col(Reminder.emailed_at).is_(None))).one()
        assert held.attempts == 2 and held.claim is None and "550" in (held.last_error or "")
    finally:
        controller.stop()


# 17: STARTTLS ------------------------------------------------------------------------------


def test_a_server_without_starttls_is_a_settings_error_not_an_outage(engine, port):  # type: ignore[no-untyped-def]
    world(engine, REF)
    controller, server = serve(port)
    try:
        report = _run(engine, port, LEADPACT_SMTP_SECURITY="starttls")
    finally:
        controller.stop()
    assert report.refused and "does not offer STARTTLS" in (report.error or "")
    assert "unavailable" not in (report.error or "")
    assert (report.emailed, report.pending, server.accepted) == (0, PEOPLE, [])


# 18.6: never twice, under kill and overlap -----------------------------------------------


def _emailed_and_claimed(engine: Engine) -> tuple[int, int]:
    with session_scope(engine) as session:
        rows = session.exec(select(Reminder.emailed_at, Reminder.claim)).all()
    return sum(e is not None for e, _ in rows), sum(e is None and c is not None for e, c in rows)


def test_a_run_killed_mid_send_keeps_what_went_and_nothing_is_sent_twice(engine, port):  # type: ignore[no-untyped-def]
    emails = world(engine, now())
    controller, server = serve(port, delay=1.0)  # a slow server: a second per recipient
    try:
        run = _cli(engine, port)
        deadline = time.monotonic() + 120
        # Two digests accepted, the third claimed and on its way (the server is slow).
        while not (len(server.accepted) >= 2 and _emailed_and_claimed(engine) == (2, 1)):
            assert run.poll() is None and time.monotonic() < deadline, run.communicate()
            time.sleep(0.02)
        os.kill(run.pid, signal.SIGKILL)
        run.communicate()
        assert server.copies() == Counter(emails[:2])
        assert _emailed_and_claimed(engine) == (2, 1)  # what was accepted is settled at once
        # The next run sends everyone not reached; the one in flight stays claimed a while.
        after = _run(engine, port, now())
        assert server.copies() == Counter(emails[:2] + emails[3:])
        assert after.emailed == 2 and _unsent(engine) == {"rep3": 1}
        # Fifteen minutes on, the killed run's claim is stale: the digest it never sent goes.
        with session_scope(engine) as session:
            session.execute(
                update(Reminder)
                .where(col(Reminder.claim).is_not(None))
                .values(claimed_at=now() - timedelta(minutes=16))
            )
        last = _run(engine, port, now())
        assert last.recipients == [emails[2]]
        assert server.copies() == Counter(emails)  # each person once, no second copy
        assert _unsent(engine) == {}
    finally:
        controller.stop()


def test_two_runs_overlapping_a_long_send_deliver_each_digest_once(engine, port):  # type: ignore[no-untyped-def]
    """A second cron run starts 16 minutes after the first, which is still sending (a slow
    server): it takes over only what the first has not claimed."""
    emails = world(engine, REF)
    controller, server = serve(port, delay=0.5)
    reports: list[RemindReport] = []
    errors: list[BaseException] = []

    def run(ref: datetime) -> None:
        try:
            reports.append(_run(engine, port, ref))
        except BaseException as exc:  # reported below
            errors.append(exc)

    try:
        first = threading.Thread(target=run, args=(REF,))
        first.start()
        deadline = time.monotonic() + 60
        while not server.accepted:
            assert time.monotonic() < deadline and first.is_alive()
            time.sleep(0.02)
        second = threading.Thread(target=run, args=(REF + timedelta(minutes=16),))
        second.start()
        first.join(120)
        second.join(120)
    finally:
        controller.stop()
    assert errors == []
    assert server.copies() == Counter(emails)  # each person once
    assert sum(r.emailed for r in reports) == PEOPLE and _unsent(engine) == {}


# 17: the "new" count -------------------------------------------------------------------------


def test_two_runs_at_once_count_each_new_reminder_once(engine):  # type: ignore[no-untyped-def]
    """Both runs reach their INSERT together (a barrier before it): between them they report
    as many new reminders as were stored, not twice as many."""
    world(engine, REF)
    together = threading.Barrier(2, timeout=3)
    waited = threading.local()

    def meet(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("INSERT INTO REMINDER") and not getattr(
            waited, "done", False
        ):
            waited.done = True
            try:
                together.wait()
            except threading.BrokenBarrierError:
                pass  # the database made one wait for the other: fine as well

    reports: list[RemindReport] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            reports.append(run_reminders(engine=engine, actor=system_actor(), config=None,
                                         ref=REF))  # fmt: skip
        except BaseException as exc:  # reported below
            errors.append(exc)

    event.listen(engine, "before_cursor_execute", meet)
    try:
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    finally:
        event.remove(engine, "before_cursor_execute", meet)
    assert errors == []
    with session_scope(engine) as session:
        stored = int(session.exec(select(func.count()).select_from(Reminder)).one())
    assert stored > 0
    assert sorted(r.new for r in reports) == [0, stored]


def test_the_daily_report_refuses_an_address_carrying_a_header(port):  # type: ignore[no-untyped-def]
    controller, server = serve(port)
    try:
        delivery = send_daily_report(config=config(port), table=pd.DataFrame({"rep": ["Ann"]}),
                                     day="2026-03-10", to=["boss@example.com", INJECTED],
                                     actor=system_actor())  # fmt: skip
    finally:
        controller.stop()
    assert delivery.refused and "line break" in (delivery.error or "")
    assert (delivery.sent, server.accepted) == ((), [])
