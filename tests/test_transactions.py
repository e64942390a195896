"""Issue 18.1: one unit of work is one transaction on both databases.

A write made inside `session.begin_nested()` (a savepoint) must not outlive a failure later
in the same unit of work: on SQLite the savepoint used to be committed on its own.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from sla_core import agreement, audit, db, snapshot, teams, users
from sla_core.access import system_actor
from sla_core.gamification import awards, closing
from sla_core.models import (
    AgreementVersion,
    AuditEntry,
    PeriodClose,
    Role,
    Team,
    TeamKind,
)
from sla_core.periods import parse_period
from sla_core.terms import AgreementContent, Targets
from tests.agreement_helpers import cast, fresh, sign_fully, start
from tests.gamification_world import at, build


class Injected(RuntimeError):
    """The failure a test injects after the inner write."""


def _boom(*_args: object, **_kwargs: object) -> None:
    raise Injected("the disk is full")


def _admin(engine) -> users.User:
    with db.session_scope(engine) as session:
        return users.create_user(
            actor=system_actor(), session=session, username="ann", name="Ann",
            role=Role.ADMIN, password="Secret#123",
        )  # fmt: skip


def test_a_failed_team_create_leaves_no_team(engine, monkeypatch):
    ann = _admin(engine)
    monkeypatch.setattr(audit, "record", _boom)
    with pytest.raises(Injected), db.session_scope(engine) as session:
        teams.create_team(session=session, name="Stray", kind=TeamKind.SALES, actor=ann)
    with Session(engine) as session:
        assert session.exec(select(Team)).all() == []


def test_a_failed_team_rename_keeps_the_old_name(engine, monkeypatch):
    ann = _admin(engine)
    with db.session_scope(engine) as session:
        teams.create_team(session=session, name="North", kind=TeamKind.SALES, actor=ann)
    monkeypatch.setattr(audit, "record", _boom)
    with pytest.raises(Injected), db.session_scope(engine) as session:
        teams.rename_team(session=session, old="North", new="Stray", actor=ann)
    with Session(engine) as session:
        assert [t.name for t in session.exec(select(Team)).all()] == ["North"]


def test_a_failed_new_draft_leaves_no_stray_version(engine, monkeypatch):
    with Session(engine, expire_on_commit=False) as session:
        people, version = cast(session), start(session)
        sign_fully(session, version.id, people)
        revision = fresh(session, version.id).revision
        version_id = version.id
    monkeypatch.setattr(audit, "record", _boom)
    with pytest.raises(Injected), db.session_scope(engine) as session:
        agreement.save_draft(
            session=session, version_id=version_id, revision=revision,
            content=AgreementContent(targets=Targets(mqls_per_marketer=300)),
            actor=people["marketing"],
        )  # fmt: skip
    with Session(engine) as session:
        assert [v.number for v in session.exec(select(AgreementVersion)).all()] == [1]


def test_a_failed_close_leaves_the_period_open(engine, monkeypatch):
    build(engine)
    with db.session_scope(engine) as session:
        agreement.ensure_agreement(session=session)  # else its first INSERT hides the hole
    march = parse_period("2026-03")
    leads = snapshot.read_leads(engine)
    monkeypatch.setattr(awards, "store_awards", _boom)
    with pytest.raises(Injected), db.session_scope(engine) as session:
        closing.close_period(
            session=session, leads=leads, period=march, actor=system_actor(),
            at=at("2026-06-01 00:00"),
        )  # fmt: skip
    with Session(engine) as session:
        assert session.exec(select(PeriodClose)).all() == []
        assert (
            session.exec(select(AuditEntry).where(AuditEntry.action == "close_period")).all() == []
        )
    monkeypatch.undo()
    with db.session_scope(engine) as session:
        outcome = closing.close_period(
            session=session, leads=leads, period=march, actor=system_actor(),
            at=at("2026-06-01 00:00"),
        )  # fmt: skip
    assert outcome.stored and outcome.close.revision == 1
    with Session(engine) as session:
        assert closing.stored_standings(session=session, close_id=outcome.close.id).shape[0] > 0


def test_sqlite_keeps_wal_and_reads_see_their_own_transaction(sqlite_engine):
    with sqlite_engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    # A read and a later write in one unit of work are one transaction: a rollback undoes
    # the write even when the only write was made inside a savepoint.
    with Session(sqlite_engine) as session:
        session.exec(select(Team)).all()
        with session.begin_nested():
            session.add(Team(name="Inner", kind=TeamKind.SALES))
        session.rollback()
    with Session(sqlite_engine) as session:
        assert session.exec(select(Team)).all() == []
