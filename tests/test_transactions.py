"""Issue 18.1: one unit of work is one transaction on both databases.

A write made inside `session.begin_nested()` (a savepoint) must not outlive a failure later
in the same unit of work: on SQLite the savepoint used to be committed on its own.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from sla_core import agreement, audit, db, leads
from sla_core.access import system_actor
from sla_core.agreement import discussion
from sla_core.agreement.sections import SECTIONS
from sla_core.gamification import adjustments, awards, closing
from sla_core.models import (
    AgreementComment,
    AgreementVersion,
    AuditEntry,
    Lead,
    LeadEvent,
    PeriodClose,
    PointAdjustment,
    Role,
    Team,
    TeamKind,
)
from sla_core.people import teams, users
from sla_core.periods import parse_period
from sla_core.stages import Disposition, Stage
from sla_core.store import snapshot
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


# Issue 18.13: text the database cannot keep is refused in words before anything is written.
# On PostgreSQL a 301-character reason or a NUL byte raised a DataError mid-write; SQLite
# kept both, so the two databases disagreed.


def _mql_lead(engine) -> tuple[int, users.User]:
    with db.session_scope(engine) as session:
        rep = users.create_user(
            actor=system_actor(), session=session, username="rita", name="Rita",
            role=Role.SALES_REP,
        )  # fmt: skip
        lead = Lead(lead_key="k1", stage=Stage.MQL, owner_id=rep.id, created_at=at("2026-03-01"))
        session.add(lead)
        session.flush()
        return lead.id or 0, rep


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("x" * 301, "the reason may be at most 300 characters (301 given)"),
        ("no\x00budget", "the reason contains a NUL character at position 3: remove it"),
        ("bell\x07", "the reason contains the control character U+0007 at position 5"),
    ],
)
def test_a_reason_the_database_cannot_keep_is_refused_in_words(engine, reason, message):
    lead_id, rep = _mql_lead(engine)
    with pytest.raises(db.TextRefused, match=re.escape(message)), db.session_scope(engine) as s:
        leads.disposition(
            session=s, lead_id=lead_id, outcome=Disposition.DISQUALIFY, actor=rep, reason=reason
        )
    with Session(engine) as session:
        lead = session.get(Lead, lead_id)
        assert lead is not None and (lead.stage, lead.disposition_reason) == ("mql", None)
        assert session.exec(select(LeadEvent)).all() == []
    # 300 characters, tabs and line breaks are fine
    with db.session_scope(engine) as session:
        leads.disposition(session=session, lead_id=lead_id, outcome=Disposition.DISQUALIFY,
                          actor=rep, reason="y" * 300)  # fmt: skip


def test_a_comment_or_bonus_reason_with_a_nul_is_refused_in_words(engine):
    ann = _admin(engine)
    with Session(engine, expire_on_commit=False) as session:
        version = start(session)
    with pytest.raises(db.TextRefused, match="the comment contains a NUL"):
        with db.session_scope(engine) as session:
            discussion.add_comment(session=session, version_id=version.id or 0,
                                   section=SECTIONS[0], text="a\x00b", actor=ann)  # fmt: skip
    with db.session_scope(engine) as session:
        comment = discussion.add_comment(session=session, version_id=version.id or 0,
                                         section=SECTIONS[0], text="line 1\n\tline 2",
                                         actor=ann)  # fmt: skip
        assert comment.text == "line 1\n\tline 2"
    _, rep = _mql_lead(engine)
    with pytest.raises(db.TextRefused, match="the reason contains a NUL"):
        with db.session_scope(engine) as session:
            adjustments.add_adjustment(session=session, period=parse_period("2026-03"),
                                       user_id=rep.id or 0, points=5, reason="good\x00 work",
                                       actor=ann)  # fmt: skip
    with Session(engine) as session:
        assert session.exec(select(PointAdjustment)).all() == []
        assert len(session.exec(select(AgreementComment)).all()) == 1
