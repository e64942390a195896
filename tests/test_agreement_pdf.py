"""The agreement PDF: its extracted text, the watermark, and verification against tampering."""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import replace
from datetime import UTC, date, datetime

import pandas as pd
import pypdf
import pytest
from fpdf import FPDF
from sqlmodel import Session

from sla_core import agreement, cli
from sla_core.access import system_actor
from sla_core.agreement import export, pdf, reviews, verify
from sla_core.terms import AgreementContent, Review, Targets
from tests.agreement_helpers import COMPLETE, cast, complete_content, fresh, sign_fully, start
from tests.slaframes import sla_frame

REF = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
PERSIAN = "هدف ما رشد ۲۰٪ فروش در سال ۲۰۲۷ است"
CONTENT = complete_content(
    targets=Targets(mqls_per_marketer=212, opportunities_per_rep=17),
    workshop={
        **COMPLETE["workshop"],
        "company_goals": PERSIAN + " with Acme GmbH",
        "stakeholders": "Sam and Mia",
    },
    marketing_commitments="Deliver 212 MQLs per marketer per month.",
)


def _leads() -> pd.DataFrame:
    return sla_frame(
        [
            {"stage": "won", "mql_at": "2026-10-03", "assigned_at": "2026-10-03",
             "dispositioned_at": "2026-10-04", "sql_at": "2026-10-04",
             "opportunity_at": "2026-10-10", "closed_at": "2026-10-20"},
            {"stage": "mql", "mql_at": "2026-10-04", "assigned_at": "2026-10-04"},
        ]
    )  # fmt: skip


def _setup(session: Session, *, signed: bool) -> int:
    people, version = cast(session), start(session)
    agreement.save_draft(
        session=session,
        version_id=version.id,
        revision=1,
        content=CONTENT,
        actor=people["marketing"],
    )
    session.commit()
    if signed:
        sign_fully(session, version.id, people)
    return version.id


def _export(session: Session, number: int | None = None) -> bytes:
    data, _ = export.export_pdf(
        session=session, number=number, leads=_leads(), ref=REF, actor=system_actor()
    )
    return data


def _pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def test_extracted_text_has_the_numbers_names_and_hash_on_every_page(engine):
    with Session(engine) as session:
        version_id = _setup(session, signed=True)
        data = _export(session)
        digest = fresh(session, version_id).content_hash
    pages = _pages(data)
    text = "\n".join(pages)
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert digest in page.replace("\n", "")
        assert f"page {number} of {len(pages)}" in page
        assert "DRAFT" not in page
    for expected in (
        "Sales & Marketing Service Level Agreement",
        "MQLs per marketer per month 212",
        "Opportunities per rep per month 17",
        "Disposition of an assigned MQL within 48 working hours",
        "reaches 60 of 100 points",
        "Sam Sales",
        "Mia Marketing",
        "sales manager",
        "Appendix: compliance, 2026-10",
        "Deliver 212 MQLs per marketer per month.",
        "Company\nAcme Ltd",
        "Parties\nSales team and Marketing team",
        "Effective from\n2026-01-01",
        "Term\n12 months",
        "Name: Sam Sales",
        "Name: Mia Marketing",
    ):
        assert expected in text, expected
    assert text.count("Signature: ____") == 2  # a line per signer


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_persian_is_extracted_in_logical_order(engine, tmp_path):
    with Session(engine) as session:
        _setup(session, signed=False)
        path = tmp_path / "a.pdf"
        path.write_bytes(_export(session))
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = [w.strip("\u202b\u202c") for w in text.split()]
    assert all(word in words for word in ("هدف", "رشد", "فروش", "Acme", "GmbH"))


def test_a_draft_is_watermarked_on_every_page(engine):
    with Session(engine) as session:
        _setup(session, signed=False)
        pages = _pages(_export(session))
    assert all("DRAFT" in page for page in pages)


def _verdict(session: Session, data: bytes) -> verify.Verdict:
    return verify.verify_pdf(session=session, data=data)


def test_a_signed_export_verifies_and_names_its_version(engine):
    with Session(engine) as session:
        _setup(session, signed=True)
        verdict = _verdict(session, _export(session))
    assert verdict.valid and verdict.version == 1 and verdict.status == "signed"
    assert verdict.signed_by == ["Sam Sales (sales manager)", "Mia Marketing (marketing manager)"]


