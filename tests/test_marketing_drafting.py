"""Saving the marketing pages' edits: merges with others' sections, refuses same-section races."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from sla_core import agreement
from sla_core.access import PermissionDenied, system_actor
from sla_core.agreement.sections import StaleSection
from sla_core.db import session_scope
from sla_core.marketing.drafting import save_edit, working_draft
from sla_core.models import AuditEntry, Role, User
from sla_core.people import users
from sla_core.terms import AgreementContent


def opened(engine: Engine) -> tuple[int, int, AgreementContent]:
    with session_scope(engine) as session:
        version, signed = working_draft(session=session)
        assert not signed
        return version.id or 0, version.revision, agreement.load_content(version)


def save(
    engine: Engine,
    start: tuple[int, int, AgreementContent],
    section: str,
    change: dict[str, object],
    action: str,
    actor: User | None = None,
) -> None:
    version_id, revision, content = start
    part = getattr(content, section).model_copy(update=change)
    with session_scope(engine) as session:
        save_edit(
            session=session, version_id=version_id, revision=revision, opened=content,
            content=content.model_copy(update={section: part}), sections=(section,),
            summary=[f"{section} {change}"], action=action, actor=actor or system_actor(),
        )  # fmt: skip


def test_an_edit_merges_with_another_section_saved_meanwhile(sqlite_engine: Engine) -> None:
    mine, theirs = opened(sqlite_engine), opened(sqlite_engine)
    save(sqlite_engine, theirs, "targets", {"max_mqls_per_rep": 120}, "edit_targets")
    save(sqlite_engine, mine, "mql", {"threshold": 50}, "edit_mql_criteria")
    with session_scope(sqlite_engine) as session:
        version, _ = working_draft(session=session)
        content = agreement.load_content(version)
        details = session.exec(
            select(AuditEntry.detail).where(AuditEntry.action == "edit_mql_criteria")
        ).all()
    assert (content.mql.threshold, content.targets.max_mqls_per_rep) == (50, 120)
    assert version.revision == 3
    assert details == ["v1 revision 3: mql {'threshold': 50}"]


def test_the_same_section_changed_meanwhile_is_refused(sqlite_engine: Engine) -> None:
    mine, theirs = opened(sqlite_engine), opened(sqlite_engine)
    save(sqlite_engine, theirs, "mql", {"threshold": 40}, "edit_mql_criteria")
    with pytest.raises(StaleSection):
        save(sqlite_engine, mine, "mql", {"threshold": 50}, "edit_mql_criteria")
    _, _, content = opened(sqlite_engine)
    assert content.mql.threshold == 40


def _person(engine: Engine, role: Role) -> User:
    with session_scope(engine) as session:
        person = users.create_user(
            session=session, username=role.value, name=role.value, role=role,
            password="Secret#123", actor=system_actor(),
        )  # fmt: skip
        session.expunge(person)
        return person


def test_only_marketing_managers_and_admins_change_the_mql_criteria(
    sqlite_engine: Engine,
) -> None:
    """A sales manager reads the criteria: a save that changes them is refused in sla_core,
    by whatever path (the criteria page or a whole-draft save); their targets save."""
    sales = _person(sqlite_engine, Role.SALES_MANAGER)
    with pytest.raises(PermissionDenied, match="may not edit mql criteria"):
        save(sqlite_engine, opened(sqlite_engine), "mql", {"threshold": 50}, "edit_mql_criteria",
             actor=sales)  # fmt: skip
    version_id, revision, content = opened(sqlite_engine)
    with pytest.raises(PermissionDenied), session_scope(sqlite_engine) as session:
        agreement.save_draft(
            session=session, version_id=version_id, revision=revision, actor=sales,
            content=content.model_copy(update={"mql": content.mql.model_copy(
                update={"threshold": 45})}),
        )  # fmt: skip
    assert opened(sqlite_engine)[2].mql.threshold == content.mql.threshold
    save(sqlite_engine, opened(sqlite_engine), "targets", {"max_mqls_per_rep": 120},
         "edit_targets", actor=sales)  # fmt: skip
    marketing = _person(sqlite_engine, Role.MARKETING_MANAGER)
    save(sqlite_engine, opened(sqlite_engine), "mql", {"threshold": 50}, "edit_mql_criteria",
         actor=marketing)  # fmt: skip
    assert opened(sqlite_engine)[2].mql.threshold == 50
