"""Each manager manages their own side (and, working leads, their own team); an admin all.
A lead goes only to an active, placed sales rep. Each test reproduces a hole of issue 18."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from sla_core import leads
from sla_core.access import PermissionDenied
from sla_core.gamification import adjustments, closing
from sla_core.models import Lead, LeadEvent, PointAdjustment, Role, Team, TeamKind, User
from sla_core.periods import parse_period
from sla_core.stages import Stage

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
MARCH = parse_period("2026-03")


@pytest.fixture
def world(engine):
    """Two sales teams with a manager and reps each, marketing, an admin, one MQL of team A."""
    with Session(engine, expire_on_commit=False) as session:
        a = Team(name="A", kind=TeamKind.SALES)
        b = Team(name="B", kind=TeamKind.SALES)
        session.add_all([a, b])
        session.flush()
        people = {
            "rep": User(username="rep.a", name="Rep A", role=Role.SALES_REP, team_id=a.id),
            "mate": User(username="mate.a", name="Mate A", role=Role.SALES_REP, team_id=a.id),
            "boss": User(username="boss.a", name="Boss A", role=Role.SALES_MANAGER, team_id=a.id),
            "rep_b": User(username="rep.b", name="Rep B", role=Role.SALES_REP, team_id=b.id),
            "boss_b": User(username="boss.b", name="Boss B", role=Role.SALES_MANAGER, team_id=b.id),
            "ghost": User(username="ghost", name="Ghost", role=Role.SALES_REP),  # unplaced
            "gone": User(
                username="gone", name="Gone", role=Role.SALES_REP, team_id=a.id, active=False
            ),
            "viewer": User(username="view", name="Viewer", role=Role.VIEWER, team_id=a.id),
            "marketer": User(username="mk", name="Marketer", role=Role.MARKETER),
            "mm": User(username="mm", name="Mia", role=Role.MARKETING_MANAGER),
            "admin": User(username="ada", name="Ada", role=Role.ADMIN),
        }
        session.add_all(people.values())
        session.flush()
        lead = Lead(lead_key="l1", created_at=T0, stage=Stage.MQL, mql_at=T0,
                    owner_id=people["rep"].id, assigned_at=T0, updated_at=T0)  # fmt: skip
        session.add(lead)
        session.commit()
        return engine, people, lead.id


def _owner(engine, lead_id):
    with Session(engine) as session:
        return session.get(Lead, lead_id).owner_id


def _reassign(engine, lead_id, actor, to_owner, seen_owner):
    with Session(engine) as session:
        leads.reassign(
            session=session, lead_id=lead_id, to_owner=to_owner, actor=actor, seen_owner=seen_owner
        )
        session.commit()


def test_a_lead_is_handed_only_to_an_active_placed_sales_rep(world):
    engine, people, lead_id = world
    rep = people["rep"].id
    for target in ("viewer", "marketer", "ghost", "gone", "boss"):
        with pytest.raises(ValueError, match="cannot take leads"):
            _reassign(engine, lead_id, people["admin"], people[target].id, rep)
    for bad_id in (99999, -5, 0):
        with pytest.raises(ValueError, match="no person with id"):
            _reassign(engine, lead_id, people["admin"], bad_id, rep)
    assert _owner(engine, lead_id) == rep
    _reassign(engine, lead_id, people["admin"], people["mate"].id, rep)
    assert _owner(engine, lead_id) == people["mate"].id


def test_a_sales_manager_works_and_hands_on_only_their_own_teams_leads(world):
    engine, people, lead_id = world
    rep = people["rep"].id
    with Session(engine) as session, pytest.raises(PermissionDenied, match="another team"):
        leads.record_touch(session=session, lead_id=lead_id, kind="call", actor=people["boss_b"])
    with Session(engine) as session, pytest.raises(PermissionDenied, match="another team"):
        leads.change_stage(
            session=session, lead_id=lead_id, target=Stage.SAL, actor=people["boss_b"]
        )
    with pytest.raises(PermissionDenied, match="another team"):
        _reassign(engine, lead_id, people["boss_b"], people["rep_b"].id, rep)
    with pytest.raises(PermissionDenied, match="another team"):  # nor pull it into their own
        _reassign(engine, lead_id, people["boss"], people["rep_b"].id, rep)
    with Session(engine) as session:
        assert session.exec(select(LeadEvent)).all() == []
        assert session.get(Lead, lead_id).stage == "mql"
    with Session(engine) as session:
        leads.record_touch(session=session, lead_id=lead_id, kind="call", actor=people["boss"])
        leads.record_touch(session=session, lead_id=lead_id, kind="call", actor=people["admin"])
        session.commit()
    _reassign(engine, lead_id, people["boss"], people["mate"].id, rep)
    _reassign(engine, lead_id, people["admin"], people["rep_b"].id, people["mate"].id)
    assert _owner(engine, lead_id) == people["rep_b"].id


def _adjust(engine, actor, person, points=5, reason="Covered a colleague's queue"):
    with Session(engine) as session:
        adjustments.add_adjustment(
            session=session, period=MARCH, user_id=person.id, points=points, reason=reason,
            actor=actor,
        )  # fmt: skip
        session.commit()


def test_corrections_are_bounded_and_for_ones_own_side(world):
    engine, people, _ = world
    with pytest.raises(PermissionDenied, match="marketing side"):
        _adjust(engine, people["mm"], people["rep"], 5)
    with pytest.raises(PermissionDenied, match="sales side"):
        _adjust(engine, people["boss"], people["marketer"], 5)
    for points in (101, -101, 1000):
        with pytest.raises(adjustments.AdjustmentError, match="between -100 and 100"):
            _adjust(engine, people["admin"], people["rep"], points)
    with Session(engine) as session:
        assert session.exec(select(PointAdjustment)).all() == []
    _adjust(engine, people["mm"], people["marketer"], 100)
    _adjust(engine, people["boss"], people["rep"], -100)
    _adjust(engine, people["admin"], people["rep"], 10)
    _adjust(engine, people["admin"], people["marketer"], 10)
    with Session(engine) as session:
        assert len(session.exec(select(PointAdjustment)).all()) == 4


def test_only_an_admin_closes_a_period(world):
    engine, people, _ = world
    for who in ("mm", "boss"):
        with Session(engine) as session, pytest.raises(PermissionDenied):
            closing.close_period(session=session, leads=None, period=MARCH, actor=people[who])
