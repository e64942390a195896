"""The e-mails speak their recipient's language: the reminder digest (lead reminders and
the review notice), the daily sales report and the test e-mail, each in the language
stored for the person it goes to, with that language's digits and calendar (Jalali for
Persian), over a real SMTP server on loopback. Only data (names), product names and
acronyms stay in Latin letters (`tests.i18n_audit`).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pandas as pd
import pytest
from sqlmodel import Session, select

from sla_core import agreement
from sla_core.access import system_actor
from sla_core.db import session_scope
from sla_core.models import Lead, Reminder, Role, User
from sla_core.sla.daily import TOTAL, report_recipients, send_daily_report
from sla_core.sla.digest import reminder_text
from sla_core.sla.mail_settings import send_test_email
from sla_core.sla.remind import run_reminders
from sla_core.terms import Review
from tests.agreement_helpers import cast, complete_content, sign_fully, start
from tests.i18n_audit import Shown, offences
from tests.slaframes import QUALIFYING
from tests.test_sla_reminders import Inbox, config, free_port, smtp

REF = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)  # 1 Azar 1405
NAMES = {"sam": "سام سپهری", "mia": "منى المراد", "rex": "رضا تهرانی", "ada": "آدا امینی"}
LANGUAGES = {"sam": "fa", "mia": "ar", "rex": "fa", "ada": "ar"}


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def inbox(port: int) -> Iterator[Inbox]:
    controller, box = smtp(port)
    yield box
    controller.stop()


@pytest.fixture
def world(engine):  # type: ignore[no-untyped-def]
    """The agreement in force, its review on 2 Dec 2026 (10 days after REF); Sam (sales
    manager, Persian) and Mia (marketing manager, Arabic) sign it; Rex (rep, Persian) holds
    a lead 2 hours past its disposition deadline and one with 75 % of its window gone."""
    with Session(engine) as session:
        people, version = cast(session), start(session)
        content = complete_content(review=Review(next_review="2026-12-02"))
        agreement.save_draft(session=session, version_id=version.id, revision=1,
                             content=content, actor=people["marketing"])  # fmt: skip
        session.commit()
        sign_fully(session, version.id, people)
        for user in people.values():
            if user.username in NAMES:
                user.name, user.language = NAMES[user.username], LANGUAGES[user.username]
                user.email, user.password_hash = f"{user.username}@example.com", "x"
        for key, hours_ago in (("late", 50), ("most", 36)):
            at = REF - timedelta(hours=hours_ago)
            session.add(Lead(lead_key=key, first_name="آرش", company="پارس", stage="mql",
                             owner_id=people["rep"].id, created_at=at, mql_at=at,
                             assigned_at=at, **QUALIFYING))  # fmt: skip
        session.commit()
    return engine


def _text(mail: EmailMessage) -> str:
    """The message's plain-text body, decoded."""
    body = mail.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())  # type: ignore[attr-defined]


def _read(mail: EmailMessage) -> list[Shown]:
    lines = [mail["Subject"], *_text(mail).splitlines()]
    return [Shown("mail", line) for line in lines if line.strip()]


def _to(inbox: Inbox, address: str) -> EmailMessage:
    return next(m for m in inbox.messages if m["To"] == address)


def test_the_digest_speaks_the_recipient_s_language_digits_and_calendar(world, inbox, port):  # type: ignore[no-untyped-def]
    report = run_reminders(engine=world, actor=system_actor(), config=config(port), ref=REF)
    assert report.error is None
    rex = _read(_to(inbox, "rex@example.com"))
    text = "\n".join(s.text for s in rex)
    # the deadline (2026-11-22 10:00 UTC) in the Jalali calendar and Persian digits
    assert "از موعد گذشته: سرنخ #۱ آرش (پارس): مهلت تعیین تکلیف ۱۴۰۵/۰۹/۰۱ ۱۰:۰۰ (UTC) بود" in text
    assert offences(rex) == []
    sam = _read(_to(inbox, "sam@example.com"))  # the breach and the review notice
    assert any("۱۱ آذر ۱۴۰۵" in s.text and "۱۰ روز" in s.text for s in sam)
    assert offences(sam) == []
    mia = _read(_to(inbox, "mia@example.com"))  # Arabic: Gregorian months, Arabic digits
    assert any("٢ ديسمبر ٢٠٢٦" in s.text for s in mia)
    assert offences(mia) == []


