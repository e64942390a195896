import pytest
from sqlmodel import Session, select

from sla_core import agreement
from sla_core.access import PermissionDenied
from sla_core.agreement import signing
from sla_core.agreement.versions import VersionStatus
from sla_core.models import AgreementVersion, AuditEntry
from sla_core.terms import Targets
from tests.agreement_helpers import cast, complete_content, fresh, sign_fully, start


def _edit(session, version, actor, mqls):
    return agreement.save_draft(
        session=session,
        version_id=version.id,
        revision=fresh(session, version.id).revision,
        content=complete_content(targets=Targets(mqls_per_marketer=mqls)),
        actor=actor,
    )


def test_draft_to_review_to_signed(engine):
    with Session(engine) as session:
        people, version = cast(session), start(session)
        assert agreement.statuses(session=session)[version.id] is VersionStatus.DRAFT
        signing.request_review(
            session=session,
            version_id=version.id,
            seen_hash=version.content_hash,
            actor=people["marketing"],
        )
        session.commit()
        assert agreement.statuses(session=session)[version.id] is VersionStatus.IN_REVIEW
        sig = signing.sign(
            session=session,
            version_id=version.id,
            seen_hash=version.content_hash,
            actor=people["sales"],
        )
        session.commit()
        assert (sig.role, sig.content_hash, sig.user_id) == (
            "sales_manager",
            version.content_hash,
            people["sales"].id,
        )
        assert sig.signed_at is not None
        assert not agreement.governing_version(session=session).signed
        signing.sign(
            session=session,
            version_id=version.id,
            seen_hash=version.content_hash,
            actor=people["marketing"],
        )
        session.commit()
        governing = agreement.governing_version(session=session)
        assert governing.signed and governing.version.id == version.id
        assert agreement.statuses(session=session)[version.id] is VersionStatus.SIGNED
        actions = session.exec(select(AuditEntry.action)).all()
        assert actions.count("sign") == 2


def test_signing_content_that_changed_since_opening_is_refused(engine):
    with Session(engine) as session:
        people, version = cast(session), start(session)
        opened_hash = version.content_hash
        _edit(session, version, people["marketing"], 300)
        session.commit()
        with pytest.raises(agreement.StaleRevision, match="changed since you opened it"):
            signing.sign(
                session=session,
                version_id=version.id,
                seen_hash=opened_hash,
                actor=people["sales"],
            )
        session.rollback()
        assert agreement.signatures(session=session, version_id=version.id) == []


@pytest.mark.parametrize(
    ("who", "error"),
    [("rep", PermissionDenied), ("admin", signing.SigningRefused)],
)
def test_a_signer_without_a_required_role_is_refused(engine, who, error):
    with Session(engine) as session:
        people, version = cast(session), start(session)
        with pytest.raises(error):
            signing.sign(
                session=session,
                version_id=version.id,
                seen_hash=version.content_hash,
                actor=people[who],
            )
        session.rollback()
        assert agreement.signatures(session=session, version_id=version.id) == []


def test_one_signature_per_role(engine):
    with Session(engine) as session:
        people, version = cast(session), start(session)
        signing.sign(
            session=session,
            version_id=version.id,
            seen_hash=version.content_hash,
            actor=people["sales"],
        )
        session.commit()
        with pytest.raises(signing.SigningRefused, match="already signed"):
            signing.sign(
                session=session,
                version_id=version.id,
                seen_hash=fresh(session, version.id).content_hash,
                actor=people["sales2"],
            )


def test_editing_a_version_in_review_voids_its_signatures(engine):
    with Session(engine) as session:
        people, version = cast(session), start(session)
        signing.sign(
            session=session,
            version_id=version.id,
            seen_hash=version.content_hash,
            actor=people["sales"],
        )
        session.commit()
        _edit(session, version, people["marketing"], 300)
        session.commit()
        sigs = agreement.signatures(session=session, version_id=version.id)
        assert len(sigs) == 1 and sigs[0].voided_at is not None
        assert agreement.statuses(session=session)[version.id] is VersionStatus.DRAFT
        # even back at the signed text, a voided signature does not come back
        back = complete_content()
        agreement.save_draft(
            session=session,
            version_id=version.id,
            revision=fresh(session, version.id).revision,
            content=back,
            actor=people["marketing"],
        )
        session.commit()
        assert fresh(session, version.id).content_hash == sigs[0].content_hash
        assert agreement.valid_signatures(fresh(session, version.id), sigs) == []
        entry = session.exec(
            select(AuditEntry).where(AuditEntry.detail.contains("voided"))  # type: ignore[union-attr]
        ).first()
        assert entry is not None


def test_editing_a_signed_version_makes_a_new_draft_and_the_old_stays_in_force(engine):
    with Session(engine) as session:
        people, version = cast(session), start(session)
        sign_fully(session, version.id, people)
        draft = _edit(session, version, people["marketing"], 300)
        session.commit()
        assert (draft.number, draft.id != version.id) == (2, True)
        governing = agreement.governing_version(session=session)
        assert governing.version.id == version.id and governing.signed
        assert governing.content.targets.mqls_per_marketer == 250
        assert agreement.valid_signatures(
            fresh(session, version.id), agreement.signatures(session=session, version_id=version.id)
        )
        # a second editor on the stale signed page cannot fork a third version
        with pytest.raises(agreement.StaleRevision, match="already the working draft"):
            _edit(session, version, people["sales"], 100)
        session.rollback()
        sign_fully(session, draft.id, people)
        states = agreement.statuses(session=session)
        assert (states[version.id], states[draft.id]) == (
            VersionStatus.SUPERSEDED,
            VersionStatus.SIGNED,
        )
        governing = agreement.governing_version(session=session)
        assert governing.version.id == draft.id
        assert governing.content.targets.mqls_per_marketer == 300
        assert len(session.exec(select(AgreementVersion)).all()) == 2


