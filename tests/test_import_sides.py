"""An import by the marketing side creates leads and changes marketing fields only; what sales
holds (owner, stage past MQL, milestones, outcome) changes only through an admin's or a sales
manager's import, and then only along the lifecycle and to owners routing may hand to."""

from __future__ import annotations

import pandas as pd
from sqlalchemy.engine import Engine

from sla_core.access import system_actor
from sla_core.db import session_scope
from sla_core.importing import ImportOptions
from sla_core.importing.run import ImportReport, run_import
from sla_core.models import Role, TeamKind, User
from sla_core.people import teams, users
from sla_core.store.snapshot import read_leads

HELD = (
    b"Email,Company,Stage,Create Date,MQL date,Owner,Owner Assigned Date\n"
    b"held@x.io,Acme,mql,2024-01-05,2024-01-05,Rita Rep,2024-01-06\n"
    b"free@x.io,Beta,mql,2024-01-05,2024-01-05,,\n"
)


def _person(engine: Engine, username: str, name: str, role: Role, *, placed: bool) -> User:
    with session_scope(engine) as session:
        team_id = None
        if placed:
            team_id = teams.create_team(
                session=session, name=f"Team {username}", kind=TeamKind.SALES, actor=system_actor()
            ).id
        user = users.create_user(
            actor=system_actor(),
            session=session,
            username=username,
            name=name,
            role=role,
            team_id=team_id,
        )
        session.flush()
        session.expunge(user)
    return user


def _import(engine: Engine, actor: User, data: bytes, **options: object) -> ImportReport:
    return run_import(
        engine=engine, data=data, filename="f.csv", actor=actor, options=ImportOptions(**options)
    )


def _lead(engine: Engine, email: str) -> pd.Series:
    return read_leads(engine).set_index("lead_key").loc[email]


def _world(engine: Engine) -> dict[str, User]:
    people = {
        "admin": _person(engine, "root", "Root", Role.ADMIN, placed=False),
        "rita": _person(engine, "rita", "Rita Rep", Role.SALES_REP, placed=True),
        "ray": _person(engine, "ray", "Ray Rep", Role.SALES_REP, placed=True),
        "mo": _person(engine, "mo", "Mo Marketer", Role.MARKETER, placed=False),
        "mm": _person(engine, "mia", "Mia Manager", Role.MARKETING_MANAGER, placed=False),
    }
    _import(engine, people["admin"], HELD)
    return people


def test_a_marketers_import_cannot_hand_a_reps_lead_to_someone_else(engine: Engine) -> None:
    people = _world(engine)
    rita = _lead(engine, "held@x.io")["owner_id"]
    for owner in ("Ray Rep", "Eve Invented"):
        report = _import(engine, people["mo"], f"Email,Owner\nheld@x.io,{owner}\n".encode())
        assert report.changed == 0 and report.rejected == 1
        assert "only an admin's or a sales manager's import changes owner_id" in str(
            report.rejects["reason"].tolist()
        )
        assert _lead(engine, "held@x.io")["owner_id"] == rita


def test_a_marketing_import_cannot_win_an_mql_or_move_its_assignment_back(
    engine: Engine,
) -> None:
    people = _world(engine)
    before = _lead(engine, "held@x.io")
    won = b"Email,Stage,Deal value,Close date\nheld@x.io,won,1000000,2024-01-07\n"
    back = b"Email,Owner Assigned Date\nheld@x.io,2023-01-01\n"
    for actor in (people["mo"], people["mm"]):
        for data in (won, back):
            report = _import(engine, actor, data)
            assert (report.changed, report.rejected) == (0, 1), report.rejects
    after = _lead(engine, "held@x.io")
    assert after["stage"] == "mql" and pd.isna(after["deal_value"])
    assert after["assigned_at"] == before["assigned_at"]


def test_a_marketing_import_still_creates_leads_and_changes_marketing_fields(
    engine: Engine,
) -> None:
    people = _world(engine)
    data = b"Email,Company,Industry\nheld@x.io,Acme Group,Retail\nnew@x.io,Gamma,Energy\n"
    report = _import(engine, people["mo"], data)
    assert (report.new, report.changed, report.rejected) == (1, 1, 0)
    assert _lead(engine, "held@x.io")["company"] == "Acme Group"
    # a lead nobody holds yet goes back to nurture along the lifecycle
    report = _import(engine, people["mo"], b"Email,Stage\nfree@x.io,nurture\n")
    assert (report.changed, report.rejected) == (1, 0)
    # but not past MQL
    report = _import(engine, people["mo"], b"Email,Stage\nfree@x.io,mql\nfree2@x.io,lead\n")
    assert (report.new, report.changed, report.rejected) == (1, 1, 0)
    report = _import(engine, people["mo"], b"Email,Stage\nfree@x.io,sql\n")
    assert (report.changed, report.rejected) == (0, 1)


def test_an_admins_import_follows_the_lifecycle_and_routing(engine: Engine) -> None:
    people = _world(engine)
    rita = _lead(engine, "held@x.io")["owner_id"]
    won = b"Email,Stage,Deal value,Close date\nheld@x.io,won,1000000,2024-01-07\n"
    report = _import(engine, people["admin"], won)
    assert (report.changed, report.rejected) == (0, 1)
    assert "the lifecycle does not allow this move" in report.rejects["reason"].iloc[0]
    report = _import(engine, people["admin"], b"Email,Owner\nheld@x.io,Eve Invented\n")
    assert (report.changed, report.rejected) == (0, 1)
    assert "active sales rep" in report.rejects["reason"].iloc[0]
    assert _lead(engine, "held@x.io")["owner_id"] == rita
    report = _import(engine, people["admin"], b"Email,Owner,Stage\nheld@x.io,Ray Rep,sql\n")
    assert (report.changed, report.rejected) == (1, 0)
    lead = _lead(engine, "held@x.io")
    assert (lead["owner_id"], lead["stage"]) == (people["ray"].id, "sql")
