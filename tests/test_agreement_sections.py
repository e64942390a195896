import threading

import pytest
from sqlmodel import Session, select

from sla_core import agreement
from sla_core.agreement import discussion, sections
from sla_core.agreement.markdown import diff
from sla_core.models import AuditEntry
from sla_core.terms import AgreementContent, Targets
from tests.agreement_helpers import COMPLETE, cast, fresh, sign_fully, start

GOALS = "workshop.company_goals"


def test_a_section_save_changes_only_that_section(engine):
    with Session(engine) as session:
        people, version = cast(session), start(session)
        saved = sections.save_section(
            session=session,
            version_id=version.id,
            revision=1,
            section=GOALS,
            base="",
            value="Grow 20 % in 2027",
            actor=people["marketing"],
        )
        session.commit()
        content = agreement.load_content(fresh(session, version.id))
    assert content.workshop == {**COMPLETE["workshop"], "company_goals": "Grow 20 % in 2027"}
    assert content.targets == Targets()
    assert (saved.version.revision, saved.merged) == (2, False)


def test_saves_of_different_sections_merge(engine):
    with Session(engine) as session:
        people, version = cast(session), start(session)
        sections.save_section(
            session=session,
            version_id=version.id,
            revision=1,
            section=GOALS,
            base="",
            value="Grow",
            actor=people["marketing"],
        )
        session.commit()
        # opened at revision 1 too, but edits another section: put onto the newer text
        saved = sections.save_section(
            session=session,
            version_id=version.id,
            revision=1,
            section="sales_commitments",
            base="",
            value="Call every MQL within 48 hours",
            actor=people["sales"],
        )
        session.commit()
        content = agreement.load_content(fresh(session, version.id))
    assert saved.merged and saved.version.revision == 3
    assert content.workshop["company_goals"] == "Grow"
    assert content.sales_commitments == "Call every MQL within 48 hours"


def test_a_stale_save_of_one_section_is_refused_with_both_texts(engine):
    with Session(engine) as session:
        people, version = cast(session), start(session)
        sections.save_section(
            session=session,
            version_id=version.id,
            revision=1,
            section=GOALS,
            base="",
            value="Theirs",
            actor=people["marketing"],
        )
        session.commit()
        with pytest.raises(sections.StaleSection) as caught:
            sections.save_section(
                session=session,
                version_id=version.id,
                revision=1,
                section=GOALS,
                base="",
                value="Mine",
                actor=people["sales"],
            )
        session.rollback()
        assert (caught.value.theirs, caught.value.mine, caught.value.revision) == (
            "Theirs",
            "Mine",
            2,
        )
        assert agreement.load_content(fresh(session, version.id)).workshop["company_goals"] == (
            "Theirs"
        )


def test_an_invalid_number_section_is_refused_in_words(engine):
    with Session(engine) as session:
        people, version = cast(session), start(session)
        bad = Targets().model_dump(mode="json") | {"min_mqls_per_rep": 500}
        with pytest.raises(ValueError, match="min MQLs per rep"):
            sections.save_section(
                session=session,
                version_id=version.id,
                revision=1,
                section="targets",
                base=Targets().model_dump(mode="json"),
                value=bad,
                actor=people["marketing"],
            )


def test_a_section_save_on_a_signed_version_starts_the_next_draft(engine):
    with Session(engine) as session:
        people, version = cast(session), start(session)
        sign_fully(session, version.id, people)
        saved = sections.save_section(
            session=session,
            version_id=version.id,
            revision=fresh(session, version.id).revision,
            section=GOALS,
            base="",
            value="New goal",
            actor=people["marketing"],
        )
        session.commit()
        assert saved.version.number == 2
        assert agreement.governing_version(session=session).version.id == version.id