def test_a_superseded_version_cannot_be_signed(engine):
    with Session(engine) as session:
        people, version = cast(session), start(session)
        sign_fully(session, version.id, people)
        draft = _edit(session, version, people["marketing"], 300)
        session.commit()
        sign_fully(session, draft.id, people)
        with pytest.raises(signing.SigningRefused, match="superseded"):
            signing.sign(
                session=session,
                version_id=version.id,
                seen_hash=version.content_hash,
                actor=people["sales2"],
            )


def _signers(session, version, actor, roles):
    from sla_core.agreement import sections

    current = agreement.load_content(fresh(session, version.id))
    return sections.save_section(
        session=session,
        version_id=version.id,
        revision=fresh(session, version.id).revision,
        section="required_signers",
        base=list(current.required_signers),
        value=roles,
        actor=actor,
    ).version


def test_one_side_cannot_name_itself_the_only_signer(engine):
    # The attack: a sales manager makes the signer list ["sales_manager"], signs, and the
    # new version supersedes the one both teams signed.
    with Session(engine) as session:
        people, version = cast(session), start(session)
        sign_fully(session, version.id, people)
        for actor, roles in (
            (people["sales"], ["sales_manager"]),
            (people["marketing"], ["marketing_manager"]),
            (people["sales"], ["sales_manager", "admin"]),
        ):
            with pytest.raises(ValueError, match="a signature from each side"):
                _signers(session, version, actor, roles)
            session.rollback()
        governing = agreement.governing_version(session=session)
        assert governing.signed and governing.version.id == version.id
        assert len(agreement.all_versions(session=session)) == 1


def test_a_stored_one_sided_version_cannot_be_signed(engine):
    # A one-sided signer list written before the rule (or straight into the database)
    # still cannot be put in force by that side alone.
    with Session(engine) as session:
        people, version = cast(session), start(session)
        sign_fully(session, version.id, people)
        one_sided = complete_content(required_signers=("sales_manager",))
        draft = AgreementVersion(
            agreement_id=version.agreement_id,
            number=2,
            content=agreement.canonical_json(one_sided),
            content_hash=agreement.content_hash(one_sided),
        )
        session.add(draft)
        session.commit()
        with pytest.raises(signing.SigningRefused, match="each side"):
            signing.sign(
                session=session,
                version_id=draft.id,
                seen_hash=draft.content_hash,
                actor=people["sales"],
            )
        session.rollback()
        assert agreement.governing_version(session=session).version.id == version.id


def test_changing_who_signs_needs_those_who_signed_the_version_in_force(engine):
    with Session(engine) as session:
        people, version = cast(session), start(session)
        three = ["sales_manager", "marketing_manager", "admin"]
        version = _signers(session, version, people["admin"], three)
        session.commit()
        for who in ("sales", "marketing", "admin"):
            signing.sign(
                session=session,
                version_id=version.id,
                seen_hash=fresh(session, version.id).content_hash,
                actor=people[who],
            )
        session.commit()
        assert agreement.governing_version(session=session).version.id == version.id
        # Both managers drop the admin from the list and sign: not in force without the
        # admin, who signed the version in force.
        draft = _signers(session, version, people["sales"], ["sales_manager", "marketing_manager"])
        session.commit()
        assert draft.id != version.id
        sign_fully(session, draft.id, people)
        assert agreement.statuses(session=session)[draft.id] is not VersionStatus.SIGNED
        assert agreement.governing_version(session=session).version.id == version.id
        signing.sign(
            session=session,
            version_id=draft.id,
            seen_hash=fresh(session, draft.id).content_hash,
            actor=people["admin"],
        )
        session.commit()
        assert agreement.statuses(session=session)[draft.id] is VersionStatus.SIGNED
        assert agreement.statuses(session=session)[version.id] is VersionStatus.SUPERSEDED
        # Unchanged list from now on: the two managers alone put the next version in force.
        third = _edit(session, draft, people["marketing"], 7)
        session.commit()
        sign_fully(session, third.id, people)
        assert agreement.governing_version(session=session).version.id == third.id


def test_an_incomplete_version_cannot_be_sent_for_signatures_or_signed(engine):
    from sla_core.agreement.completeness import Incomplete, missing

    with Session(engine) as session:
        people = cast(session)
        version = agreement.ensure_agreement(session=session)  # the defaults: not complete
        session.commit()
        for step in (signing.request_review, signing.sign):
            with pytest.raises(Incomplete) as refused:
                step(
                    session=session,
                    version_id=version.id,
                    seen_hash=version.content_hash,
                    actor=people["sales"],
                )
            session.rollback()
            lines = refused.value.missing
            assert len(lines) == 14  # ten questions, company, effective date, term, review
            assert "No answer yet to “What are the company's goals" in lines[0]
            assert "The company's name is not written" in lines
            assert "The next review date is not set" in str(refused.value)
        assert agreement.signatures(session=session, version_id=version.id) == []
        assert missing(complete_content()) == []
        assert missing(complete_content(company="  ", parties=("Sales", ""))) == [
            "The company's name is not written",
            "Name both teams that are party to the agreement",
        ]
