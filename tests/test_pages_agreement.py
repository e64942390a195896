"""AppTest: the SLA workshop page (sections, conflicts, signing, export and verify)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import select

from sla_core import agreement
from sla_core.agreement import sections, signing
from sla_core.db import session_scope
from sla_core.models import AgreementVersion, Signature, User
from sla_core.terms import Enforcement
from tests import test_pages as frame
from tests.agreement_helpers import COMPLETE, complete_at, complete_content, sign_fully
from ui import workshop as ws
from ui.data import engine_for
from ui.widgets import plain

# the frame's fixtures: a database with one user per role, and signing in through app.py
template_db = frame.template_db
app_url = frame.app_url
sign_in = frame.sign_in
PAGE = "pages/workshop.py"
GOALS = "workshop.company_goals"


def _open(username: str):  # type: ignore[no-untyped-def]
    at = sign_in(username)
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def _version(url: str) -> AgreementVersion:
    with session_scope(engine_for(url)) as session:
        return agreement.working_version(session=session)


def _complete(url: str, **changes: Any) -> AgreementVersion:
    """The working draft made complete (test setup), so that it can be signed."""
    return complete_at(url, **changes)


def test_the_workshop_lists_every_section_with_last_quarters_figures(app_url: str) -> None:
    at = _open("marketingmanager")
    assert [t.value for t in at.title] == ["SLA workshop"]
    assert len(at.expander) == 19
    captions = " ".join(c.value for c in at.caption)
    assert "draft: 250 MQLs per marketer per month" in captions
    assert not at.error


def test_a_section_saves_on_its_own(app_url: str) -> None:
    at = _open("marketingmanager")
    version = _version(app_url)
    at.text_area(key=f"ws_{version.id}_{GOALS}_text").input("Grow 20 % in 2027")
    at.button(key=f"ws_{version.id}_{GOALS}_save").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Saved."]
    with session_scope(engine_for(app_url)) as session:
        content = agreement.load_content(agreement.working_version(session=session))
    assert content.workshop["company_goals"] == "Grow 20 % in 2027"


def test_a_conflict_shows_their_text_beside_mine_and_the_merge_saves(app_url: str) -> None:
    at = _open("marketingmanager")
    version = _version(app_url)
    with session_scope(engine_for(app_url)) as session:
        other = session.exec(select(User).where(User.username == "salesmanager")).one()
        sections.save_section(
            session=session,
            version_id=version.id or 0,
            revision=version.revision,
            section=GOALS,
            base="",
            value="Theirs: grow 10 %",
            actor=other,
        )
    box = f"ws_{version.id}_{GOALS}_text"
    at.text_area(key=box).input("Mine: grow 30 %")
    at.button(key=f"ws_{version.id}_{GOALS}_save").click().run()
    assert not at.exception
    assert at.text_area(key=f"ws_{version.id}_{GOALS}_theirs").value == "Theirs: grow 10 %"
    who = plain("Test sales_manager")  # the name is escaped where Markdown shows it
    assert any(w.value.startswith(f"{who} saved this section") for w in at.warning)
    assert at.text_area(key=box).value == "Mine: grow 30 %"
    at.text_area(key=box).input("Merged: grow 20 %")
    at.button(key=f"ws_{version.id}_{GOALS}_save_merged").click().run()
    assert not at.exception
    with session_scope(engine_for(app_url)) as session:
        content = agreement.load_content(agreement.working_version(session=session))
    assert content.workshop["company_goals"] == "Merged: grow 20 %"


def test_signing_what_changed_since_opening_is_refused_on_the_page(app_url: str) -> None:
    _complete(app_url)
    at = _open("salesmanager")
    at.radio(key="ws_view").set_value("sign").run()  # the page shows the hash it will sign
    version = _version(app_url)
    with session_scope(engine_for(app_url)) as session:
        editor = session.exec(select(User).where(User.username == "marketingmanager")).one()
        sections.save_section(
            session=session,
            version_id=version.id or 0,
            revision=version.revision,
            section=GOALS,
            base=COMPLETE["workshop"]["company_goals"],
            value="changed meanwhile",
            actor=editor,
        )
    at.button(key="ws_sign").click().run()
    assert any("changed since you opened it" in e.value for e in at.error)
    at.button(key="ws_sign").click().run()  # the page now shows the new text: signing works
    assert [s.value for s in at.success][:1] == ["Signed."]
    with session_scope(engine_for(app_url)) as session:
        sigs = session.exec(select(Signature)).all()
    assert [(s.role, s.content_hash) for s in sigs] == [
        ("sales_manager", _version(app_url).content_hash)
    ]


def test_export_and_verify_on_the_page(app_url: str) -> None:
    _complete(app_url)
    with session_scope(engine_for(app_url)) as session:
        version = agreement.working_version(session=session)
        for name in ("salesmanager", "marketingmanager"):
            signer = session.exec(select(User).where(User.username == name)).one()
            signing.sign(
                session=session,
                version_id=version.id or 0,
                seen_hash=version.content_hash,
                actor=signer,
            )
    at = _open("admin")
    at.radio(key="ws_view").set_value("export").run()
    at.button(key="ws_export").click().run()
    assert not at.exception
    assert any("signed and in force" in c.value for c in at.caption)
    assert len(at.get("download_button")) == 2


def test_an_incomplete_draft_lists_what_is_missing_and_cannot_be_signed(app_url: str) -> None:
    at = _open("salesmanager")
    at.radio(key="ws_view").set_value("sign").run()
    assert not at.exception
    assert any("not complete" in w.value for w in at.warning)
    listed = " ".join(m.value for m in at.markdown)
    assert "No answer yet to “What are the company's goals" in listed
    assert "The company's name is not written" in listed
    assert "The next review date is not set" in listed
    assert at.button(key="ws_sign").disabled
    assert at.button(key="ws_request_review").disabled


def test_after_signing_the_button_gives_way_to_signed_by_you(app_url: str) -> None:
    _complete(app_url)
    at = _open("salesmanager")
    at.radio(key="ws_view").set_value("sign").run()
    assert not at.warning
    at.button(key="ws_sign").click().run()
    assert not at.exception
    assert any(s.value.startswith("Signed by you on ") for s in at.success)
    assert not [b for b in at.button if b.key == "ws_sign"]


def test_the_parties_and_term_section_saves_company_date_and_term(app_url: str) -> None:
    at = _open("marketingmanager")
    version = _version(app_url)
    section = "parties_and_term"
    stored = sections.section_value(agreement.load_content(version), section)
    tag = ws._digest(stored)
    at.text_input(key=f"ws_{version.id}_{section}_company_{tag}").input("Acme Ltd")
    at.date_input(key=f"ws_{version.id}_{section}_effective_{tag}").set_value(date(2027, 1, 1))
    at.number_input(key=f"ws_{version.id}_{section}_term_{tag}").set_value(12)
    at.button(key=f"ws_{version.id}_{section}_save_{tag}").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Saved."]
    content = agreement.load_content(_version(app_url))
    assert (content.company, content.effective_from, content.term_months) == (
        "Acme Ltd",
        "2027-01-01",
        12,
    )


def test_the_enforcement_section_edits_the_point_rules_with_it(app_url: str) -> None:
    at = _open("marketingmanager")
    version = _version(app_url)
    stored = sections.section_value(agreement.load_content(version), "enforcement")
    tag = ws._digest(stored)
    prefix = f"ws_{version.id}_enforcement"
    at.number_input(key=f"{prefix}_met_{tag}").set_value(12)
    at.number_input(key=f"{prefix}_penalty_{tag}").set_value(4)
    at.button(key=f"{prefix}_save_{tag}").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Saved."]
    content = agreement.load_content(_version(app_url))
    assert (content.points.met, content.points.missed_penalty, content.points.stick) == (
        12,
        4,
        True,
    )
    # the stick without a penalty would say "missed ones cost points" and cost none: refused
    version = _version(app_url)
    stored = sections.section_value(agreement.load_content(version), "enforcement")
    tag = ws._digest(stored)
    at.number_input(key=f"{prefix}_penalty_{tag}").set_value(0)
    at.button(key=f"{prefix}_save_{tag}").click().run()
    assert any("set a penalty above 0" in e.value for e in at.error)
    # the carrot alone turns the stick off and the penalty to 0, together
    at.radio(key=f"{prefix}_mode_{tag}").set_value(Enforcement.CARROT)
    at.button(key=f"{prefix}_save_{tag}").click().run()
    content = agreement.load_content(_version(app_url))
    assert (content.enforcement, content.points.stick, content.points.missed_penalty) == (
        Enforcement.CARROT,
        False,
        0,
    )


def test_any_version_can_be_exported_and_a_draft_says_it_is_marked(app_url: str) -> None:
    from sla_core.agreement.export import EXPORT_ACTION
    from sla_core.models import AuditEntry

    _complete(app_url)
    with session_scope(engine_for(app_url)) as session:
        people = {
            name: session.exec(select(User).where(User.username == name)).one()
            for name in ("salesmanager", "marketingmanager")
        }
        sign_fully(session, _version(app_url).id or 0, {
            "sales": people["salesmanager"], "marketing": people["marketingmanager"]
        })  # fmt: skip
        draft = agreement.save_draft(
            session=session,
            version_id=_version(app_url).id or 0,
            revision=_version(app_url).revision,
            content=complete_content(title="Version two"),
            actor=people["marketingmanager"],
        )
        draft_id = draft.id
    at = _open("admin")
    at.radio(key="ws_view").set_value("export").run()
    assert at.selectbox(key="ws_export_version").value == 1  # the version in force
    at.selectbox(key="ws_export_version").set_value(2).run()
    at.button(key="ws_export").click().run()
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "Version 2, draft." in captions and "marked DRAFT" in captions
    with session_scope(engine_for(app_url)) as session:
        exported = session.exec(
            select(AuditEntry.entity_id).where(AuditEntry.action == EXPORT_ACTION)
        ).all()
    assert exported == [str(draft_id)]


def test_the_diff_between_versions_and_revisions_is_word_by_word(app_url: str) -> None:
    at = _open("marketingmanager")
    version = _version(app_url)
    with session_scope(engine_for(app_url)) as session:
        editor = session.exec(select(User).where(User.username == "marketingmanager")).one()
        for value in (
            "We grow 10 % [click](http://x.example)",
            "We grow 20 % [click](http://x.example)",
        ):
            current = agreement.load_content(_version(app_url))
            sections.save_section(
                session=session, version_id=version.id or 0,
                revision=_version(app_url).revision, section=GOALS,
                base=sections.section_value(current, GOALS), value=value, actor=editor,
            )  # fmt: skip
            session.commit()
    at.radio(key="ws_view").set_value("history").run()
    at.radio(key="ws_diff_between").set_value("revisions").run()
    assert not at.exception
    assert len(at.selectbox(key="ws_rev_old").options) == 3  # revision 1 and two saves
    text = " ".join(m.value for m in at.markdown)
    assert "**2\\. Goals and stakeholders**" in text
    assert ":green-background[We grow 20 % \\[click\\]\\(http\\://x\\.example\\)]" in text
    assert "](http" not in text  # the link people wrote stays text
    at.selectbox(key="ws_rev_old").set_value(1).run()  # revision 2 → the newest
    text = " ".join(m.value for m in at.markdown)
    assert ":red-background[~~10~~]:green-background[20]" in text.replace(" ", "")
    assert "Targets" not in text  # a section that says the same is left out


def test_an_edit_that_voids_signatures_warns_and_the_signer_sees_what_changed(
    app_url: str,
) -> None:
    _complete(app_url)
    with session_scope(engine_for(app_url)) as session:
        signer = session.exec(select(User).where(User.username == "salesmanager")).one()
        version = agreement.working_version(session=session)
        signing.sign(
            session=session, version_id=version.id or 0, seen_hash=version.content_hash,
            actor=signer,
        )  # fmt: skip
    at = _open("marketingmanager")
    version = _version(app_url)
    box, save = f"ws_{version.id}_{GOALS}_text", f"ws_{version.id}_{GOALS}_save"
    at.text_area(key=box).input("We grow 20 % in 2027.")
    at.button(key=save).click().run()
    assert not at.exception
    who = plain("Test sales_manager")
    assert any(f"{who} will have to sign again" in w.value for w in at.warning)
    with session_scope(engine_for(app_url)) as session:  # nothing saved yet
        assert agreement.valid_signatures(
            _version(app_url), agreement.signatures(session=session, version_id=version.id or 0)
        )
    at.button(key=f"ws_{version.id}_{GOALS}_confirm").click().run()
    assert [s.value for s in at.success] == ["Saved."]
    with session_scope(engine_for(app_url)) as session:
        sigs = agreement.signatures(session=session, version_id=version.id or 0)
    assert [s.voided_at is not None for s in sigs] == [True]

    signer_view = _open("salesmanager")
    assert any("after you signed it" in w.value for w in signer_view.warning)
    shown = " ".join(m.value for m in signer_view.markdown)
    assert ":green-background[grow 20 % in 2027\\.]" in shown
    notice = next(b for b in signer_view.button if b.key.startswith("ws_notice_"))
    notice.click().run()
    assert not any("after you signed it" in w.value for w in signer_view.warning)
