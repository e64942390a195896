"""An agreement written in Persian or Arabic exports as a PDF whose text is shaped and in
logical order (what `pdftotext` extracts reads as it was written)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pypdf
import pytest
from sqlmodel import Session

from sla_core import agreement
from sla_core.access import system_actor
from sla_core.agreement import export, pdf, verify
from sla_core.agreement.document import Cover
from sla_core.i18n import glossary
from sla_core.i18n.languages import Language
from tests.agreement_helpers import COMPLETE, cast, complete_content, sign_fully, start
from tests.slaframes import sla_frame

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")

REF = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
MARKS = str.maketrans("", "", "\u202a\u202b\u202c\u202d\u202e\u200e\u200f")
EMPTY = sla_frame([{}]).iloc[0:0]  # a snapshot with no lead (every column the clocks read)

CONTENT = {
    Language.PERSIAN: complete_content(
        title="توافق‌نامه سطح خدمات فروش و بازاریابی",
        parties=("تیم فروش", "تیم بازاریابی"),
        stage_definitions=glossary.stage_definitions(Language.PERSIAN),
        workshop={**COMPLETE["workshop"], "company_goals": "هدف ما رشد فروش با شرکت Acme GmbH است"},
        marketing_commitments="هر بازاریاب باید ۲۵۰ سرنخ مطلوب در ماه تولید کند",
    ),
    Language.ARABIC: complete_content(
        title="اتفاقية مستوى الخدمة للمبيعات والتسويق",
        parties=("فريق المبيعات", "فريق التسويق"),
        stage_definitions=glossary.stage_definitions(Language.ARABIC),
        sales_commitments="يجب على كل مندوب أن يحقق معدل تحويل شهري",
    ),
}


def _pdf(engine, tmp_path: Path, language: Language) -> Path:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        people, version = cast(session), start(session)
        agreement.save_draft(
            session=session,
            version_id=version.id,
            revision=1,
            content=CONTENT[language],
            actor=people["marketing"],
        )
        session.commit()
        # In the content's language: the parties and stage definitions are the glossary's
        # defaults, which an English export would show in English (`wording.shown_text`).
        data, _ = export.export_pdf(
            session=session, number=None, leads=EMPTY, ref=REF, actor=system_actor(),
            language=language,
        )  # fmt: skip
    path = tmp_path / f"{language.value}.pdf"
    path.write_bytes(data)
    return path


def _pdftotext(path: Path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return out.stdout.translate(MARKS)


def _pypdf(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages).translate(MARKS)


_DIACRITICS = re.compile("[\u064b-\u065f\u0670]")
# Letters only: digits (their own bidi class) and punctuation end a run.
_LETTER = "[\u0621-\u065f\u066e-\u06d3\u200c]"
_RUN = re.compile(f"{_LETTER}+(?: {_LETTER}+)+")


def _runs(sentence: str) -> list[str]:
    """The runs of two or more right-to-left words (punctuation and Latin words end a run)."""
    return [run for run in _RUN.findall(_DIACRITICS.sub("", sentence)) if not _is_punct(run)]


def _is_punct(run: str) -> bool:
    return all(not c.isalpha() for c in run.replace(" ", ""))


def _out_of_order(sentences: list[str], extracted: str) -> list[str]:
    text = " ".join(_DIACRITICS.sub("", extracted).split())
    return [run for sentence in sentences for run in _runs(sentence) if run not in text]


@pytest.mark.parametrize("language", [Language.PERSIAN, Language.ARABIC])
def test_right_to_left_text_is_extracted_in_logical_order(
    engine, tmp_path: Path, language: Language
) -> None:  # type: ignore[no-untyped-def]
    path = _pdf(engine, tmp_path, language)
    content = CONTENT[language]
    sentences = [
        content.title,
        *content.parties,
        *glossary.stage_definitions(language).values(),
        content.marketing_commitments or content.sales_commitments,
    ]
    assert sum(len(_runs(s)) for s in sentences) >= 12
    # Every run of words reads as written in what pdftotext extracts, or (where pdftotext
    # reorders runs split by punctuation, or a table cell wraps) in the page's own text
    # order as pypdf reads it. Visually reversed text would fail both.
    by_pdftotext = set(_out_of_order(sentences, _pdftotext(path)))
    by_pypdf = set(_out_of_order(sentences, _pypdf(path)))
    assert by_pdftotext & by_pypdf == set()
    assert len(by_pdftotext) <= 3  # most runs come out of pdftotext whole


def test_mixed_persian_and_latin_keeps_each_run_in_order(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    extracted = _pdftotext(_pdf(engine, tmp_path, Language.PERSIAN))
    assert "Acme GmbH" in extracted and "هدف ما رشد فروش با شرکت" in extracted


# The fixed texts of the document in each language, and English words that must not show.
HEADINGS = {
    Language.PERSIAN: ("تعاریف", "اهداف و ذی‌نفعان", "امضاها", "پیوست", "میزان پایبندی", "طرفین",
                       "هنوز امضا نشده", "ساعت", "اهداف شرکت چیست و چگونه به آن‌ها می‌رسیم"),
    # Arabic words without a lam-alef ligature, which pdftotext takes apart.
    Language.ARABIC: ("التعريفات", "أصحاب المصلحة", "التوقيعات", "ملحق", "المراجعة",
                      "لم يوقع بعد", "ساعة", "ما أهداف الشركة وكيف سنحققها"),
}  # fmt: skip
# (The criteria's accepted values are written by people and stay English here.)
ENGLISH_WORDS = ("Definitions", "Goals and stakeholders", "Signatures", "Appendix", "Parties",
                 "Signed by", "not signed yet", "hours", "Next review", "Cadence", "page",
                 "What are the company", "DRAFT", "Version")  # fmt: skip


def _export_in(engine, tmp_path: Path, language: Language, *, signed: bool = False) -> Path:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        people, version = cast(session), start(session)
        agreement.save_draft(
            session=session,
            version_id=version.id,
            revision=1,
            content=CONTENT[language],
            actor=people["marketing"],
        )
        session.commit()
        if signed:
            sign_fully(session, version.id, people)
        data, manifest = export.export_pdf(
            session=session, number=None, leads=EMPTY, ref=REF, actor=system_actor(),
            language=language,
        )  # fmt: skip
        session.commit()  # the export's record, which `verify` looks up
    assert manifest.language is language
    path = tmp_path / f"{language.value}-doc.pdf"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("language", [Language.PERSIAN, Language.ARABIC])
def test_a_persian_or_arabic_export_speaks_that_language(
    engine, tmp_path: Path, language: Language
) -> None:  # type: ignore[no-untyped-def]
    text = " ".join(_DIACRITICS.sub("", _pdftotext(_export_in(engine, tmp_path, language))).split())
    missing = [h for h in HEADINGS[language] if _DIACRITICS.sub("", h) not in text]
    assert missing == []
    assert [w for w in ENGLISH_WORDS if w in text] == []
    assert "SHA-256" in text  # the hash keeps its name; digits are the language's own
    assert "۱" in text if language is Language.PERSIAN else "١" in text


def test_a_signed_persian_export_verifies_and_its_manifest_names_the_language(
    engine, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    data = _export_in(engine, tmp_path, Language.PERSIAN, signed=True).read_bytes()
    with Session(engine) as session:
        verdict = verify.verify_pdf(session=session, data=data)
    assert verdict.valid, verdict.reason
    blob = pypdf.PdfReader(io.BytesIO(data)).attachments[pdf.MANIFEST_NAME][0]
    manifest, _ = pdf.Manifest.from_json(blob.decode("utf-8"))
    assert manifest.language is Language.PERSIAN
    assert pdf.render(manifest) == data  # the language is part of what renders again


def test_a_manifest_without_a_language_reads_as_english() -> None:
    cover = Cover(1, "draft", "0" * 64, (), "2026-10", ())
    english = pdf.Manifest("{}", cover, REF)
    assert '"language"' not in english.to_json()  # as PDFs made before languages
    assert pdf.Manifest.from_json(english.to_json())[0].language is Language.ENGLISH
    persian = pdf.Manifest("{}", cover, REF, Language.PERSIAN)
    assert pdf.Manifest.from_json(persian.to_json())[0].language is Language.PERSIAN
    with pytest.raises(ValueError, match="unknown language"):
        pdf.Manifest.from_json(persian.to_json().replace('"fa"', '"xx"'))
