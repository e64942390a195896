"""Issue 12.4: people an import creates stay out of the targets until placed; an admin can
merge such a person into a user (their leads and events move in one transaction) or remove
one who has no leads."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from sla_core.access import PermissionDenied, system_actor
from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.importing.run import run_import
from sla_core.models import AuditEntry, Lead, LeadEvent, Role, Team, TeamKind, User
from sla_core.overview import figures
from sla_core.people import roster, users
from sla_core.terms import AgreementContent

SYSTEM = system_actor()


@pytest.fixture
def org(engine: Engine) -> Engine:
    with session_scope(engine) as session:
        sales = Team(name="Enterprise", kind=TeamKind.SALES)
        marketing = Team(name="Growth", kind=TeamKind.MARKETING)
        session.add_all([sales, marketing])
        session.flush()
        for name, role, team in (
            ("admin", Role.ADMIN, None),
            ("rep.one", Role.SALES_REP, sales.id),
            ("rep.two", Role.SALES_REP, sales.id),
            ("mk.one", Role.MARKETER, marketing.id),
        ):
            users.create_user(
                session=session,
                username=name,
                name=name,
                role=role,
                password="Secret#123",
                team_id=team,
                actor=SYSTEM,
            )
    return engine


def targets(engine: Engine) -> figures.Targets:
    with session_scope(engine) as session:
        frame = roster.people_frame(session=session)
    return figures.targets_for(AgreementContent(), frame, owner_id=None)


def importer(engine: Engine) -> User:
    with session_scope(engine) as session:
        user = users.get_by_username(session=session, username="admin")
        assert user is not None
        session.expunge(user)
    return user


def test_people_an_import_creates_do_not_change_the_targets(org: Engine) -> None:
    before = targets(org)
    rows = "\n".join(f"lead{i}@example.com,Owner Number{i}" for i in range(12))
    run_import(
        engine=org,
        data=f"Email,Lead Owner\n{rows}\n".encode(),
        filename="crm.csv",
        actor=importer(org),
    )
    with session_scope(org) as session:
        frame = roster.people_frame(session=session)
    assert len(roster.unplaced(frame)) == 12
    assert targets(org) == before
    with session_scope(org) as session:
        roster.set_team(session=session, username="owner.number0", team="Enterprise", actor=SYSTEM)
    assert targets(org).opportunities == before.opportunities // 2 * 3  # 2 reps -> 3 reps


def _lead(session, key: str, owner: int | None, marketer: int | None) -> None:  # type: ignore[no-untyped-def]
    session.add(
        Lead(
            lead_key=key,
            stage="mql",
            owner_id=owner,
            marketer_id=marketer,
            created_at=now() - timedelta(days=1),
        )
    )


def test_merge_moves_leads_and_records_events_then_removes_the_person(org: Engine) -> None:
    with session_scope(org) as session:
        ghost = users.create_unplaced_person(
            session=session, username="m.miller", name="M Miller", role=Role.SALES_REP,
            email=None, actor=SYSTEM,
        )  # fmt: skip
        rep = users.get_by_username(session=session, username="rep.one")
        assert ghost.id and rep and rep.id
        ghost_id, rep_id = ghost.id, rep.id
        _lead(session, "a", ghost_id, None)
        _lead(session, "b", ghost_id, ghost_id)
        _lead(session, "c", rep_id, None)
    with session_scope(org) as session:
        moved = roster.merge_person(
            session=session, source="m.miller", target="rep.one", actor=SYSTEM
        )
    assert moved == 3  # two as owner, one as marketer
    with session_scope(org) as session:
        owners = dict(session.exec(select(Lead.lead_key, Lead.owner_id)).all())
        assert owners == {"a": rep_id, "b": rep_id, "c": rep_id}
        assert session.exec(select(Lead.marketer_id).where(Lead.lead_key == "b")).one() == rep_id
        events = session.exec(select(LeadEvent).where(LeadEvent.kind == "assigned")).all()
        assert len(events) == 2
        assert {e.note for e in events} == {"owner m.miller merged into rep.one"}
        assert users.get_by_username(session=session, username="m.miller") is None
        assert (
            session.exec(select(AuditEntry.detail).where(AuditEntry.action == "user.merge")).one()
            == "into=rep.one owner=2 marketer=1"
        )


def test_merge_is_all_or_nothing(org: Engine) -> None:
    """A person named by another record cannot be deleted: nothing of the merge is kept."""
    from sla_core.models import ImportBatch

    with session_scope(org) as session:
        ghost = users.create_unplaced_person(
            session=session, username="stuck", name="S", role=Role.SALES_REP, email=None,
            actor=SYSTEM,
        )  # fmt: skip
        _lead(session, "x", ghost.id, None)
        session.add(ImportBatch(filename="f", file_hash="h", user_id=ghost.id))
    with pytest.raises(users.UserError, match="still named"), session_scope(org) as session:
        roster.merge_person(session=session, source="stuck", target="rep.one", actor=SYSTEM)
    with session_scope(org) as session:
        stuck = users.get_by_username(session=session, username="stuck")
        assert stuck is not None
        assert session.exec(select(Lead.owner_id).where(Lead.lead_key == "x")).one() == stuck.id
        assert session.exec(select(LeadEvent)).all() == []


@pytest.mark.parametrize(
    ("source", "target", "message"),
    [
        ("rep.two", "rep.one", "can sign in"),
        ("ghost", "ghost", "themselves"),
        ("nobody", "rep.one", "no user named"),
    ],
)
def test_merge_refusals(org: Engine, source: str, target: str, message: str) -> None:
    with session_scope(org) as session:
        users.create_unplaced_person(
            session=session, username="ghost", name="G", role=Role.SALES_REP, email=None,
            actor=SYSTEM,
        )  # fmt: skip
    with session_scope(org) as session, pytest.raises(users.UserError, match=message):
        roster.merge_person(session=session, source=source, target=target, actor=SYSTEM)


def test_remove_only_a_loginless_person_without_leads(org: Engine) -> None:
    with session_scope(org) as session:
        busy = users.create_unplaced_person(
            session=session, username="busy", name="B", role=Role.MARKETER, email=None,
            actor=SYSTEM,
        )  # fmt: skip
        users.create_unplaced_person(
            session=session, username="idle", name="I", role=Role.SALES_REP, email=None,
            actor=SYSTEM,
        )  # fmt: skip
        _lead(session, "m", None, busy.id)
    with session_scope(org) as session:
        with pytest.raises(users.UserError, match="has 1 leads"):
            roster.remove_person(session=session, username="busy", actor=SYSTEM)
        with pytest.raises(users.UserError, match="can sign in"):
            roster.remove_person(session=session, username="rep.one", actor=SYSTEM)
        roster.remove_person(session=session, username="idle", actor=SYSTEM)
    with session_scope(org) as session:
        names = session.exec(select(User.username).order_by(col(User.username))).all()
        assert "idle" not in names and "busy" in names


def test_only_admins_merge_or_remove(org: Engine) -> None:
    with session_scope(org) as session:
        rep = users.get_by_username(session=session, username="rep.one")
        assert rep is not None
        with pytest.raises(PermissionDenied):
            roster.remove_person(session=session, username="rep.two", actor=rep)
        with pytest.raises(PermissionDenied):
            roster.merge_person(session=session, source="rep.two", target="rep.one", actor=rep)


def test_the_rep_pickers_list_only_reps_who_can_sign_in_and_work(org: Engine) -> None:
    """An imported owner (no login, no team), a rep placed in a team without a login and a
    deactivated rep are not offered in the Work queue and Compliance pickers."""
    with session_scope(org) as session:
        users.create_unplaced_person(
            session=session, username="imported", name="Imported Owner", role=Role.SALES_REP,
            actor=SYSTEM, email=None,
        )  # fmt: skip
        team = session.exec(select(Team).where(Team.name == "Enterprise")).one()
        users.create_user(
            session=session, username="no.login", name="No Login", role=Role.SALES_REP,
            team_id=team.id, actor=SYSTEM,
        )  # fmt: skip
        gone = users.create_user(
            session=session, username="gone", name="Gone", role=Role.SALES_REP,
            password="Secret#123", team_id=team.id, actor=SYSTEM,
        )  # fmt: skip
        gone.active = False
        session.add(gone)
        session.flush()
        frame = roster.people_frame(session=session)
    assert sorted(roster.working_reps(frame)["username"]) == ["rep.one", "rep.two"]
    assert "imported" not in set(roster.active_reps(frame)["username"])  # one rule: not placed


def test_one_rule_decides_who_counts_everywhere(org: Engine) -> None:
    """Issue 17: targets, the Compliance page's head counts and routing read the same people
    (an import's 12 new owners counted on Compliance but not on the Overview: 672 vs 192)."""
    from sla_core.marketing.route_run import rep_loads
    from sla_core.sla.context import load_heads

    rows = "\n".join(f"lead{i}@example.com,Owner Number{i}" for i in range(12))
    run_import(
        engine=org,
        data=f"Email,Lead Owner\n{rows}\n".encode(),
        filename="crm.csv",
        actor=importer(org),
    )
    with session_scope(org) as session:
        frame = roster.people_frame(session=session)
        heads = load_heads(session=session)
        routed = set(rep_loads(session=session, away=(), ref=now())["id"])
    reps = set(roster.active_reps(frame)["id"])
    assert len(reps) == 2 and heads.reps == reps == routed
    assert len(heads.marketers) == roster.headcount(frame)[Role.MARKETER] == 1
    assert targets(org).opportunities == 2 * AgreementContent().targets.opportunities_per_rep
