"""The agreement as a PDF (fpdf2, HarfBuzz text shaping, the Vazirmatn font).

Persian and Arabic sections render joined and right to left beside Latin names and
numbers. Every page carries the content hash and "page N of M"; anything not fully
signed carries a DRAFT watermark. The PDF embeds a manifest (the canonical content and
everything else the page shows) so `verify` can re-render it and compare byte for byte.

Rendering is deterministic: the same manifest gives the same bytes (fixed creation date,
no random file id), which is what verification relies on.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import fpdf
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from sla_core.agreement.blocks import Block, Heading, Para, Table, visible
from sla_core.agreement.document import Cover, SignatureLine, document
from sla_core.agreement.wording import Wording
from sla_core.i18n.languages import N_, Language, is_rtl, parse_language
from sla_core.terms import AgreementContent

FONT_DIR = Path(__file__).resolve().parents[2] / "static" / "fonts"
FONT = "Vazirmatn"
MANIFEST_NAME = "leadpact-agreement.json"
MANIFEST_FORMAT = 1
KEEP_WITH_NEXT_MM = 30
RENDERER = f"leadpact-pdf/1 fpdf2/{fpdf.__version__}"


@dataclass(frozen=True)
class Manifest:
    """Everything a PDF shows, so the same PDF can be rendered again to check it."""

    content: str  # the version's canonical JSON, as stored
    cover: Cover
    generated_at: datetime
    language: Language = Language.ENGLISH  # the document's fixed texts, dates and digits

    def to_json(self) -> str:
        """The manifest as JSON; English (and PDFs made before languages) names none."""
        c = self.cover
        named = {} if self.language is Language.ENGLISH else {"language": self.language.value}
        return json.dumps(
            {
                **named,
                "format": MANIFEST_FORMAT,
                "renderer": RENDERER,
                "version": c.number,
                "status": c.status,
                "content_hash": c.content_hash,
                "content": self.content,
                "generated_at": self.generated_at.isoformat(),
                "signatures": [
                    {
                        "name": s.name,
                        "role": s.role,
                        "signed_at": s.signed_at.isoformat() if s.signed_at else None,
                    }
                    for s in c.signatures
                ],
                "appendix_period": c.appendix_period,
                "appendix": [list(row) for row in c.appendix],
            },
            sort_keys=True,
            ensure_ascii=False,
        )

    @staticmethod
    def from_json(text: str) -> tuple[Manifest, str]:
        """The manifest and the renderer named in it; malformed input raises ValueError."""
        try:
            data: dict[str, Any] = json.loads(text)
            cover = Cover(
                number=int(data["version"]),
                status=str(data["status"]),
                content_hash=str(data["content_hash"]),
                signatures=tuple(
                    SignatureLine(
                        str(s["name"]),
                        str(s["role"]),
                        datetime.fromisoformat(s["signed_at"]) if s["signed_at"] else None,
                    )
                    for s in data["signatures"]
                ),
                appendix_period=str(data["appendix_period"]),
                appendix=tuple((str(a), str(b)) for a, b in data["appendix"]),
            )
            language = str(data.get("language", Language.ENGLISH.value))
            if language not in {lang.value for lang in Language}:
                raise ValueError(f"unknown language {language!r}")
            manifest = Manifest(
                str(data["content"]),
                cover,
                datetime.fromisoformat(data["generated_at"]),
                parse_language(language),
            )
            return manifest, str(data["renderer"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"the embedded agreement data is malformed ({exc})") from exc


def fully_signed(cover: Cover) -> bool:
    return bool(cover.signatures) and all(s.signed_at for s in cover.signatures)


def _rtl(text: str) -> bool:
    """Whether the first strongly directional letter is right-to-left."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def _has_rtl(text: str) -> bool:
    """Whether `text` has a right-to-left letter anywhere."""
    return any(unicodedata.bidirectional(char) in ("R", "AL") for char in text)


