"""Teams: an admin creates and renames them; names are unique whatever their case."""

import json
import threading
import time

import pytest
from sqlmodel import Session

from sla_core import cli
from sla_core.access import PermissionDenied, system_actor
from sla_core.models import AuditEntry, Role, Team, TeamKind
from sla_core.people import roster, teams, users


def admin(session: Session, username: str = "ann") -> users.User:
    return users.create_user(
        actor=system_actor(), session=session, username=username, name=username.title(),
        role=Role.ADMIN, password="Secret#123",
    )  # fmt: skip


def test_an_admin_creates_a_team_and_places_a_rep_in_it(engine):
    with Session(engine) as session:
        ann = admin(session)
        team = teams.create_team(session=session, name="  Sales   North ", kind=TeamKind.SALES,
                                 actor=ann)  # fmt: skip
        users.create_user(actor=ann, session=session, username="rita", name="Rita",
                          role=Role.SALES_REP)  # fmt: skip
        roster.set_team(session=session, username="rita", team="Sales North", actor=ann)
        session.commit()
        assert team.name == "Sales North" and team.kind == TeamKind.SALES
        frame = roster.people_frame(session=session).set_index("username")
        assert frame.loc["rita", "team"] == "Sales North"
        actions = [e.action for e in session.query(AuditEntry).all()]
        assert "team.create" in actions


@pytest.mark.parametrize("name", ["sales north", "SALES NORTH", "Sales  North"])
def test_a_second_team_with_the_same_name_in_another_case_is_refused(engine, name):
    with Session(engine) as session:
        ann = admin(session)
        teams.create_team(session=session, name="Sales North", kind=TeamKind.SALES, actor=ann)
        with pytest.raises(users.UserError, match="a team named 'Sales North' already exists"):
            teams.create_team(session=session, name=name, kind=TeamKind.MARKETING, actor=ann)
        session.commit()
        assert [t.name for t in teams.teams(session=session)] == ["Sales North"]


def test_rename_keeps_the_people_and_refuses_a_twin(engine):
    with Session(engine) as session:
        ann = admin(session)
        for name in ("North", "South"):
            teams.create_team(session=session, name=name, kind=TeamKind.SALES, actor=ann)
        users.create_user(actor=ann, session=session, username="rita", name="Rita",
                          role=Role.SALES_REP)  # fmt: skip
        roster.set_team(session=session, username="rita", team="North", actor=ann)
        teams.rename_team(session=session, old="North", new="North East", actor=ann)
        with pytest.raises(users.UserError, match="'South' already exists"):
            teams.rename_team(session=session, old="North East", new="south", actor=ann)
        with pytest.raises(users.UserError, match="no team named 'West'"):
            teams.rename_team(session=session, old="West", new="Far West", actor=ann)
        session.commit()
        frame = roster.people_frame(session=session).set_index("username")
        assert frame.loc["rita", "team"] == "North East"


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_a_blank_or_overlong_name_is_refused(engine, name):
    with Session(engine) as session:
        with pytest.raises(users.UserError, match="a team needs a name|at most 100"):
            teams.create_team(session=session, name=name, kind=TeamKind.SALES,
                              actor=admin(session))  # fmt: skip


@pytest.mark.parametrize("role", [Role.SALES_MANAGER, Role.MARKETER, Role.SALES_REP])
def test_only_an_admin_creates_or_renames_teams(engine, role):
    with Session(engine) as session:
        ann = admin(session)
        teams.create_team(session=session, name="North", kind=TeamKind.SALES, actor=ann)
        other = users.create_user(actor=ann, session=session, username="xena", name="Xena", role=role,
                                  password="Secret#123")  # fmt: skip
        with pytest.raises(PermissionDenied):
            teams.create_team(session=session, name="Mine", kind=TeamKind.SALES, actor=other)
        with pytest.raises(PermissionDenied):
            teams.rename_team(session=session, old="North", new="Mine", actor=other)


def test_two_admins_adding_the_same_team_at_once_make_one(engine):
    """Real threads past the name check at the same moment: the unique key keeps one."""
    with Session(engine) as session:
        admin(session, "ann")
        admin(session, "bob")
        session.commit()
    barrier = threading.Barrier(2, timeout=60)  # a thread that fails first never hangs the run
    outcomes: list[str] = []

    def add(actor_name: str) -> None:
        with Session(engine) as session:
            actor = users.get_by_username(session=session, username=actor_name)
            barrier.wait()
            try:
                teams.create_team(session=session, name="North", kind=TeamKind.SALES, actor=actor)
                time.sleep(0.3)  # hold the insert open while the other one runs
                session.commit()
                outcomes.append("made")
            except users.UserError:
                session.rollback()
                outcomes.append("refused")
            except Exception as exc:  # SQLite: the second writer waits, then fails to lock
                session.rollback()
                outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=add, args=(n,)) for n in ("ann", "bob")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("made") == 1, outcomes
    with Session(engine) as session:
        assert session.query(Team).count() == 1


def test_cli_adds_lists_and_says_what_is_wrong_in_json(engine, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    assert cli.main(["teams", "add", "North", "--kind", "sales"]) == 0
    assert cli.main(["users", "add", "rita", "--role", "sales_rep", "--team", "North",
                     "--password", "Secret#123"]) == 0  # fmt: skip
    capsys.readouterr()
    assert cli.main(["teams", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"name": "North", "kind": "sales", "people": 1}]
    assert cli.main(["teams", "add", "north", "--kind", "sales", "--json"]) == 1
    assert json.loads(capsys.readouterr().out) == {"error": "a team named 'North' already exists"}
