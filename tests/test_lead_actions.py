"""Single-lead actions from the work queue: guarded writes, stale forms, clear refusals."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from sla_core import leads
from sla_core.access import PermissionDenied
from sla_core.models import Lead, LeadEvent
from sla_core.stages import Disposition, IllegalTransition, Stage, TouchKind
from tests.leadworld import T0, one_mql

T1 = datetime(2026, 11, 2, 10, 30, tzinfo=UTC)


@pytest.fixture
def world(engine):
    """A rep with one MQL, another rep, a manager and a viewer."""
    people, lead_id = one_mql(engine)
    return engine, people, lead_id


def _lead(engine, lead_id):
    with Session(engine) as session:
        return session.get(Lead, lead_id)


def _events(engine, lead_id):
    with Session(engine) as session:
        rows = session.exec(select(LeadEvent).where(LeadEvent.lead_id == lead_id)).all()
        return [(e.kind, e.touch_kind, e.from_stage, e.to_stage, e.reason) for e in rows]


def test_a_touch_counts_once_and_keeps_the_first_instant(world):
    engine, people, lead_id = world
    with Session(engine) as session:
        leads.record_touch(session=session, lead_id=lead_id, kind=TouchKind.VOICEMAIL,
                           actor=people["rep"], at=T1)  # fmt: skip
        leads.record_touch(session=session, lead_id=lead_id, kind="call", actor=people["rep"],
                           at=datetime(2026, 11, 3, tzinfo=UTC))  # fmt: skip
        session.commit()
    lead = _lead(engine, lead_id)
    assert (lead.touches, lead.first_touch_at) == (2, T1)
    assert lead.last_touch_at == datetime(2026, 11, 3, tzinfo=UTC)
    assert [e[1] for e in _events(engine, lead_id)] == ["voicemail", "call"]


def test_two_touches_in_two_sessions_at_once_are_both_counted(world):
    engine, people, lead_id = world
    with Session(engine) as first, Session(engine) as second:
        views = [first.get(Lead, lead_id), second.get(Lead, lead_id)]
        assert [v.touches for v in views] == [0, 0]
        leads.record_touch(session=first, lead_id=lead_id, kind="call", actor=people["rep"])
        first.commit()
        leads.record_touch(session=second, lead_id=lead_id, kind="email", actor=people["boss"])
        second.commit()
    assert _lead(engine, lead_id).touches == 2


def test_the_second_of_two_simultaneous_dispositions_is_told_and_nothing_is_lost(world):
    engine, people, lead_id = world
    with Session(engine) as first, Session(engine) as second:
        # the second person's read (held in the session) happened before the first wrote
        view = second.get(Lead, lead_id)
        assert view.stage == "mql"
        leads.disposition(session=first, lead_id=lead_id, outcome=Disposition.QUALIFY,
                          actor=people["rep"], at=T1)  # fmt: skip
        first.commit()
        with pytest.raises(leads.StaleLead, match="someone else changed lead"):
            leads.disposition(session=second, lead_id=lead_id, outcome=Disposition.DISQUALIFY,
                              actor=people["boss"], reason="No budget")  # fmt: skip
    lead = _lead(engine, lead_id)
    assert (lead.stage, lead.dispositioned_at, lead.disposition_reason) == ("sql", T1, None)
    assert _events(engine, lead_id) == [("disposition", None, "mql", "sql", None)]


def test_a_stale_form_is_refused_with_a_clear_message(world):
    engine, people, lead_id = world
    seen = leads.Seen(stage="mql", updated_at=T0)
    with Session(engine) as session:
        leads.record_touch(session=session, lead_id=lead_id, kind="call", actor=people["boss"])
        session.commit()
    with Session(engine) as session, pytest.raises(leads.StaleLead, match="changed since you"):
        leads.disposition(session=session, lead_id=lead_id, outcome=Disposition.NURTURE,
                          actor=people["rep"], reason="Bad timing", seen=seen)  # fmt: skip
    assert _lead(engine, lead_id).stage == "mql"


def test_a_fresh_form_goes_through(world):
    engine, people, lead_id = world
    with Session(engine) as session:
        leads.disposition(session=session, lead_id=lead_id, outcome=Disposition.NURTURE,
                          actor=people["rep"], reason=" Bad timing ",
                          seen=leads.Seen(stage="mql", updated_at=T0), at=T1)  # fmt: skip
        session.commit()
    lead = _lead(engine, lead_id)
    assert (lead.stage, lead.disposition_reason, lead.updated_at) == ("nurture", "Bad timing", T1)


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("other", "belongs to another rep"),
        ("viewer", "may not work leads"),
    ],
)
def test_a_touch_on_a_lead_not_yours_is_refused(world, who, message):
    engine, people, lead_id = world
    with Session(engine) as session, pytest.raises(PermissionDenied, match=message):
        leads.record_touch(session=session, lead_id=lead_id, kind="call", actor=people[who])
    assert _lead(engine, lead_id).touches == 0


@pytest.mark.parametrize("outcome", [Disposition.DISQUALIFY, Disposition.NURTURE])
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_a_disposition_without_a_reason_is_refused(world, outcome, reason):
    engine, people, lead_id = world
    with Session(engine) as session, pytest.raises(IllegalTransition, match="needs a reason"):
        leads.disposition(session=session, lead_id=lead_id, outcome=outcome,
                          actor=people["rep"], reason=reason)  # fmt: skip
    assert _events(engine, lead_id) == []


def test_a_forbidden_stage_jump_says_what_is_allowed(world):
    engine, people, lead_id = world
    with Session(engine) as session, pytest.raises(IllegalTransition, match="allowed next"):
        leads.change_stage(session=session, lead_id=lead_id, target=Stage.WON, actor=people["rep"])
    assert _lead(engine, lead_id).stage == "mql"


def test_opening_an_opportunity_from_an_mql_qualifies_it_first(world):
    engine, people, lead_id = world
    with Session(engine) as session:
        leads.open_opportunity(session=session, lead_id=lead_id, value=24_000,
                               actor=people["rep"], at=T1)  # fmt: skip
        session.commit()
    lead = _lead(engine, lead_id)
    assert (lead.stage, lead.deal_value, lead.sql_at, lead.opportunity_at) == (
        "opportunity", 24_000.0, T1, T1)  # fmt: skip
    assert lead.dispositioned_at == T1
    assert [(e[0], e[2], e[3]) for e in _events(engine, lead_id)] == [
        ("disposition", "mql", "sql"),
        ("stage", "sql", "opportunity"),
    ]


def test_an_opportunity_needs_a_value(world):
    engine, people, lead_id = world
    with Session(engine) as session, pytest.raises(ValueError, match="deal value"):
        leads.open_opportunity(session=session, lead_id=lead_id, value=0, actor=people["rep"])
    assert _events(engine, lead_id) == []
