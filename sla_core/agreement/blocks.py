"""The blocks a document is drawn from (headings, paragraphs, tables), and the rule that
what people wrote is drawn without the characters that change how it reads unseen."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from sla_core.exporting import CONTROL_CHARACTERS

# Characters that change how text reads without being seen: the bidi embeddings, overrides
# and isolates (U+202A-U+202E, U+2066-U+2069; one U+202E reversed a sentence in the signed
# PDF), NUL and the other control characters (tab and line breaks kept).
HIDDEN = re.compile(f"[\u202a-\u202e\u2066-\u2069]|{CONTROL_CHARACTERS}")


def visible(text: str) -> str:
    """`text` without the characters that would change how it reads unseen (see HIDDEN)."""
    return HIDDEN.sub("", text)


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Para:
    text: str
    label: str = ""  # shown bold before the text


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[int, ...] = field(default=())  # relative column widths


Block = Heading | Para | Table


def _visible(block: Block) -> Block:
    if isinstance(block, Heading):
        return replace(block, text=visible(block.text))
    if isinstance(block, Para):
        return replace(block, text=visible(block.text), label=visible(block.label))
    return replace(
        block,
        headers=tuple(visible(h) for h in block.headers),
        rows=tuple(tuple(visible(c) for c in row) for row in block.rows),
    )
