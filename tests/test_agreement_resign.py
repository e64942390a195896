"""Signatures are not voided silently: the editor is told who will have to sign again, and
each of them gets a notice in the app and by e-mail (a real SMTP server on loopback) with
what changed since they signed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session, select

from sla_core.access import system_actor
from sla_core.agreement import changes, resign, sections, signing
from sla_core.agreement.wording import Wording
from sla_core.models import Reminder, Signature
from sla_core.sla.remind import notifications, run_reminders
from tests.agreement_helpers import COMPLETE, cast, fresh, start
from tests.test_sla_reminders import Inbox, config, free_port, smtp

GOALS = "workshop.company_goals"


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def inbox(port: int) -> Iterator[Inbox]:
    controller, box = smtp(port)
    yield box
    controller.stop()


def _signed_by_sam_then_edited_by_mia(session: Session) -> tuple[int, list[str]]:
    people, version = cast(session), start(session)
    for user in people.values():
        user.email, user.password_hash = f"{user.username}@example.com", "x"
    signing.sign(
        session=session, version_id=version.id or 0, seen_hash=version.content_hash,
        actor=people["sales"],
    )  # fmt: skip
    session.commit()
    named = resign.would_void(session=session, version_id=version.id or 0)
    sections.save_section(
        session=session, version_id=version.id or 0,
        revision=fresh(session, version.id or 0).revision, section=GOALS,
        base=COMPLETE["workshop"]["company_goals"], value="We grow 20 % in 2027.",
        actor=people["marketing"],
    )  # fmt: skip
    session.commit()
    return version.id or 0, named


def test_the_editor_is_told_who_signs_again_and_each_gets_a_notice(engine) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        version_id, named = _signed_by_sam_then_edited_by_mia(session)
        assert named == ["Sam Sales"]
        assert resign.would_void(session=session, version_id=version_id) == []
        sig = session.exec(select(Signature)).one()
        assert sig.voided_at is not None
        rows = session.exec(select(Reminder).where(Reminder.clock == resign.RESIGN)).all()
        sam = cast(session)["sales"]
        assert [(r.recipient_id, r.step) for r in rows] == [(sam.id, "v1")]  # not the editor
        (notice,) = resign.notices_for(session=session, user=sam)
        assert notice.signed is not None
        found = changes.compare(notice.signed, notice.now, Wording())
        assert [c.title for c in found] == ["2. Goals and stakeholders"]
        shown = notifications(session=session, user=sam)
        assert list(shown["text"])[0].startswith("Version 1 of the SLA was changed after you")
        with pytest.raises(PermissionError):  # someone else's notice
            resign.dismiss(session=session, notice_id=notice.id, actor=cast(session)["rep"])
        resign.dismiss(session=session, notice_id=notice.id, actor=sam)
        assert resign.notices_for(session=session, user=sam) == []


def test_the_notice_goes_out_by_e_mail(engine, inbox, port) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        _signed_by_sam_then_edited_by_mia(session)
    report = run_reminders(engine=engine, actor=system_actor(), config=config(port))
    assert (report.emailed, report.error) == (1, None)
    (mail,) = inbox.messages
    assert mail["To"] == "sam@example.com"
    assert mail["Subject"] == "LeadPact: the SLA changed after you signed it"
    assert "Version 1 of the SLA was changed after you signed it" in mail.get_payload()