def test_an_english_reader_s_digest_is_unchanged(world, inbox, port):  # type: ignore[no-untyped-def]
    with session_scope(world) as session:
        for user in session.exec(select(User)).all():
            user.language = "en"
            session.add(user)
    run_reminders(engine=world, actor=system_actor(), config=config(port), ref=REF)
    body = _text(_to(inbox, "rex@example.com"))
    assert "- OVERDUE: lead #1 آرش (پارس): disposition was due 2026-11-22 10:00 UTC" in body
    sam = _text(_to(inbox, "sam@example.com"))
    assert "The SLA review is due on 2026-12-02, in 10 days." in sam


def test_the_daily_report_goes_out_once_per_language(world, inbox, port):  # type: ignore[no-untyped-def]
    table = pd.DataFrame(
        [{"rep": NAMES["rex"], "worked": 12, "touches": 30, "dispositioned": 4, "opened": 2,
          "breached": 1},
         {"rep": TOTAL, "worked": 12, "touches": 30, "dispositioned": 4, "opened": 2,
          "breached": 1}]
    )  # fmt: skip
    with session_scope(world) as session:
        to = report_recipients(session=session, listed=["sam@example.com", "MIA@example.com",
                                                        "desk@example.com"])  # fmt: skip
    delivery = send_daily_report(config=config(port), table=table, day="2026-03-10", to=to,
                                 actor=system_actor())  # fmt: skip
    assert delivery.error is None and len(inbox.messages) == 3
    persian = _to(inbox, "sam@example.com")
    assert persian["Subject"] == "گزارش روزانه فروش LeadPact، ۱۹ اسفند ۱۴۰۴"
    lines = _read(persian)
    assert offences(lines) == []
    assert any(s.text.startswith("- رضا تهرانی: ۱۲ سرنخ") for s in lines)
    assert any(s.text.startswith("- همه فروشندگان: ") for s in lines)
    arabic = _to(inbox, "MIA@example.com")  # the address as listed; its reader found anyway
    assert "١٠ مارس ٢٠٢٦" in arabic["Subject"] and offences(_read(arabic)) == []
    english = _to(inbox, "desk@example.com")  # nobody's address: English, as always
    assert english["Subject"] == "LeadPact daily sales report, 2026-03-10"
    files = {p.get_filename() for p in persian.iter_attachments()}
    assert files == {"daily-sales-2026-03-10.csv", "daily-sales-2026-03-10.xlsx"}


def test_the_test_e_mail_speaks_the_admin_s_language(world, inbox, port):  # type: ignore[no-untyped-def]
    with session_scope(world) as session:
        ada = session.exec(select(User).where(User.username == "ada")).one()
        assert ada.role == Role.ADMIN
        assert send_test_email(config=config(port), actor=ada) is None
    mail = _to(inbox, "ada@example.com")
    assert mail["Subject"] == "رسالة تجريبية من LeadPact"
    assert offences(_read(mail)) == []


def test_a_reminder_step_with_a_fraction_takes_the_reader_s_decimal_mark() -> None:
    deadline = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
    reminder = Reminder(lead_id=7, clock="disposition", step="rep_62.5", recipient_id=1,
                        deadline=deadline, created_at=REF)  # fmt: skip
    lead = Lead(lead_key="k", first_name="آرش", stage="mql", created_at=REF)
    persian = reminder_text(reminder, lead, User(username="r", name="ر", role=Role.SALES_REP,
                                                 language="fa"))  # fmt: skip
    assert (
        persian
        == "سرنخ #۷ آرش: مهلت تعیین تکلیف تا ۱۴۰۵/۰۹/۰۱ ۱۰:۰۰ (UTC) (۶۲٫۵٪ از بازه گذشته است)"
    )
    english = reminder_text(reminder, lead, User(username="e", name="E", role=Role.SALES_REP))
    assert (
        english == "lead #7 آرش: disposition due 2026-11-22 10:00 UTC (62.5 % of the window gone)"
    )