class _AgreementPDF(FPDF):
    def __init__(self, cover: Cover, total_pages: int | None, wording: Wording) -> None:
        super().__init__(format="A4")
        self.cover = cover
        self.total_pages = total_pages
        self.wording = wording
        self.rtl = is_rtl(wording.language)
        self.add_font(FONT, "", str(FONT_DIR / "Vazirmatn-Regular.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "Vazirmatn-Bold.ttf"))
        self.set_text_shaping(True)
        self.set_auto_page_break(True, margin=20)
        self.set_margins(18, 18, 18)

    def multi_cell(
        self, w: float, h: float | None = None, text: str = "", *args: Any, **kwargs: Any
    ) -> Any:
        """Right to left, a text with any Persian or Arabic word reads right to left as a
        whole ("MQLها" must not read as a Latin line because it starts with "MQL"); a text
        without one (a name, a figure) keeps the direction of its first letter."""
        if self.rtl:
            self.set_text_shaping(True, direction="rtl" if _has_rtl(text) else None)
        return super().multi_cell(w, h, text, *args, **kwargs)

    def header(self) -> None:
        if fully_signed(self.cover):
            return
        with self.local_context():
            self.set_font(FONT, "B", 110)
            self.set_text_color(235, 225, 225)
            word = self.wording.t(N_("DRAFT"))
            half = 70 if self.wording.english else self.get_string_width(word) / 2
            with self.rotation(50, self.w / 2, self.h / 2):
                self.text(self.w / 2 - half, self.h / 2 + 15, word)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FONT, "", 7)
        self.set_text_color(110, 110, 110)
        w = self.wording
        line = w.t(
            N_("Agreement v{number} · SHA-256 {hash} · page {page} of {total}"),
            number=w.n(self.cover.number),
            hash=self.cover.content_hash,
            page=w.n(self.page_no()),
            total=w.n(self.total_pages or 0),
        )
        self.cell(0, 5, line, align="C")


def _block(pdf: _AgreementPDF, block: Block) -> None:
    width = pdf.epw
    if isinstance(block, Heading):
        size = {0: 18, 1: 13}.get(block.level, 11)
        if pdf.get_y() > pdf.h - pdf.b_margin - KEEP_WITH_NEXT_MM:  # no heading alone at the foot
            pdf.add_page()
        pdf.ln(3 if block.level else 0)
        pdf.set_font(FONT, "B", size)
        pdf.multi_cell(
            width,
            size * 0.55,
            block.text,
            align="R" if pdf.rtl else "J",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        pdf.ln(1)
        return
    if isinstance(block, Para):
        align = "R" if pdf.rtl or _rtl(block.text) else "L"
        if block.label:
            pdf.set_font(FONT, "B", 10)
            pdf.multi_cell(
                width,
                5.5,
                block.label,
                align="R" if pdf.rtl else "L",
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
        pdf.set_font(FONT, "", 10)
        pdf.multi_cell(width, 5.5, block.text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1.5)
        return
    _table(pdf, block)


def _table(pdf: _AgreementPDF, table: Table) -> None:
    """A table; right to left, its first column is the rightmost and every cell is right-aligned."""
    pdf.set_font(FONT, "", 9)
    widths = table.widths or tuple(1 for _ in table.headers)
    order = (lambda cells: tuple(reversed(cells))) if pdf.rtl else tuple
    with pdf.table(
        col_widths=order(widths),
        width=pdf.epw,
        line_height=5,
        text_align="RIGHT" if pdf.rtl else "LEFT",
        headings_style=fpdf.FontFace(emphasis="BOLD", fill_color=(235, 238, 245)),
    ) as grid:
        head = grid.row()
        for title in order(table.headers):
            head.cell(title)
        for values in table.rows:
            row = grid.row()
            for value in order(values):
                row.cell(value, align="RIGHT" if pdf.rtl or _rtl(value) else "LEFT")
    pdf.ln(2)


def _render(manifest: Manifest, total_pages: int | None) -> FPDF:
    content = AgreementContent.model_validate_json(manifest.content)
    w = Wording(manifest.language)
    pdf = _AgreementPDF(manifest.cover, total_pages, w)
    pdf.set_title(
        w.t(
            N_("{title}, version {number}"),
            title=visible(w.title(content.title)),
            number=w.n(manifest.cover.number),
        )
    )
    if not w.english:  # English PDFs stay byte for byte as before languages
        pdf.set_lang(manifest.language.value)
    pdf.set_author(visible(w.join(w.parties(content.parties))))
    pdf.set_subject(f"SHA-256 {manifest.cover.content_hash}")
    pdf.set_creator(RENDERER)
    pdf.set_producer(RENDERER)
    pdf.set_creation_date(manifest.generated_at.astimezone(UTC))
    pdf.add_page()
    for block in document(content, manifest.cover, w):
        _block(pdf, block)
    pdf.embed_file(
        bytes=manifest.to_json().encode("utf-8"),
        basename=MANIFEST_NAME,
        modification_date=manifest.generated_at.astimezone(UTC),
        mime_type="application/json",
        desc="The agreement's canonical content and cover, for verification",
        compress=True,
    )
    return pdf


def render(manifest: Manifest) -> bytes:
    """The PDF bytes of `manifest` (two passes: the second knows the page count)."""
    pages = _render(manifest, None).pages_count  # layout only
    pdf = _render(manifest, pages)
    return bytes(pdf.output())
