"""The lead page's file of one lead, hand-counted (issue 19 item 4).

Around the clock (no business hours saved), UTC; default windows: disposition 48 h, work
within 7 days, 3 follow-ups within the work window. March 2026.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from sla_core import leads
from sla_core.access import PermissionDenied, system_actor
from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.marketing.route_run import route
from sla_core.models import Lead, LeadEvent, Role, User
from sla_core.sla.lead_file import LeadNotFound, NotYourLead, lead_file
from sla_core.stages import Disposition
from tests.test_route_run import seed
from tests.test_sla_history import T0, _assigned_lead, _people, _user


def test_a_reassigned_lead_shows_both_owners_and_the_breach_stays_with_the_first(
    engine: Engine,
) -> None:
    """Ann gets L1 at T0 (disposition due T0 + 48 h) and lets it pass. At T0 + 50 h the
    manager hands it to Bob (his disposition due T0 + 98 h). Bob's first call comes on day
    8, a day after the work window closed (T0 + 7 days). At day 9:
    - owners: Ann from T0 to T0 + 50 h, then Bob from T0 + 50 h on;
    - Ann keeps her disposition breach (deadline T0 + 48 h);
    - Bob's disposition clock: 4 days late (T0 + 9 d - (T0 + 98 h) = 118 h: 4 whole days), still open;
    - the work clock: done 24 h late (first touch day 8, deadline day 7);
    - follow-ups: missed (3 owed within the window, none inside it).
    """
    ann, bob, boss = _people(engine)
    lead_id = _assigned_lead(engine, ann)
    with session_scope(engine) as session:
        leads.reassign(session=session, lead_id=lead_id, to_owner=bob.id or 0, actor=boss,
                       seen_owner=ann.id, at=T0 + timedelta(hours=50))  # fmt: skip
        leads.record_touch(session=session, lead_id=lead_id, kind="call", actor=bob,
                           at=T0 + timedelta(days=8))  # fmt: skip
    with session_scope(engine) as session:
        found = lead_file(session=session, lead_id=lead_id, user=boss, ref=T0 + timedelta(days=9))
    owners = found.owners
    assert owners["owner"].tolist() == ["Ann", "Bob"]
    assert owners["since"].tolist() == [T0, T0 + timedelta(hours=50)]
    assert owners["until"].iloc[0] == T0 + timedelta(hours=50)
    assert owners["until"].isna().tolist() == [False, True]
    clocks = found.clocks.set_index(["clock", "owner"])
    assert clocks.loc[("disposition", "Ann"), "deadline"] == T0 + timedelta(hours=48)
    assert clocks.loc[("disposition", "Ann"), "status"] == "breached"
    assert clocks.loc[("disposition", "Bob"), "deadline"] == T0 + timedelta(hours=98)
    assert clocks.loc[("disposition", "Bob"), "state"] == "4 days late, still open"
    assert clocks.loc[("work", "Bob"), "state"] == "done 24 h late"
    assert clocks.loc[("follow_up", "Bob"), "status"] == "breached"
    assert len(found.clocks) == 4  # three clocks for Bob, one breach kept by Ann
    kinds = found.events[["kind", "actor", "owner"]].fillna("").values.tolist()
    assert kinds[-2:] == [["assigned", "Boss", "Bob"], ["touch", "Bob", ""]]
    assert "breach" in found.events["kind"].tolist()
    assert found.next_step == "Decide: qualify, disqualify or return the lead to nurture."
    assert found.may_work


def test_the_score_is_explained_criterion_by_criterion(engine: Engine) -> None:
    """QUALIFYING meets every default criterion: the points add up to the total, which
    reaches the threshold; the lead is not exempt."""
    ann, _, _ = _people(engine)
    lead_id = _assigned_lead(engine, ann)
    with session_scope(engine) as session:
        found = lead_file(session=session, lead_id=lead_id, user=ann, ref=T0 + timedelta(hours=1))
    assert found.total == int(found.score["points"].sum()) >= found.threshold
    assert found.score["met"].all()
    assert not found.exempt
    assert found.clocks["state"].tolist()[0] == "due in 47 h, still running"
    assert found.next_step == "Make the first touch: call or e-mail the lead (due in 47 h)."


def test_a_rep_sees_only_their_own_lead_and_an_unknown_id_is_named(engine: Engine) -> None:
    ann, bob, _ = _people(engine)
    viewer = _user(engine, Role.VIEWER, "vera")
    lead_id = _assigned_lead(engine, ann)
    with session_scope(engine) as session:
        assert lead_file(session=session, lead_id=lead_id, user=ann, ref=T0).may_work
        with pytest.raises(NotYourLead):
            lead_file(session=session, lead_id=lead_id, user=bob, ref=T0)
        with pytest.raises(LeadNotFound):
            lead_file(session=session, lead_id=lead_id + 99, user=ann, ref=T0)
        with pytest.raises(PermissionDenied):
            lead_file(session=session, lead_id=lead_id, user=viewer, ref=T0)


def test_a_closed_lead_needs_nothing_more(engine: Engine) -> None:
    ann, _, _ = _people(engine)
    lead_id = _assigned_lead(engine, ann)
    with session_scope(engine) as session:
        leads.disposition(session=session, lead_id=lead_id, outcome=Disposition.DISQUALIFY,
                          reason="No budget", actor=ann, at=T0 + timedelta(hours=2))  # fmt: skip
    with session_scope(engine) as session:
        found = lead_file(session=session, lead_id=lead_id, user=ann, ref=T0 + timedelta(days=1))
    assert found.next_step == "Nothing: the lead is closed."
    assert found.clocks.set_index("clock").loc["disposition", "state"] == "met"
    last = found.events.iloc[-1]
    assert (last["kind"], last["to_stage"], last["reason"]) == (
        "disposition",
        "disqualified",
        "No budget",
    )


def test_routing_then_a_reassignment_gives_each_owner_their_span(engine: Engine) -> None:
    """Routing hands m0 to a rep (its event records that rep as the owner); the manager
    then hands it to the other rep: the lead's owners are the first rep, then the second,
    the first one's span ending at the reassignment."""
    rep0, rep1 = seed(engine, mqls=1, max_cap=10)
    with session_scope(engine) as session:
        route(session=session, actor=system_actor())
    with session_scope(engine) as session:
        lead = session.exec(select(Lead).where(Lead.lead_key == "m0")).one()
        first, routed_at = lead.owner_id, lead.assigned_at
        event = session.exec(select(LeadEvent).where(LeadEvent.kind == "assigned")).one()
        assert (event.owner_id, event.previous_owner_id) == (first, None)
        boss = session.exec(select(User).where(User.username == "boss")).one()
        second = rep1 if first == rep0 else rep0
        later = now() + timedelta(hours=1)
        leads.reassign(session=session, lead_id=lead.id or 0, to_owner=second, actor=boss,
                       seen_owner=first, at=later)  # fmt: skip
        found = lead_file(session=session, lead_id=lead.id or 0, user=boss, ref=later)
    assert found.owners["owner_id"].tolist() == [first, second]
    assert found.owners["since"].tolist() == [routed_at, later]
    assert found.owners["until"].iloc[0] == later
    assert found.events["owner"].dropna().tolist() == [f"Rep {rep_index}" for rep_index in
                                                      (int(first == rep1), int(second == rep1))]  # fmt: skip
