"""Issue 18.16: the agreement's Markdown export loads nothing remote and runs no HTML; bidi
overrides, NUL and control characters never reorder or break the signed PDF; workshop text
is saved without them."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pandas as pd
import pypdf
from sqlmodel import Session

from sla_core import agreement
from sla_core.access import system_actor
from sla_core.agreement import export, sections
from sla_core.agreement.blocks import visible
from sla_core.terms import AgreementContent
from tests.agreement_helpers import cast, fresh, start
from tests.slaframes import sla_frame
from tests.support.apptest import app_url, template_db  # noqa: F401 (fixtures)

REF = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
IMAGE = "![x](http://127.0.0.1:9/x.png)"
LINK = "[l](javascript:alert(1))"
HTML = "<img src=x onerror=alert(1)>"
RLO = "\u202e"
# "Pay 100 within 5 days", written with a right-to-left override: read as typed, the PDF
# showed "syad 5 nihtiw 001 yaP".
REVERSED = f"Sales pay {RLO}within 5 days\u202c on time"
HIDDEN_ALL = "".join(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))


def _leads() -> pd.DataFrame:
    """Two leads with every column the service-level computation reads (the appendix)."""
    return sla_frame(
        [
            {"stage": "won", "mql_at": "2026-10-03", "assigned_at": "2026-10-03",
             "dispositioned_at": "2026-10-04", "sql_at": "2026-10-04",
             "opportunity_at": "2026-10-10", "closed_at": "2026-10-20"},
            {"stage": "mql", "mql_at": "2026-10-04", "assigned_at": "2026-10-04"},
        ]
    )  # fmt: skip


def _store(session: Session, content: AgreementContent) -> None:
    """Saved through the whole-content path, as text stored before the workshop stripped it."""
    people, version = cast(session), start(session)
    agreement.save_draft(
        session=session, version_id=version.id, revision=1, content=content,
        actor=people["marketing"],
    )  # fmt: skip
    session.commit()


EVIL = AgreementContent(
    title=f"SLA {HTML}",
    workshop={
        "company_goals": f"Grow. {IMAGE} and {LINK}\n{HTML}",
        "stakeholders": REVERSED,
        "sales_workflow": "Call\x00 first\x07, then e-mail" + HIDDEN_ALL,
    },
    marketing_commitments=f"Deliver {IMAGE}",
    stage_definitions={"mql": f"Scored {HTML} | {IMAGE}"},
)


def test_the_markdown_export_keeps_no_html_image_or_link(engine) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        _store(session, EVIL)
        text = export.export_markdown(
            session=session, number=None, leads=_leads(), ref=REF, actor=system_actor()
        )
    for raw in ("<", "[", "]"):  # every one escaped: no tag, image, link or reference
        assert re.search(rf"(?<!\\){re.escape(raw)}", text) is None, raw
    assert "\\<img src=x onerror=alert(1)>" in text
    assert "!\\[x\\](http://127.0.0.1:9/x.png)" in text
    assert "\\[l\\](javascript:alert(1))" in text
    assert "# SLA \\<img" in text  # the title too
    assert RLO not in text and "\x00" not in text and "\x07" not in text
    assert "Sales pay within 5 days on time" in text
    assert "Call first, then e-mail\n" in text


def test_the_pdf_reads_in_the_order_typed_despite_a_right_to_left_override(engine) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        _store(session, EVIL)
        data, _manifest = export.export_pdf(
            session=session, number=None, leads=_leads(), ref=REF, actor=system_actor()
        )
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    flat = " ".join(text.split())
    assert "Sales pay within 5 days on time" in flat
    assert "syad" not in flat and "nihtiw" not in flat
    assert "Call first, then e-mail" in flat
    assert not any(ch in text for ch in HIDDEN_ALL + "\x00\x07")


def test_workshop_text_is_saved_without_bidi_controls_or_nul(engine) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        people, version = cast(session), start(session)
        sections.save_section(
            session=session, version_id=version.id, revision=1,
            section="workshop.stakeholders", base="", value=REVERSED + "\x00!",
            actor=people["sales"],
        )  # fmt: skip
        sections.save_section(
            session=session, version_id=version.id, revision=2,
            section="stage_definitions", base={}, value={"mql": f"Scored{RLO} \x00ok"},
            actor=people["sales"],
        )  # fmt: skip
        session.commit()
        content = agreement.load_content(fresh(session, version.id))
    assert content.workshop["stakeholders"] == "Sales pay within 5 days on time!"
    assert content.stage_definitions["mql"] == "Scored ok"


def test_visible_keeps_persian_tabs_and_line_breaks() -> None:
    text = "هدف ما رشد ۲۰٪ فروش\tline\nnext\r\n"
    assert visible(text) == text
    assert visible(f"a{HIDDEN_ALL}\x00\x1bb") == "ab"


def test_the_workshop_page_saves_text_without_an_override_and_saves_it_again(
    app_url: str,  # noqa: F811
) -> None:
    """Typed with a U+202E: stored without it, and the section saves again after someone
    saved another one."""
    from sqlmodel import select

    from sla_core.db import session_scope
    from sla_core.models import User
    from tests.support.apptest import sign_in
    from ui.data import engine_for

    at = sign_in("marketingmanager")
    at.switch_page("pages/workshop.py").run()
    engine = engine_for(app_url)
    with session_scope(engine) as session:
        version = agreement.working_version(session=session)
    box, save = (f"ws_{version.id}_workshop.company_goals_{part}" for part in ("text", "save"))
    at.text_area(key=box).input(REVERSED).run()
    at.button(key=save).click().run()
    assert not at.exception and [s.value for s in at.success] == ["Saved."]
    with session_scope(engine) as session:
        other = session.exec(select(User).where(User.username == "salesmanager")).one()
        saved = agreement.working_version(session=session)
        assert agreement.load_content(saved).workshop["company_goals"] == visible(REVERSED)
        sections.save_section(
            session=session, version_id=saved.id or 0, revision=saved.revision,
            section="workshop.stakeholders", base="", value="Sam and Mia", actor=other,
        )  # fmt: skip
    at.text_area(key=box).input(REVERSED + " Again.").run()
    at.button(key=save).click().run()
    assert not at.exception and not at.error
    with session_scope(engine) as session:
        content = agreement.load_content(agreement.working_version(session=session))
    assert content.workshop == {
        "company_goals": "Sales pay within 5 days on time Again.",
        "stakeholders": "Sam and Mia",
    }
