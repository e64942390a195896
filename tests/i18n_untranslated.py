"""What a page shows in Persian or Arabic that is still English, read from an AppTest run."""

from __future__ import annotations

import re
from typing import Any

_RTL = re.compile("[\u0600-\u06ff]")
_WORD = re.compile(r"[A-Za-z]{2,}")
_NAMES = re.compile(r":material/[a-z_]+:|\{[^}]*\}|`[^`]*`|https?://\S+")
# Words that stay in Latin letters in Persian and Arabic text: acronyms and file formats.
LATIN_OK = frozenset(
    """MQL MQLs SQL SQLs SAL SLA CRM CSV TSV XLSX Excel PDF Markdown UTC ISO HubSpot Salesforce
    SMTP USD EUR IRR SAR Acme GmbH SHA lift pts""".split()
)


def english_left(texts: list[str]) -> list[str]:
    """The texts with English words but no Persian/Arabic letter (acronyms aside)."""
    left = []
    for text in texts:
        plain = _NAMES.sub("", text)
        words = [w for w in _WORD.findall(plain) if w not in LATIN_OK]
        if words and not _RTL.search(plain):
            left.append(text)
    return left


def shown_texts(at: Any) -> list[str]:
    """Labels and messages of an AppTest run (not data: tables and user names are left out)."""
    texts: list[str] = []
    for kind in ("title", "header", "subheader", "caption", "info", "warning", "success", "error"):
        texts += [str(e.value) for e in getattr(at, kind)]
    for kind in ("button", "selectbox", "multiselect", "text_input", "number_input", "radio",
                 "checkbox", "toggle", "slider", "date_input", "text_area", "metric", "tabs"):  # fmt: skip
        try:
            texts += [str(e.label) for e in at.get(kind) if getattr(e, "label", "")]
        except (AttributeError, KeyError):
            continue
    return texts