def _edit_page_text(data: bytes, old: bytes, new: bytes) -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    contents = writer.pages[0].get_contents()
    raw = contents.get_data()
    assert old in raw
    contents.set_data(raw.replace(old, new, 1))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_tampered_foreign_and_non_pdfs_are_never_valid(engine):
    with Session(engine) as session:
        _setup(session, signed=True)
        genuine = _export(session)
        manifest = export.manifest_for(
            session=session,
            version=export.pick_version(session=session, number=None),
            leads=_leads(),
            ref=REF,
        )
        edited = _edit_page_text(genuine, b"(\x00\x01) Tj", b"(\x00\x02) Tj")
        other = AgreementContent(targets=Targets(mqls_per_marketer=1))
        forged_content = pdf.Manifest(
            agreement.canonical_json(other),
            replace(manifest.cover, content_hash=agreement.content_hash(other)),
            manifest.generated_at,
        )
        forged_hash = pdf.Manifest(
            agreement.canonical_json(other), manifest.cover, manifest.generated_at
        )
        foreign = FPDF()
        foreign.add_page()
        foreign.set_font("helvetica", size=12)
        foreign.cell(text="Sales & Marketing Service Level Agreement, signed")
        cases = {
            "edited page": edited,
            "other content, own hash": pdf.render(forged_content),
            "content not matching its hash": pdf.render(forged_hash),
            "foreign pdf": bytes(foreign.output()),
            "not a pdf": b"hello, I am a text file",
            "truncated": genuine[: len(genuine) // 2],
            "empty": b"",
            "re-rendered with other figures": pdf.render(
                replace(manifest, cover=replace(manifest.cover, appendix=(("MQLs", "9,999"),)))
            ),
        }
        verdicts = {name: _verdict(session, data) for name, data in cases.items()}
    assert {name: v.valid for name, v in verdicts.items()} == dict.fromkeys(cases, False)
    assert "edited" in verdicts["edited page"].reason
    assert "matches no version" in verdicts["other content, own hash"].reason
    assert "does not match its own hash" in verdicts["content not matching its hash"].reason
    assert "not an agreement PDF" in verdicts["foreign pdf"].reason
    assert verdicts["not a pdf"].reason == "not a PDF file"
    assert "never exported here" in verdicts["re-rendered with other figures"].reason


def test_a_draft_export_is_not_valid_even_after_signing(engine):
    with Session(engine) as session:
        version_id = _setup(session, signed=False)
        draft_pdf = _export(session)
        assert "not signed" in _verdict(session, draft_pdf).reason
        sign_fully(session, version_id, cast(session))
        later = _verdict(session, draft_pdf)
    assert not later.valid and "draft export" in later.reason


def test_a_superseded_version_still_verifies_as_superseded(engine):
    with Session(engine) as session:
        version_id = _setup(session, signed=True)
        first = _export(session, 1)
        people = cast(session)
        draft = agreement.save_draft(
            session=session,
            version_id=version_id,
            revision=fresh(session, version_id).revision,
            content=complete_content(),
            actor=people["marketing"],
        )
        session.commit()
        sign_fully(session, draft.id, people)
        verdict = _verdict(session, first)
    assert verdict.valid and "superseded" in verdict.reason and verdict.version == 1


def test_cli_export_then_verify_exit_codes(engine, tmp_path, monkeypatch, capsys):
    url = engine.url.render_as_string(hide_password=False)
    if engine.url.get_backend_name() != "sqlite":
        pytest.skip("the CLI test runs on the SQLite file (PostgreSQL schemas are per engine)")
    monkeypatch.setenv("DATABASE_URL", url)
    with Session(engine) as session:
        _setup(session, signed=True)
    out, md = tmp_path / "sla.pdf", tmp_path / "sla.md"
    assert cli.main(["export-pdf", "--out", str(out), "--markdown", str(md)]) == 0
    assert "| MQLs per marketer per month | 212 |" in md.read_text(encoding="utf-8")
    assert cli.main(["verify", str(out)]) == 0
    assert "VALID" in capsys.readouterr().out
    (tmp_path / "x.pdf").write_bytes(out.read_bytes().replace(b"/Title", b"/Titel"))
    assert cli.main(["verify", str(tmp_path / "x.pdf"), "--json"]) == 1
    assert '"valid": false' in capsys.readouterr().out
    assert cli.main(["verify", str(tmp_path / "missing.pdf")]) == 1
    assert "cannot read" in capsys.readouterr().err
    assert cli.main(["export-pdf", "--version", "7", "--out", str(out)]) == 1
    fa_pdf, fa_md = tmp_path / "sla-fa.pdf", tmp_path / "sla-fa.md"
    argv = ["export-pdf", "--out", str(fa_pdf), "--markdown", str(fa_md), "--language", "fa"]
    assert cli.main(argv) == 0
    persian = fa_md.read_text(encoding="utf-8")
    assert "## ۱. تعاریف" in persian and "| ۲۱۲ |" in persian
    assert "Definitions" not in persian and "| MQLs per marketer" not in persian
    capsys.readouterr()
    assert cli.main(["verify", str(fa_pdf)]) == 0


@pytest.mark.parametrize(
    ("next_review", "today", "days"),
    [
        (None, date(2026, 6, 1), None),
        ("2026-06-30", date(2026, 6, 1), None),  # 29 days away: too early
        ("2026-06-30", date(2026, 6, 16), 14),
        ("2026-06-30", date(2026, 6, 30), 0),
        ("2026-06-30", date(2026, 7, 3), -3),
    ],
)
def test_reviews_due(next_review, today, days):
    content = AgreementContent(review=Review(next_review=next_review))
    due = reviews.reviews_due(content, today)
    if days is None:
        assert due == []
    else:
        assert [(r.role, r.days_left) for r in due] == [
            ("sales_manager", days),
            ("marketing_manager", days),
        ]


def test_next_review_after_clamps_month_ends():
    assert reviews.next_review_after(date(2026, 11, 30), "quarterly") == date(2027, 2, 28)
    assert reviews.next_review_after(date(2026, 1, 15), "yearly") == date(2027, 1, 15)


def test_the_reminder_concerns_only_the_owners():
    content = AgreementContent(review=Review(next_review="2026-06-30"))
    today = date(2026, 6, 20)
    assert reviews.reminder_for(content, today, "sales_manager").days_left == 10
    assert reviews.reminder_for(content, today, "sales_rep") is None


def test_a_layout_change_does_not_invalidate_pdfs_exported_before(engine, monkeypatch):
    with Session(engine) as session:
        _setup(session, signed=True)
        exported = _export(session)
        monkeypatch.setattr(verify, "render", lambda manifest: b"%PDF-new layout")
        assert _verdict(session, exported).valid
        assert not _verdict(session, exported + b"\n").valid


def _document_text(content: AgreementContent) -> str:
    from sla_core.agreement.blocks import Heading, Para, Table
    from sla_core.agreement.document import content_blocks

    lines = []
    for block in content_blocks(content):
        if isinstance(block, Table):
            lines += [" | ".join(row) for row in block.rows]
        elif isinstance(block, (Para, Heading)):
            lines.append(block.text)
    return "\n".join(lines)


def test_the_pdf_states_the_rules_as_the_engine_applies_them() -> None:
    """Issue 17: working hours, colour bands, the minimum load and penalties with their
    minus sign; no "missed ones cost points" beside "missed: 0 points"."""
    from sla_core.terms import Enforcement, PointRules

    carrot_and_stick = AgreementContent(enforcement=Enforcement.BOTH)  # stick off: no penalty
    text = _document_text(carrot_and_stick)
    assert "cost points" not in text and "a miss costs no points" in text
    assert "Dispositioned within the window | met +10; +5 from 110.0 %; missed 0" in text
    assert "Disposition of an assigned MQL within | 48 working hours" in text
    assert "Work every MQL within | 7 business days" in text
    assert (
        "Colours: Dispositioned within the window | green from 100 % of the target, "
        "amber from 90 %, red below"
    ) in text
    assert "Colours: MQLs left unworked | green up to 0, amber up to 2, red above" in text
    assert "A level is scored once this many leads were due on it | 1" in text
    stick = AgreementContent(
        enforcement=Enforcement.BOTH, points=PointRules(missed_penalty=5, stick=True, min_load=3)
    )
    text = _document_text(stick)
    assert "missed ones cost points" in text
    assert "met +10; +5 from 110.0 %; missed -5" in text
    assert "A level is scored once this many leads were due on it | 3" in text


def test_the_appendix_is_cut_in_the_organisations_zone_and_states_its_hours() -> None:
    """A lead assigned on 31 October at 22:00 UTC is 1 November in Tehran: the Jalali
    appendix month of Aban (1405-08) counts it; the hours row says what the clocks count."""
    from sla_core.agreement import board
    from sla_core.models import AgreementVersion
    from sla_core.periods import Calendar
    from sla_core.sla.worktime import BusinessHours, WorkSetup, WorkTime

    version = AgreementVersion(
        agreement_id=1, number=1, content=AgreementContent().model_dump_json(), content_hash=""
    )
    leads = sla_frame([{"mql_at": "2026-10-31 22:00", "assigned_at": "2026-10-31 22:00"}])
    tehran = WorkSetup(work_time=WorkTime(hours=BusinessHours()), zone="Asia/Tehran")
    label, rows = board.appendix(
        leads, version, datetime(2026, 12, 1, tzinfo=UTC), setup=tehran, calendar=Calendar.JALALI
    )
    shown = dict(rows)
    assert label == "1405-08"
    assert shown["MQLs"] == "1" and shown["Dispositioned within the window"] == "0 of 1"
    assert shown["Hours are counted in"] == (
        "Mon, Tue, Wed, Thu, Fri 09:00-17:00, Asia/Tehran; holidays and time away do not count"
    )