def test_two_threads_saving_one_section_exactly_one_wins(engine):
    with Session(engine) as session:
        cast(session)
        version_id = start(session).id
        session.commit()
    barrier = threading.Barrier(2, timeout=60)
    outcomes: list[str] = []

    def save(text: str, who: str) -> None:
        with Session(engine) as session:
            actor = cast(session)[who]
            session.commit()
            barrier.wait()
            try:
                sections.save_section(
                    session=session,
                    version_id=version_id,
                    revision=1,
                    section=GOALS,
                    base="",
                    value=text,
                    actor=actor,
                )
                session.commit()
                outcomes.append("won:" + text)
            except sections.StaleSection:
                session.rollback()
                outcomes.append("stale")

    threads = [
        threading.Thread(target=save, args=("A", "marketing")),
        threading.Thread(target=save, args=("B", "sales")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(o[:4] for o in outcomes) == ["stal", "won:"]
    winner = next(o for o in outcomes if o.startswith("won:"))[4:]
    with Session(engine) as session:
        stored = fresh(session, version_id)
        assert agreement.load_content(stored).workshop["company_goals"] == winner
        assert stored.revision == 2
        saves = session.exec(select(AuditEntry).where(AuditEntry.action == "save_draft")).all()
        assert len(saves) == 1


def test_comments_and_history(engine):
    with Session(engine) as session:
        people, version = cast(session), start(session)
        discussion.add_comment(
            session=session,
            version_id=version.id,
            section=GOALS,
            text=" Too vague? ",
            actor=people["sales"],
        )
        with pytest.raises(ValueError, match="needs some text"):
            discussion.add_comment(
                session=session,
                version_id=version.id,
                section=GOALS,
                text="  ",
                actor=people["sales"],
            )
        sections.save_section(
            session=session,
            version_id=version.id,
            revision=1,
            section=GOALS,
            base="",
            value="Grow",
            actor=people["marketing"],
        )
        session.commit()
        remarks = discussion.comments(session=session, version_id=version.id, section=GOALS)
        changes = discussion.history(session=session)
    assert [(r.author, r.text) for r in remarks] == [("Sam Sales", "Too vague?")]
    assert changes[0].who == "Mia Marketing" and changes[0].detail.startswith(GOALS)
    assert changes[0].version == 1


def test_diff_between_two_versions_is_readable():
    old = AgreementContent()
    new = AgreementContent(targets=Targets(mqls_per_marketer=300))
    text = diff(old, new, old_name="version 1", new_name="version 2")
    assert "-| MQLs per marketer per month | 250 |" in text
    assert "+| MQLs per marketer per month | 300 |" in text
    assert diff(old, old, old_name="a", new_name="b") == ""


def test_two_threads_saving_different_sections_both_win(engine):
    with Session(engine) as session:
        cast(session)
        version_id = start(session).id
        session.commit()
    barrier = threading.Barrier(2, timeout=60)
    errors: list[BaseException] = []

    def save(section: str, who: str) -> None:
        with Session(engine) as session:
            actor = cast(session)[who]
            session.commit()
            barrier.wait()
            try:
                sections.save_section(
                    session=session,
                    version_id=version_id,
                    revision=1,
                    section=section,
                    base="",
                    value=f"{who} wrote this",
                    actor=actor,
                )
                session.commit()
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

    threads = [
        threading.Thread(target=save, args=("marketing_commitments", "marketing")),
        threading.Thread(target=save, args=("sales_commitments", "sales")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Session(engine) as session:
        stored = fresh(session, version_id)
        content = agreement.load_content(stored)
    assert content.marketing_commitments == "marketing wrote this"
    assert content.sales_commitments == "sales wrote this"
    assert stored.revision == 3


def test_the_signer_roles_are_a_section_and_never_empty(engine):
    with Session(engine) as session:
        people, version = cast(session), start(session)
        with pytest.raises(ValueError, match="at least one role"):
            sections.save_section(
                session=session,
                version_id=version.id,
                revision=1,
                section="required_signers",
                base=["sales_manager", "marketing_manager"],
                value=[],
                actor=people["marketing"],
            )
        with pytest.raises(ValueError, match="unknown signer roles: boss"):
            sections.save_section(
                session=session,
                version_id=version.id,
                revision=1,
                section="required_signers",
                base=["sales_manager", "marketing_manager"],
                value=["boss"],
                actor=people["marketing"],
            )
        sections.save_section(
            session=session,
            version_id=version.id,
            revision=1,
            section="required_signers",
            base=["sales_manager", "marketing_manager"],
            value=["sales_manager", "marketing_manager", "admin"],
            actor=people["marketing"],
        )
        session.commit()
        content = agreement.load_content(fresh(session, version.id))
    assert content.required_signers == ("sales_manager", "marketing_manager", "admin")


def test_enforcement_and_point_rules_are_one_section_that_never_disagrees():
    from sla_core.terms import Enforcement

    content = AgreementContent()
    value = sections.section_value(content, "enforcement")
    assert value == {
        "enforcement": "both",
        "met": 10,
        "exceeded": 5,
        "exceeded_by_pct": "10.0",
        "missed_penalty": 0,
    }
    stick = sections.with_section(content, "enforcement", {**value, "missed_penalty": 3})
    assert (stick.points.stick, stick.points.missed_penalty) == (True, 3)
    carrot = sections.with_section(stick, "enforcement", {**value, "enforcement": "carrot"})
    assert (carrot.enforcement, carrot.points.stick) == (Enforcement.CARROT, False)
    for wrong, said in (
        ({**value, "enforcement": "carrot", "missed_penalty": 2}, "carrot alone costs no"),
        ({**value, "enforcement": "stick", "missed_penalty": 0}, "set a penalty above 0"),
        ({**value, "met": -1, "missed_penalty": 2}, "0 or more"),
    ):
        with pytest.raises(ValueError, match=said):
            sections.with_section(content, "enforcement", wrong)
    assert "points" not in sections.SECTIONS  # the numbers are never saved without the words


def test_parties_and_term_is_one_section():
    content = sections.with_section(
        AgreementContent(),
        "parties_and_term",
        {"company": " ", "parties": ["Inside sales", "Growth"], "effective_from": "2027-01-01",
         "term_months": 12},
    )  # fmt: skip
    assert (content.company, content.parties, content.effective_from, content.term_months) == (
        None,
        ("Inside sales", "Growth"),
        "2027-01-01",
        12,
    )
    with pytest.raises(ValueError, match="parties_and_term"):
        sections.with_section(content, "parties_and_term", {"effective_from": "2027-13-01"})


def test_the_readable_diff_is_by_section_and_word():
    from sla_core.agreement import changes
    from sla_core.agreement.wording import Wording

    old = AgreementContent(workshop={"company_goals": "We grow 10 % next year"})
    new = AgreementContent(
        workshop={"company_goals": "We grow 20 % next year"},
        targets=Targets(mqls_per_marketer=300),
    )
    found = changes.compare(old, new, Wording())
    assert [c.title for c in found] == ["2. Goals and stakeholders", "4. Targets and quotas"]
    changed = [(r.kind.value, r.text.strip()) for r in found[0].runs if r.kind != "same"]
    assert changed == [("removed", "10"), ("added", "20")]
    assert changes.compare(old, old, Wording()) == []


def test_revisions_are_kept_and_a_conflict_names_who_saved(engine):
    from sla_core.agreement import revisions

    with Session(engine) as session:
        people, version = cast(session), start(session)
        sections.save_section(
            session=session, version_id=version.id, revision=1, section=GOALS,
            base=COMPLETE["workshop"]["company_goals"], value="Theirs", actor=people["sales"],
        )  # fmt: skip
        session.commit()
        kept = revisions.of_version(session=session, version_id=version.id)
        assert [r.revision for r in kept] == [2, 1]
        assert agreement.load_content(fresh(session, version.id)).workshop["company_goals"] == (
            "Theirs"
        )
        with pytest.raises(sections.StaleSection) as conflict:
            sections.save_section(
                session=session, version_id=version.id, revision=1, section=GOALS,
                base=COMPLETE["workshop"]["company_goals"], value="Mine",
                actor=people["marketing"],
            )  # fmt: skip
    assert conflict.value.saved_by == "Sam Sales"
