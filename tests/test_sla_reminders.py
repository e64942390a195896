"""Reminders against a real SMTP server on loopback (aiosmtpd): digests, idempotence, the
retry after an outage, a refused login."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlmodel import select

from sla_core.access import PermissionDenied, system_actor
from sla_core.db import session_scope
from sla_core.models import Lead, Reminder, Role, Team, TeamKind, User
from sla_core.sla.clocks import lead_clocks
from sla_core.sla.mailer import MailConfigError, SmtpConfig
from sla_core.sla.remind import notifications, run_reminders
from sla_core.sla.reminders import due_reminders
from sla_core.terms import AgreementContent
from tests.slaframes import QUALIFYING, sla_frame

REF = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
CONTENT = AgreementContent()  # 48 h to disposition; rep at 50 % and 75 %, manager at breach


class Inbox:
    def __init__(self) -> None:
        self.messages: list[object] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def smtp(port: int, **kwargs: object) -> tuple[Controller, Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    return controller, inbox


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def server(port: int) -> Iterator[Inbox]:
    controller, inbox = smtp(port)
    yield inbox
    controller.stop()


def config(port: int, **extra: str) -> SmtpConfig:
    found = SmtpConfig.from_mapping(
        {"LEADPACT_SMTP_HOST": "127.0.0.1", "LEADPACT_SMTP_PORT": str(port),
         "LEADPACT_SMTP_SECURITY": "none", "LEADPACT_SMTP_SENDER": "sla@example.com", **extra}
    )  # fmt: skip
    assert found is not None
    return found


@pytest.fixture
def engine(engine):  # type: ignore[no-untyped-def]
    """A rep and their manager (same team), a second manager elsewhere, three open MQLs:
    60 % of the window gone, 80 % gone, and 2 hours past the deadline (SQLite, PostgreSQL)."""
    eng = engine
    with session_scope(eng) as session:
        north, south = (
            Team(name="North", kind=TeamKind.SALES),
            Team(name="South", kind=TeamKind.SALES),
        )
        session.add_all([north, south])
        session.flush()
        rep = User(username="rep", name="Rep", role=Role.SALES_REP, team_id=north.id,
                   email="rep@example.com")  # fmt: skip
        boss = User(username="boss", name="Boss", role=Role.SALES_MANAGER, team_id=north.id,
                    email="boss@example.com")  # fmt: skip
        other = User(username="other", name="Other", role=Role.SALES_MANAGER, team_id=south.id,
                     email="other@example.com")  # fmt: skip
        session.add_all([rep, boss, other])
        session.flush()
        for key, hours_ago in (("half", 28.8), ("most", 38.4), ("late", 50)):
            at = REF - timedelta(hours=hours_ago)
            session.add(Lead(lead_key=key, first_name=key.title(), stage="mql", owner_id=rep.id,
                             created_at=at, mql_at=at, assigned_at=at, **QUALIFYING))  # fmt: skip
    return eng


def _reminders(engine) -> list[tuple[str, str, bool]]:  # type: ignore[no-untyped-def]
    with session_scope(engine) as session:
        rows = session.exec(select(Reminder, User).join(User)).all()
        return sorted((u.username, r.step, r.emailed_at is not None) for r, u in rows
                      if r.clock == "disposition")  # fmt: skip


def test_each_person_gets_one_digest_and_a_second_run_sends_nothing(engine, server, port):
    first = run_reminders(engine=engine, actor=system_actor(), config=config(port), ref=REF)
    assert (first.emailed, first.pending, first.error) == (first.new, 0, None)
    assert sorted(m["To"] for m in server.messages) == ["boss@example.com", "rep@example.com"]
    rep_mail = next(m for m in server.messages if m["To"] == "rep@example.com")
    assert rep_mail["Subject"] == "LeadPact: 3 leads need you, 1 overdue"
    body = rep_mail.get_payload()
    assert body.index("OVERDUE: lead #3 Late") < body.index("lead #2 Most") < body.index("lead #1")
    assert "(75 % of the window gone)" in body and "(50 % of the window gone)" in body
    assert _reminders(engine) == [
        ("boss", "breach", True), ("rep", "breach", True), ("rep", "rep_50", True),
        ("rep", "rep_75", True),
    ]  # fmt: skip
    again = run_reminders(engine=engine, actor=system_actor(), config=config(port), ref=REF)
    assert (again.new, again.emailed, len(server.messages)) == (0, 0, 2)


def test_a_persian_speaking_rep_reads_the_digest_in_persian(engine, server, port):
    """The rep's language is fa: subject, greeting, lines and LeadPact's numbers are
    Persian; the lead's own name (digits included) stays as stored; the manager (English)
    still reads English."""
    with session_scope(engine) as session:
        rep = session.exec(select(User).where(User.username == "rep")).one()
        rep.language = "fa"
        session.add(rep)
        late = session.exec(select(Lead).where(Lead.lead_key == "late")).one()
        late.company = "3M"
        session.add(late)
    run_reminders(engine=engine, actor=system_actor(), config=config(port), ref=REF)
    rep_mail = next(m for m in server.messages if m["To"] == "rep@example.com")
    assert rep_mail["Subject"] == "LeadPact: ۳ سرنخ منتظر شماست، ۱ مورد از موعد گذشته"
    body = rep_mail.get_payload(decode=True).decode("utf-8")
    assert body.startswith("Rep گرامی،")
    assert "از موعد گذشته: سرنخ #۳ Late (3M): مهلت تعیین تکلیف" in body
    assert "(۷۵٪ از بازه گذشته است)" in body and "OVERDUE" not in body
    boss_mail = next(m for m in server.messages if m["To"] == "boss@example.com")
    assert boss_mail["Subject"] == "LeadPact: 1 lead needs you, 1 overdue"
    with session_scope(engine) as session:
        rep = session.exec(select(User).where(User.username == "rep")).one()
        shown = notifications(session=session, user=rep)
    assert shown["text"].str.startswith("از موعد گذشته").sum() == 1


def test_smtp_down_keeps_reminders_pending_and_the_next_run_sends_them(engine, port):
    down = run_reminders(engine=engine, actor=system_actor(), config=config(port), ref=REF)
    assert (down.emailed, down.refused) == (0, False)
    assert down.pending == down.new > 0
    assert "unavailable" in (down.error or "")
    assert all(not emailed for *_, emailed in _reminders(engine))
    controller, inbox = smtp(port)  # the server is back
    try:
        back = run_reminders(engine=engine, actor=system_actor(), config=config(port), ref=REF)
        assert (back.new, back.emailed, back.pending) == (0, down.pending, 0)
        assert len(inbox.messages) == 2
        run_reminders(engine=engine, actor=system_actor(), config=config(port), ref=REF)
        assert len(inbox.messages) == 2
    finally:
        controller.stop()
    with session_scope(engine) as session:
        assert {r.attempts for r in session.exec(select(Reminder)).all()} == {1}


def test_a_refused_login_is_said_clearly_and_nothing_is_marked_sent(engine, port):
    controller, inbox = smtp(
        port, auth_require_tls=False,
        authenticator=lambda *args: AuthResult(success=False, handled=False),
    )  # fmt: skip
    try:
        report = run_reminders(engine=engine, actor=system_actor(), ref=REF,
                               config=config(port, LEADPACT_SMTP_USER="sla",
                                             LEADPACT_SMTP_PASSWORD="wrong"))  # fmt: skip
    finally:
        controller.stop()
    assert report.refused and "refused the login of 'sla'" in (report.error or "")
    assert (report.emailed, inbox.messages) == (0, [])
    assert all(not emailed for *_, emailed in _reminders(engine))


def test_a_dry_run_writes_and_sends_nothing(engine, server, port):
    report = run_reminders(engine=engine, actor=system_actor(), config=config(port), ref=REF,
                           dry_run=True)  # fmt: skip
    assert report.new == report.due > 0
    assert (_reminders(engine), server.messages) == ([], [])


def test_only_allowed_people_run_reminders(engine, port):
    rep = User(username="x", name="X", role=Role.SALES_REP)
    with pytest.raises(PermissionDenied):
        run_reminders(engine=engine, actor=rep, config=config(port), ref=REF)


def test_the_in_app_list_shows_a_persons_reminders(engine):
    run_reminders(engine=engine, actor=system_actor(), config=None, ref=REF)
    with session_scope(engine) as session:
        boss = session.exec(select(User).where(User.username == "boss")).one()
        shown = notifications(session=session, user=boss)
    assert [t.split(":")[0] for t in shown["text"]] == ["OVERDUE"]  # the work clocks are early
    assert not shown["emailed"].any()


@pytest.mark.parametrize(
    ("hours_ago", "steps"),
    [
        (23.9, []),  # 49.8 % of 48 h
        (24.0, ["rep_50"]),
        (36.0, ["rep_75"]),
        (47.9, ["rep_75"]),
        (48.1, ["breach", "breach"]),  # the rep and their manager
    ],
)
def test_the_ladder_by_share_of_the_window(hours_ago: float, steps: list[str]) -> None:
    at = (REF - timedelta(hours=hours_ago)).isoformat()
    leads = sla_frame([{"id": 1, "assigned_at": at}])
    clocks = lead_clocks(leads, CONTENT, REF)
    due = due_reminders(leads, clocks, CONTENT, {1: [7]})
    assert due.loc[due["clock"] == "disposition", "step"].tolist() == steps


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"LEADPACT_SMTP_HOST": "h", "LEADPACT_SMTP_PORT": "x"}, "is not a number"),
        ({"LEADPACT_SMTP_HOST": "h", "LEADPACT_SMTP_SECURITY": "tls1"}, "use starttls"),
        ({"LEADPACT_SMTP_HOST": "h", "LEADPACT_SMTP_USER": "u"}, "needs a password"),
    ],
)
def test_bad_smtp_settings_are_named(values: dict[str, str], message: str) -> None:
    with pytest.raises(MailConfigError, match=message):
        SmtpConfig.from_mapping(values)


def test_no_host_means_no_e_mail() -> None:
    assert SmtpConfig.from_mapping({}) is None
    assert SmtpConfig.from_mapping({"host": "smtp.example.com"}, prefix="").port == 587  # type: ignore[union-attr]
