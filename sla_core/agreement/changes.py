"""A readable diff: what changed between two texts of the agreement, section by section and
word by word, in the reader's language.

Both texts are drawn as the document draws them (`document.content_blocks`, in one
`Wording`), cut into sections at their headings, and each section's words compared with
`difflib`: a section that says the same is left out, a changed one comes back as runs of
kept, added and removed words. Nothing here formats for a screen: the page escapes and
marks the runs.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from enum import StrEnum

from sla_core.agreement.blocks import Block, Heading, Para
from sla_core.agreement.document import content_blocks
from sla_core.agreement.wording import Wording
from sla_core.terms import AgreementContent

TOKENS = re.compile(r"\n|[^\S\n]+|\S+[^\S\n]*")  # line breaks; words with their spaces


class Kind(StrEnum):
    SAME = "same"
    ADDED = "added"
    REMOVED = "removed"


@dataclass(frozen=True)
class Run:
    """Words that were kept, added or removed (whitespace and line breaks included)."""

    kind: Kind
    text: str


@dataclass(frozen=True)
class SectionChange:
    """One section whose text changed, as runs in reading order."""

    title: str
    runs: tuple[Run, ...]


def _lines(block: Block) -> list[str]:
    if isinstance(block, Heading):
        return []
    if isinstance(block, Para):
        if not block.label:
            return [block.text]
        joint = " " if block.label.rstrip().endswith(("?", ":", "؟")) else ": "
        return [f"{block.label}{joint}{block.text}"]
    return [" · ".join(row) for row in block.rows]


def sections_of(content: AgreementContent, w: Wording) -> list[tuple[str, str]]:
    """(title, text) per section of the document, the title block first."""
    found: list[tuple[str, list[str]]] = []
    for block in content_blocks(content, w):
        if isinstance(block, Heading):
            found.append((block.text, [block.text] if block.level == 0 else []))
        elif found:
            found[-1][1].extend(_lines(block))
    return [(title, "\n".join(lines)) for title, lines in found]


def word_runs(old: str, new: str) -> tuple[Run, ...]:
    """`old` to `new` word by word: kept, removed and added runs, in reading order."""
    a, b = TOKENS.findall(old), TOKENS.findall(new)
    runs: list[Run] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(Run(Kind.SAME, "".join(a[i1:i2])))
            continue
        if i2 > i1:
            runs.append(Run(Kind.REMOVED, "".join(a[i1:i2])))
        if j2 > j1:
            runs.append(Run(Kind.ADDED, "".join(b[j1:j2])))
    return tuple(runs)


def compare(old: AgreementContent, new: AgreementContent, w: Wording) -> list[SectionChange]:
    """The sections whose text differs between `old` and `new` ([] when they say the same).

    Sections pair by position (the document's layout is fixed), titled as `new` says.
    """
    before, after = sections_of(old, w), sections_of(new, w)
    changes = []
    for (_, old_text), (title, new_text) in zip(before, after, strict=True):
        if old_text != new_text:
            changes.append(SectionChange(title, word_runs(old_text, new_text)))
    return changes
