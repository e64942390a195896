"""The Persian and Arabic agreement PDFs are written in the reader's words and digits.

An agreement whose team wrote everything in Persian (or Arabic) but kept the default title,
parties and stage definitions exports as a PDF in which no Latin word (outside product names
and acronyms, `tests.i18n_audit.LATIN_OK`) and no Latin digit is left, but the content hash:
the defaults come out in the reader's language, lists take the language's comma "،", dates
the reader's calendar (the appendix's month title too), figures the reader's digits.

The text is read with poppler's pdftotext: pypdf misreads the glyph of a ligature that
stands for three characters (lam, fathatan, alef: "لًا") as a Latin "H", although the
PDF maps it right.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, time
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import Session

from sla_core import agreement, cli
from sla_core.access import system_actor
from sla_core.agreement import export
from sla_core.agreement.blocks import Block, Heading, Para
from sla_core.agreement.board import working_hours
from sla_core.agreement.document import content_blocks, document
from sla_core.agreement.wording import Wording, default_text, shown_party, shown_text
from sla_core.i18n import glossary
from sla_core.i18n.languages import Language
from sla_core.models import Role
from sla_core.sla.worktime import BusinessHours, WorkSetup, WorkTime
from sla_core.stages import Stage
from sla_core.terms import (
    WORKSHOP_QUESTIONS,
    AgreementContent,
    Criterion,
    CriterionField,
    Enforcement,
    MQLDefinition,
    PointRules,
    Review,
    default_stage_definitions,
)
from tests.agreement_helpers import cast, person, sign_fully, start
from tests.i18n_audit import Shown, offences
from tests.slaframes import sla_frame

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")

REF = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)  # 1 Azar 1405: the last full month is Aban
MARKS = str.maketrans("", "", "\u202a\u202b\u202c\u202d\u202e\u200e\u200f")

# What the team wrote, in the team's language (data: it stays as written).
WRITTEN = {
    Language.PERSIAN: {
        "names": ("سارا سپهری", "مینا مرادی"),
        "company": "شرکت نرم‌افزاری پارسه",
        "answer": "پاسخ تیم به این پرسش روشن است",
        "commitment": "هر ماه سرنخ‌های توافق‌شده را تحویل می‌دهیم",
        "accepted": ("نرم‌افزار", "خدمات مالی"),
    },
    Language.ARABIC: {
        "names": ("سارة الصالح", "منى المراد"),
        "company": "شركة البرمجيات الحديثة",
        "answer": "إجابة الفريق عن هذا السؤال واضحة",
        "commitment": "نسلّم كل شهر العملاء المتفق عليهم",
        "accepted": ("البرمجيات", "الخدمات المالية"),
    },
}


def _content(language: Language) -> AgreementContent:
    """Everything a team writes in `language`; the title, parties and stage definitions
    left at their (English) defaults; the stick on, so a miss shows its minus sign."""
    said = WRITTEN[language]
    criteria = (
        Criterion(field=CriterionField.INDUSTRY, weight=40, accepted=said["accepted"]),
        Criterion(field=CriterionField.COMPANY_SIZE, weight=30, minimum=50, maximum=5000),
        Criterion(field=CriterionField.ENGAGEMENT, weight=30, minimum=40),
    )
    return AgreementContent(
        mql=MQLDefinition(criteria=criteria, threshold=60),
        workshop={key: said["answer"] for key, _ in WORKSHOP_QUESTIONS},
        company=said["company"],
        effective_from="2026-01-01",
        term_months=12,
        review=Review(next_review="2027-06-30"),
        marketing_commitments=said["commitment"],
        sales_commitments=said["commitment"],
        enforcement=Enforcement.BOTH,
        points=PointRules(stick=True, missed_penalty=5, exceeded_by_pct=Decimal("12.5")),
    )


# Leads of the appendix's month in both calendars (late October 2026 is in Aban 1405):
# two of three dispositioned in time, so the appendix shows a share with a decimal.
LEADS = sla_frame(
    [
        {"created_at": f"2026-10-{d}T09:00:00Z", "mql_at": f"2026-10-{d}T09:00:00Z",
         "assigned_at": f"2026-10-{d}T09:00:00Z", "dispositioned_at": done}
        for d, done in (("26", "2026-10-26T10:00:00Z"), ("27", "2026-10-27T10:00:00Z"),
                        ("28", None))
    ]
)  # fmt: skip


@dataclass(frozen=True)
class Export:
    text: str  # the PDF's text as pdftotext reads it
    drawn: list[str]  # every text the PDF draws, in logical order (the document's blocks)
    content_hash: str

    def shows(self, text: str) -> bool:
        return text in self.drawn

    def has(self, part: str) -> bool:
        return any(part in drawn for drawn in self.drawn)


def _texts(blocks: list[Block]) -> list[str]:
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            out.append(block.text)
        elif isinstance(block, Para):
            out += [block.label, block.text]
        else:
            out += [*block.headers, *(cell for row in block.rows for cell in row)]
    return out


def _export(engine, tmp_path: Path, language: Language) -> Export:  # type: ignore[no-untyped-def]
    """The fully signed PDF of `_content(language)` in `language`."""
    with Session(engine) as session:
        first, second = WRITTEN[language]["names"]
        person(session, "sam", Role.SALES_MANAGER, first)
        person(session, "mia", Role.MARKETING_MANAGER, second)
        people, version = cast(session), start(session)
        agreement.save_draft(session=session, version_id=version.id, revision=1,
                             content=_content(language), actor=people["marketing"])  # fmt: skip
        session.commit()
        sign_fully(session, version.id, people)
        data, manifest = export.export_pdf(session=session, number=None, leads=LEADS, ref=REF,
                                           actor=system_actor(), language=language)  # fmt: skip
    path = tmp_path / f"{language.value}.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    content = AgreementContent.model_validate_json(manifest.content)
    drawn = _texts(document(content, manifest.cover, Wording(language)))
    return Export(out.stdout.translate(MARKS), drawn, manifest.cover.content_hash)


def _without(line: str, allowed: tuple[str, ...]) -> str:
    for kept in allowed:
        line = line.replace(kept, " ")
    return line


@pytest.mark.parametrize("language", [Language.PERSIAN, Language.ARABIC])
def test_no_latin_word_or_digit_is_left_but_the_hash(
    engine, tmp_path: Path, language: Language
) -> None:  # type: ignore[no-untyped-def]
    pdf = _export(engine, tmp_path, language)
    assert pdf.content_hash in pdf.text  # the fingerprint keeps its Latin letters and digits
    allowed = (pdf.content_hash, "SHA-256")
    lines = [Shown("pdf", _without(line, allowed)) for line in pdf.text.splitlines()]
    assert [(o.what, o.found, o.text) for o in offences(lines)] == []
    assert "," not in pdf.text  # lists (roles, values, tiers, reminder steps) take "،"
    drawn = [Shown("drawn", _without(text, allowed)) for text in pdf.drawn]
    assert offences(drawn) == []  # the same, read from what the PDF draws


@pytest.mark.parametrize("language", [Language.PERSIAN, Language.ARABIC])
def test_the_defaults_the_team_kept_come_out_in_the_reader_s_language(
    engine, tmp_path: Path, language: Language
) -> None:  # type: ignore[no-untyped-def]
    pdf = _export(engine, tmp_path, language)
    assert pdf.drawn[0] == default_text("title", language) != AgreementContent().title
    parties = " ".join(default_text(p, language) for p in ("party.sales", "party.marketing"))
    assert pdf.has(default_text("party.sales", language)) and pdf.has(
        default_text("party.marketing", language)
    ), parties
    for definition in glossary.stage_definitions(language).values():
        assert pdf.shows(definition)
    roles = {Language.PERSIAN: "مدیر فروش، مدیر بازاریابی",
             Language.ARABIC: "مدير المبيعات، مدير التسويق"}  # fmt: skip
    assert pdf.shows(roles[language])  # the signers, joined with the language's comma
    values = {
        Language.PERSIAN: "نرم‌افزار، خدمات مالی",
        Language.ARABIC: "البرمجيات، الخدمات المالية",
    }
    assert pdf.shows(values[language])  # what the team wrote, as written, the comma local


def test_the_persian_appendix_is_titled_with_the_jalali_month_and_local_figures(
    engine, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    pdf = _export(engine, tmp_path, Language.PERSIAN)
    assert pdf.shows("پیوست: میزان پایبندی، آبان ۱۴۰۵")  # Aban, not a Gregorian month
    assert pdf.shows("۶۶٫۷٪")  # two of three dispositioned in time
    assert pdf.has("-۵") and pdf.has("+۵") and pdf.has("۱۱۲٫۵٪")  # penalty, bonus, its mark
    assert pdf.shows("۹ تیر ۱۴۰۶")  # the next review (2027-06-30), Jalali
    assert pdf.shows("۱. تعاریف") and pdf.shows("۱۰. امضاها")  # section numbers
    # a Persian line that starts with a Latin acronym still reads right to left as a whole
    assert "MQLهای پذیرفته‌شده توسط فروش" in pdf.text.splitlines()


def test_the_arabic_appendix_is_titled_with_the_gregorian_month(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pdf = _export(engine, tmp_path, Language.ARABIC)
    assert pdf.has("أكتوبر ٢٠٢٦") and pdf.shows("٦٦٫٧٪") and pdf.has("-٥")


def test_the_english_defaults_are_the_stored_defaults() -> None:
    stored = AgreementContent()
    assert default_text("title", Language.ENGLISH) == stored.title
    assert tuple(shown_party(p, Language.ENGLISH) for p in stored.parties) == stored.parties
    english = {s: default_text(f"stage.{s}", Language.ENGLISH) for s in stored.stage_definitions}
    assert english == default_stage_definitions()


@pytest.mark.parametrize("language", [Language.PERSIAN, Language.ARABIC])
def test_a_team_s_own_text_stays_as_written_and_any_default_reads_in_the_reader_s(
    language: Language,
) -> None:
    own = "Our own pact"
    assert shown_text(own, "title", language) == own
    assert shown_party("Growth Marketing", language) == "Growth Marketing"
    persian_title = default_text("title", Language.PERSIAN)
    # a default stored in another language is a default too (a Persian draft read in English)
    assert shown_text(persian_title, "title", Language.ENGLISH) == AgreementContent().title
    assert shown_text(persian_title, "title", language) == default_text("title", language)
    content = AgreementContent(
        title=own,
        parties=("Sales team", "Growth Marketing"),
        stage_definitions={**default_stage_definitions(), "won": "Money in the bank."},
    )
    w = Wording(language)
    blocks = content_blocks(content, w)
    assert blocks[0].text == own  # type: ignore[union-attr]
    drawn = _texts(blocks)
    assert "Money in the bank." in drawn
    assert default_text("party.sales", language) + " " in " ".join(drawn)
    assert glossary.stage_definitions(language)[Stage.LEAD.value] in drawn


def test_export_pdf_says_what_it_wrote_in_the_document_s_language(
    engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    if engine.url.get_backend_name() != "sqlite":
        pytest.skip("the CLI runs on the SQLite file (PostgreSQL schemas are per engine)")
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    with Session(engine) as session:
        version = start(session)
        content_hash = version.content_hash
    out = tmp_path / "sla.pdf"
    assert cli.main(["export-pdf", "--out", str(out), "--language", "ar"]) == 0
    said = capsys.readouterr().out.strip()
    assert said.startswith(f"كُتب {out}: الإصدار ١ (مسودة)، ") and content_hash in said
    kept = (str(out), content_hash, "SHA-256")
    assert offences([Shown("cli", _without(said, kept))]) == []
    assert cli.main(["export-pdf", "--out", str(out)]) == 0  # English, as before
    assert capsys.readouterr().out.startswith(f"wrote {out}: version 1 (draft), ")


def test_the_working_hours_read_in_the_reader_s_words_digits_and_week() -> None:
    hours = BusinessHours(weekdays=(0, 1, 2, 5, 6), start=time(8, 30), end=time(16, 0))
    setup = WorkSetup(work_time=WorkTime(hours=hours), zone="Asia/Tehran")
    assert working_hours(setup, Wording(Language.PERSIAN)) == (
        "شنبه، یکشنبه، دوشنبه، سه‌شنبه، چهارشنبه ۰۸:۳۰-۱۶:۰۰، Asia/Tehran؛ "
        "تعطیلات و غیبت‌ها شمرده نمی‌شوند"
    )  # the Persian week starts on Saturday
    arabic = working_hours(setup, Wording(Language.ARABIC))
    assert arabic.startswith("الاثنين، الثلاثاء، الأربعاء، السبت، الأحد ٠٨:٣٠-١٦:٠٠")
    assert working_hours(setup) == (
        "Mon, Tue, Wed, Sat, Sun 08:30-16:00, Asia/Tehran; holidays and time away do not count"
    )
