import uuid
from decimal import Decimal

import pytest
from pydantic import ValidationError
from sqlmodel import Session, select

from sla_core import agreement, db
from sla_core.access import PermissionDenied
from sla_core.models import AgreementVersion, AuditEntry, Role, Signature, User
from sla_core.terms import AgreementContent, Criterion, CriterionField, Targets
from tests.conftest import PG_URL


def test_defaults_are_the_articles_numbers():
    content = AgreementContent()
    assert content.targets.mqls_per_marketer == 250
    assert content.targets.conversion_rate_pct == Decimal("7.0")
    assert content.targets.opportunities_per_rep == 18
    assert content.windows.work_within_days == 7
    assert content.windows.disposition_hours == 48
    assert content.windows.follow_up_attempts == 3
    assert {c.field for c in content.mql.criteria} == set(CriterionField)
    assert content.review.cadence == "quarterly"


def test_canonical_json_is_stable_and_sorted():
    text = agreement.canonical_json(AgreementContent())
    assert text == agreement.canonical_json(AgreementContent.model_validate_json(text))
    assert '"conversion_rate_pct":"7.0"' in text
    assert text.index('"mql"') < text.index('"targets"') < text.index('"windows"')


def test_hash_is_pinned():
    # A change here means every stored signature would be voided: bump only on purpose.
    assert agreement.content_hash(AgreementContent()) == (
        "8cd34697a0df7bfdfde3987139c76455caece5e7755953a95d855d7a3d88ce4a"
    )


def test_any_edit_changes_the_hash():
    base = AgreementContent()
    edited = base.model_copy(update={"targets": Targets(mqls_per_marketer=251)})
    assert agreement.content_hash(base) != agreement.content_hash(edited)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"field": CriterionField.INDUSTRY, "weight": 10},
        {"field": CriterionField.COMPANY_SIZE, "weight": 10},
        {"field": CriterionField.ENGAGEMENT, "weight": 10, "minimum": 50, "maximum": 10},
        {"field": CriterionField.INDUSTRY, "weight": 101, "accepted": ("x",)},
    ],
)
def test_malformed_criteria_are_refused(kwargs):
    with pytest.raises(ValidationError):
        Criterion(**kwargs)


def test_min_above_max_per_rep_is_refused():
    with pytest.raises(ValidationError, match="min MQLs per rep"):
        Targets(min_mqls_per_rep=200, max_mqls_per_rep=100)


def test_fresh_database_gets_version_one_draft(engine):
    with Session(engine) as session:
        version = agreement.ensure_agreement(session=session)
        session.commit()
        governing = agreement.governing_version(session=session)
    assert version.number == 1
    assert governing.version.id == version.id
    assert not governing.signed
    assert version.content_hash == agreement.content_hash(AgreementContent())


def test_hash_is_the_same_across_databases(tmp_path):
    """One content saved in SQLite and in PostgreSQL reads back, from each, to the hash it
    was saved with: text in three scripts, decimals and lists survive both column types."""
    if not PG_URL:
        pytest.skip("LEADPACT_TEST_DATABASE_URL is not set: there is only one database")
    content = AgreementContent(
        title="Sales–Marketing SLA · توافق‌نامه · اتفاقية",
        parties=("Ventes Nord", "بازاریابی"),
        targets=Targets(conversion_rate_pct=Decimal("7.25")),
        marketing_commitments="250 MQLs a month, «no less»\nsecond line",
    )
    sqlite = db.make_engine(f"sqlite:///{tmp_path / 'hash.db'}")
    db.migrate(sqlite)
    with db.scratch_schema(PG_URL, f"t_hash_{uuid.uuid4().hex[:8]}") as postgres:
        hashes = {}
        for name, engine in (("sqlite", sqlite), ("postgres", postgres)):
            with Session(engine) as session:
                version = agreement.ensure_agreement(session=session)
                agreement.save_draft(session=session, version_id=version.id, revision=1,
                                     content=content, actor=_editor(session))  # fmt: skip
                session.commit()
                version_id = version.id
            with Session(engine) as session:  # a new session: read from the database itself
                stored = session.get(AgreementVersion, version_id)
                assert agreement.content_hash(agreement.load_content(stored)) == (
                    stored.content_hash
                )
                hashes[name] = stored.content_hash
    sqlite.dispose()
    assert hashes["sqlite"] == hashes["postgres"] == agreement.content_hash(content)


def _editor(session):
    user = session.exec(select(User).where(User.username == "editor")).first()
    if user is None:
        user = User(username="editor", name="Ed Itor", role=Role.MARKETING_MANAGER)
        session.add(user)
        session.flush()
    return user


def test_stale_revision_is_refused_and_nothing_overwritten(engine):
    with Session(engine) as session:
        version = agreement.ensure_agreement(session=session)
        session.commit()
        first = AgreementContent(targets=Targets(mqls_per_marketer=300))
        agreement.save_draft(
            session=session,
            version_id=version.id,
            revision=1,
            content=first,
            actor=_editor(session),
        )
        session.commit()
        second = AgreementContent(targets=Targets(mqls_per_marketer=100))
        with pytest.raises(agreement.StaleRevision, match="changed by someone else"):
            agreement.save_draft(
                session=session,
                version_id=version.id,
                revision=1,
                content=second,
                actor=_editor(session),
            )
        session.rollback()
        stored = agreement.load_content(session.get(type(version), version.id))
    assert stored.targets.mqls_per_marketer == 300


def test_in_force_only_when_every_required_role_signed_this_content(engine):
    with Session(engine) as session:
        version = agreement.ensure_agreement(session=session)
        sales = Signature(
            version_id=version.id,
            user_id=0,
            role=Role.SALES_MANAGER,
            content_hash=version.content_hash,
        )
        assert not agreement.is_in_force(version, [sales])
        stale = Signature(
            version_id=version.id, user_id=0, role=Role.MARKETING_MANAGER, content_hash="0" * 64
        )
        assert not agreement.is_in_force(version, [sales, stale])
        marketing = Signature(
            version_id=version.id,
            user_id=0,
            role=Role.MARKETING_MANAGER,
            content_hash=version.content_hash,
        )
        assert agreement.is_in_force(version, [sales, marketing])


def test_saving_a_draft_needs_the_right_to_edit_the_agreement(engine):
    with Session(engine) as session:
        version = agreement.ensure_agreement(session=session)
        rep = User(username="rep", name="Rep", role=Role.SALES_REP)
        session.add(rep)
        session.commit()
        with pytest.raises(PermissionDenied):
            agreement.save_draft(
                session=session,
                version_id=version.id,
                revision=version.revision,
                content=AgreementContent(targets=Targets(mqls_per_marketer=1)),
                actor=rep,
            )
        session.rollback()
        stored = agreement.load_content(session.get(type(version), version.id))
    assert stored.targets.mqls_per_marketer == 250


def test_a_saved_draft_is_audited_with_its_editor(engine):
    with Session(engine) as session:
        version = agreement.ensure_agreement(session=session)
        editor = _editor(session)
        saved = agreement.save_draft(
            session=session,
            version_id=version.id,
            revision=version.revision,
            content=AgreementContent(targets=Targets(mqls_per_marketer=300)),
            actor=editor,
        )
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "save_draft")).one()
    assert (saved.revision, saved.updated_by) == (2, editor.id)
    assert (entry.actor_id, entry.entity_id) == (editor.id, str(version.id))
