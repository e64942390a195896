"""AppTest: the SLA workshop page (sections, conflicts, signing, export and verify)."""

from __future__ import annotations

from sqlmodel import select

from sla_core import agreement
from sla_core.agreement import sections, signing
from sla_core.db import session_scope
from sla_core.models import AgreementVersion, Signature, User
from tests import test_pages as frame
from ui.data import engine_for

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


def test_the_workshop_lists_every_section_with_last_quarters_figures(app_url: str) -> None:
    at = _open("marketingmanager")
    assert [t.value for t in at.title] == ["SLA workshop"]
    assert len(at.expander) == 18
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
    assert at.text_area(key=box).value == "Mine: grow 30 %"
    at.text_area(key=box).input("Merged: grow 20 %")
    at.button(key=f"ws_{version.id}_{GOALS}_save_merged").click().run()
    assert not at.exception
    with session_scope(engine_for(app_url)) as session:
        content = agreement.load_content(agreement.working_version(session=session))
    assert content.workshop["company_goals"] == "Merged: grow 20 %"


def test_signing_what_changed_since_opening_is_refused_on_the_page(app_url: str) -> None:
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
            base="",
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
