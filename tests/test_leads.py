from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from sla_core import leads
from sla_core.access import PermissionDenied
from sla_core.models import Lead, LeadEvent
from sla_core.stages import Disposition, IllegalTransition, Stage
from tests.leadworld import one_mql

T1 = datetime(2026, 11, 2, 10, 30, tzinfo=UTC)
T2 = datetime(2026, 11, 3, 14, 15, tzinfo=UTC)


@pytest.fixture
def world(engine):
    """Two reps, a manager, and one MQL owned by the first rep."""
    people, lead_id = one_mql(engine)
    return engine, people["rep"], people["other"], people["boss"], lead_id


def events(engine, lead_id):
    with Session(engine) as session:
        return session.exec(select(LeadEvent).where(LeadEvent.lead_id == lead_id)).all()


def test_illegal_stage_change_writes_nothing(world):
    engine, rep, _, _, lead_id = world
    with Session(engine) as session, pytest.raises(IllegalTransition, match="cannot move to Won"):
        leads.change_stage(session=session, lead_id=lead_id, target=Stage.WON, actor=rep)
    with Session(engine) as session:
        assert session.get(Lead, lead_id).stage == "mql"
    assert events(engine, lead_id) == []


def test_leaving_the_funnel_needs_a_reason_through_change_stage_too(world):
    engine, rep, _, _, lead_id = world
    for target in (Stage.DISQUALIFIED, Stage.NURTURE):
        for reason in (None, "", "   "):
            with (
                Session(engine) as session,
                pytest.raises(IllegalTransition, match="needs a reason"),
            ):
                leads.change_stage(
                    session=session, lead_id=lead_id, target=target, actor=rep, reason=reason
                )
    assert events(engine, lead_id) == []
    with Session(engine) as session:
        event = leads.change_stage(
            session=session, lead_id=lead_id, target=Stage.NURTURE, actor=rep, reason=" Bad timing "
        )
        session.commit()
        assert (event.to_stage, event.reason) == ("nurture", "Bad timing")


def test_stage_change_stamps_milestone_and_logs_event(world):
    engine, rep, _, _, lead_id = world
    with Session(engine) as session:
        leads.change_stage(session=session, lead_id=lead_id, target=Stage.SAL, actor=rep, at=T1)
        leads.change_stage(session=session, lead_id=lead_id, target=Stage.SQL, actor=rep, at=T2)
        session.commit()
        lead = session.get(Lead, lead_id)
        assert (lead.stage, lead.sql_at, lead.updated_at) == ("sql", T2, T2)
    assert [(e.from_stage, e.to_stage) for e in events(engine, lead_id)] == [
        ("mql", "sal"),
        ("sal", "sql"),
    ]


def test_rep_cannot_work_another_reps_lead(world):
    engine, _, other, _, lead_id = world
    with Session(engine) as session, pytest.raises(PermissionDenied):
        leads.record_touch(session=session, lead_id=lead_id, kind="call", actor=other)


def test_manager_may_work_any_lead(world):
    engine, rep, _, boss, lead_id = world
    with Session(engine) as session:
        leads.record_touch(session=session, lead_id=lead_id, kind="email", actor=boss, at=T1)
        session.commit()
        lead = session.get(Lead, lead_id)
    assert (lead.owner_id, lead.touches, lead.first_touch_at) == (rep.id, 1, T1)
    assert [(e.kind, e.touch_kind, e.actor_id) for e in events(engine, lead_id)] == [
        ("touch", "email", boss.id)
    ]


def test_touches_are_counted_and_first_touch_kept(world):
    engine, rep, _, _, lead_id = world
    with Session(engine) as session:
        leads.record_touch(session=session, lead_id=lead_id, kind="call", actor=rep, at=T1)
        session.commit()
        leads.record_touch(
            session=session, lead_id=lead_id, kind="meeting", actor=rep, note="demo", at=T2
        )
        session.commit()
        lead = session.get(Lead, lead_id)
    assert (lead.touches, lead.first_touch_at, lead.last_touch_at) == (2, T1, T2)
    assert [e.touch_kind for e in events(engine, lead_id)] == ["call", "meeting"]


def test_unknown_touch_kind_is_refused(world):
    engine, rep, _, _, lead_id = world
    with Session(engine) as session, pytest.raises(ValueError, match="unknown touch 'fax'"):
        leads.record_touch(session=session, lead_id=lead_id, kind="fax", actor=rep)


def test_disqualify_records_reason(world):
    engine, rep, _, _, lead_id = world
    with Session(engine) as session:
        leads.disposition(
            session=session,
            lead_id=lead_id,
            outcome=Disposition.DISQUALIFY,
            actor=rep,
            reason="No budget",
            at=T1,
        )
        session.commit()
        lead = session.get(Lead, lead_id)
    assert (lead.stage, lead.disposition_reason) == ("disqualified", "No budget")
    assert lead.dispositioned_at == T1


def test_stage_event_and_milestone_share_one_instant(world):
    engine, rep, _, _, lead_id = world
    with Session(engine) as session:
        event = leads.change_stage(session=session, lead_id=lead_id, target=Stage.SQL, actor=rep)
        session.commit()
        lead = session.get(Lead, lead_id)
        assert lead.sql_at == event.at == lead.updated_at
