"""Each person's interface language is stored on their user row, by them or an admin."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from sla_core.access import PermissionDenied, system_actor
from sla_core.db import session_scope
from sla_core.i18n.languages import Language
from sla_core.i18n.preference import set_language
from sla_core.models import AuditEntry, Role, User
from sla_core.people import users


def _people(engine: Engine) -> tuple[int, int, int]:
    with session_scope(engine) as session:
        made = [
            users.create_user(
                actor=system_actor(), session=session, username=name, name=name, role=role
            )
            for name, role in (
                ("ana", Role.ADMIN),
                ("reza", Role.SALES_REP),
                ("mona", Role.MARKETER),
            )
        ]
        return made[0].id or 0, made[1].id or 0, made[2].id or 0


def test_new_people_speak_english(engine: Engine) -> None:
    _, rep, _ = _people(engine)
    with session_scope(engine) as session:
        assert session.get(User, rep).language == "en"


def test_a_person_chooses_their_own_language_and_it_is_audited(engine: Engine) -> None:
    _, rep, _ = _people(engine)
    with session_scope(engine) as session:
        actor = session.get(User, rep)
        set_language(session=session, user_id=rep, language=Language.PERSIAN, actor=actor)
    with session_scope(engine) as session:
        assert session.get(User, rep).language == "fa"
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "user.language")).one()
        assert (entry.actor_id, entry.entity_id, entry.detail) == (rep, str(rep), "fa")


def test_an_admin_may_choose_for_someone_else(engine: Engine) -> None:
    admin, rep, _ = _people(engine)
    with session_scope(engine) as session:
        set_language(
            session=session, user_id=rep, language=Language.ARABIC, actor=session.get(User, admin)
        )
    with session_scope(engine) as session:
        assert session.get(User, rep).language == "ar"


def test_nobody_else_may_choose_for_another_person(engine: Engine) -> None:
    _, rep, marketer = _people(engine)
    with session_scope(engine) as session, pytest.raises(PermissionDenied):
        set_language(
            session=session,
            user_id=rep,
            language=Language.ARABIC,
            actor=session.get(User, marketer),
        )
    with session_scope(engine) as session:
        assert session.get(User, rep).language == "en"
