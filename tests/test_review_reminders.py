"""Review notices through the reminder channel, against a real SMTP server on loopback:
the agreement's signers are reminded once per notice step, whatever runs at once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session, select

from sla_core import agreement
from sla_core.access import system_actor
from sla_core.agreement import reviews
from sla_core.db import session_scope
from sla_core.models import Reminder, Role, User
from sla_core.sla.remind import notifications, run_reminders
from sla_core.sla.review_notices import REVIEW, due_review_notices
from sla_core.terms import AgreementContent, Review
from tests.agreement_helpers import cast, complete_content, person, sign_fully, start
from tests.test_sla_reminders import Inbox, config, free_port, smtp

REF = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
REVIEW_DAY = date(2026, 12, 2)  # 10 days after REF


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def inbox(port: int) -> Iterator[Inbox]:
    controller, box = smtp(port)
    yield box
    controller.stop()


@pytest.fixture
def engine(engine):  # type: ignore[no-untyped-def]
    """The agreement in force (signed by the sales and marketing managers), its review on
    REVIEW_DAY; beside the two managers, people who must not be reminded: a sales manager
    without a login, an inactive one, a rep (SQLite, and PostgreSQL when configured)."""
    with Session(engine) as session:
        people, version = cast(session), start(session)
        agreement.save_draft(
            session=session,
            version_id=version.id,
            revision=1,
            content=complete_content(review=Review(next_review=REVIEW_DAY.isoformat())),
            actor=people["marketing"],
        )
        session.commit()
        sign_fully(session, version.id, people)
        gone = person(session, "gus", Role.SALES_MANAGER, "Gus Gone")
        gone.active = False
        for user in (people["sales"], people["marketing"], people["sales2"], people["rep"], gone):
            user.email = f"{user.username}@example.com"
            user.password_hash = None if user is people["sales2"] else "x"
        session.commit()
    return engine


def _run(engine, port: int, ref: datetime = REF):  # type: ignore[no-untyped-def]
    return run_reminders(engine=engine, actor=system_actor(), config=config(port), ref=ref)


def test_ten_days_before_the_review_both_managers_are_mailed_once(engine, inbox, port):  # type: ignore[no-untyped-def]
    first = _run(engine, port)
    assert (first.new, first.emailed, first.error) == (2, 2, None)
    assert sorted(m["To"] for m in inbox.messages) == ["mia@example.com", "sam@example.com"]
    mail = inbox.messages[0]
    assert mail["Subject"] == "LeadPact: the SLA review is near"
    assert "The SLA review is due on 2026-12-02, in 10 days." in mail.get_payload()
    again = _run(engine, port, REF + timedelta(hours=6))
    assert (again.new, again.emailed, len(inbox.messages)) == (0, 0, 2)
    # Three days before, the next notice step goes out, once more each.
    later = _run(engine, port, REF + timedelta(days=7))
    assert (later.new, later.emailed, len(inbox.messages)) == (2, 2, 4)
    assert "in 3 days." in inbox.messages[-1].get_payload()


def test_two_runs_at_once_send_each_notice_once(engine, inbox, port):  # type: ignore[no-untyped-def]
    start_together = threading.Barrier(2, timeout=60)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start_together.wait()
            _run(engine, port)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(m["To"] for m in inbox.messages) == ["mia@example.com", "sam@example.com"]
    with session_scope(engine) as session:
        rows = session.exec(select(Reminder).where(Reminder.clock == REVIEW)).all()
        assert len(rows) == 2 and all(r.emailed_at is not None for r in rows)


def test_the_notice_shows_in_the_app_and_a_dry_run_only_counts(engine, port):  # type: ignore[no-untyped-def]
    dry = run_reminders(engine=engine, actor=system_actor(), config=None, dry_run=True, ref=REF)
    assert (dry.due, dry.new) == (2, 2)
    off = run_reminders(engine=engine, actor=system_actor(), config=None, ref=REF)
    assert off.new == 2 and "in-app only" in (off.error or "")
    with session_scope(engine) as session:
        sam = session.exec(select(User).where(User.username == "sam")).one()
        shown = notifications(session=session, user=sam)
    assert list(shown["text"]) == ["The SLA review is due on 2026-12-02, in 10 days."]
    assert not shown["emailed"].any()


@pytest.mark.parametrize(
    ("days_left", "step"),
    [(15, None), (14, "notice_14"), (4, "notice_14"), (3, "notice_3"), (0, "due"), (-2, "due")],
)
def test_the_notice_steps(days_left: int, step: str | None) -> None:
    assert reviews.notice_step(days_left) == step


def test_only_active_signers_who_can_sign_in_are_noticed() -> None:
    content = AgreementContent(review=Review(next_review=REVIEW_DAY.isoformat()))
    people = [
        User(id=1, username="a", name="A", role=Role.SALES_MANAGER, password_hash="x"),
        User(id=2, username="b", name="B", role=Role.MARKETING_MANAGER, password_hash="x"),
        User(id=3, username="c", name="C", role=Role.SALES_MANAGER),  # no login
        User(
            id=4, username="d", name="D", role=Role.SALES_MANAGER, password_hash="x", active=False
        ),
        User(id=5, username="e", name="E", role=Role.SALES_REP, password_hash="x"),
    ]
    notices = due_review_notices(content, REVIEW_DAY - timedelta(days=10), people)
    assert [(n.recipient_id, n.step) for n in notices] == [(1, "notice_14"), (2, "notice_14")]
    assert due_review_notices(content, REVIEW_DAY - timedelta(days=20), people) == []
    assert due_review_notices(AgreementContent(), REVIEW_DAY, people) == []
