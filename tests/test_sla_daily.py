"""The daily sales report, counted by hand, and sent over a real SMTP server on loopback."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sla_core import leads
from sla_core.access import system_actor
from sla_core.db import session_scope
from sla_core.models import Lead, Role, User
from sla_core.sla.daily import TOTAL, build_report, send_daily_report
from sla_core.stages import Disposition
from tests.slaframes import QUALIFYING
from tests.test_sla_reminders import config, free_port, smtp

DAY = date(2026, 3, 10)
T = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def _world(engine) -> None:  # type: ignore[no-untyped-def]
    """Rep "=Ann" (a name a spreadsheet would run) and Bob; what each did on March 10."""
    with session_scope(engine) as session:
        ann = User(username="ann", name="=Ann", role=Role.SALES_REP)
        bob = User(username="bob", name="Bob", role=Role.SALES_REP)
        session.add_all([ann, bob])
        session.flush()
        made = {}
        for key, owner, assigned in (
            ("a1", ann, T - timedelta(hours=1)),
            ("a2", ann, T - timedelta(hours=1)),
            ("b1", bob, T - timedelta(hours=40)),  # 48 h to disposition: due Mar 10 17:00
            ("b2", bob, T - timedelta(days=3)),  # deadline Mar 9: breached the day before
        ):
            lead = Lead(lead_key=key, stage="mql", owner_id=owner.id, created_at=assigned,
                        mql_at=assigned, assigned_at=assigned, **QUALIFYING)  # fmt: skip
            session.add(lead)
            session.flush()
            made[key] = lead.id
        act = {"session": session, "actor": system_actor()}
        leads.record_touch(lead_id=made["a1"], kind="call", at=T, **act)
        leads.record_touch(lead_id=made["a1"], kind="email", at=T + timedelta(hours=2), **act)
        leads.record_touch(lead_id=made["a2"], kind="call", at=T + timedelta(hours=3), **act)
        leads.open_opportunity(lead_id=made["a2"], value=5000, at=T + timedelta(hours=4), **act)
        leads.disposition(lead_id=made["a1"], outcome=Disposition.NURTURE, reason="Bad timing",
                          at=T + timedelta(hours=5), **act)  # fmt: skip
        leads.record_touch(lead_id=made["b2"], kind="call", at=T - timedelta(days=1), **act)


def test_the_day_per_rep_by_hand(engine) -> None:  # type: ignore[no-untyped-def]
    _world(engine)
    label, table = build_report(engine=engine, day=DAY)
    assert label == "2026-03-10"
    rows = {r["rep"]: r for r in table.to_dict(orient="records")}
    # Ann: 2 leads touched (3 touches), 2 dispositions (a2 qualified on the way to the
    # opportunity, a1 to nurture), 1 opportunity; Bob: b1 was due at 17:00 on the 10th.
    assert rows["=Ann"] == {"rep": "=Ann", "worked": 2, "touches": 3, "dispositioned": 2,
                            "opened": 1, "breached": 0}  # fmt: skip
    assert rows["Bob"] == {"rep": "Bob", "worked": 0, "touches": 0, "dispositioned": 0,
                           "opened": 0, "breached": 1}  # fmt: skip
    assert rows[TOTAL]["touches"] == 3 and list(rows)[-1] == TOTAL


def test_the_report_is_e_mailed_with_safe_attachments(engine) -> None:  # type: ignore[no-untyped-def]
    _world(engine)
    label, table = build_report(engine=engine, day=DAY)
    port = free_port()
    controller, inbox = smtp(port)
    try:
        delivery = send_daily_report(config=config(port), table=table, day=label,
                                     to=["service@example.com"], actor=system_actor())  # fmt: skip
    finally:
        controller.stop()
    assert delivery.error is None and len(inbox.messages) == 1
    mail = inbox.messages[0]
    assert mail["Subject"] == "LeadPact daily sales report, 2026-03-10"
    files = {p.get_filename(): p.get_payload(decode=True) for p in mail.iter_attachments()}
    assert set(files) == {"daily-sales-2026-03-10.csv", "daily-sales-2026-03-10.xlsx"}
    assert "'=Ann" in files["daily-sales-2026-03-10.csv"].decode("utf-8-sig")
