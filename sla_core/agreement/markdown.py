"""The agreement as Markdown, and a readable diff between two versions."""

from __future__ import annotations

import difflib

from sla_core.agreement.blocks import Block, Heading, Para, Table
from sla_core.agreement.document import Cover, content_blocks, document
from sla_core.agreement.wording import Wording
from sla_core.terms import AgreementContent


def _inert(text: str) -> str:
    """What people wrote, its formatting kept but never fetching or running anything: raw
    HTML is shown as text (`<` escaped) and `![..](..)` images, links and references as the
    characters typed (`[` escaped), so a viewer opening the file loads nothing remote."""
    return text.replace("<", "\\<").replace("[", "\\[").replace("]", "\\]")


def _cell(text: str) -> str:
    return _inert(text).replace("|", "\\|").replace("\n", " ")


def to_markdown(blocks: list[Block]) -> str:
    """Blocks as Markdown text (tables as pipe tables), HTML and images made inert."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            out += ["#" * (block.level + 1) + " " + _inert(block.text), ""]
        elif isinstance(block, Para):
            text = _inert(block.text.strip())
            if block.label:
                gap = "\n\n" if "\n" in text else " "
                out += [f"**{_inert(block.label)}**{gap}{text}", ""]
            else:
                out += [text, ""]
        elif isinstance(block, Table):
            out.append("| " + " | ".join(_cell(h) for h in block.headers) + " |")
            out.append("|" + "---|" * len(block.headers))
            out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in block.rows]
            out.append("")
    return "\n".join(out)


def export_markdown(content: AgreementContent, cover: Cover, wording: Wording | None = None) -> str:
    """The whole document as Markdown, in `wording`'s language (English by default)."""
    return to_markdown(document(content, cover, wording or Wording()))


def readable(content: AgreementContent) -> str:
    """The content alone, as Markdown: what a diff compares."""
    return to_markdown(content_blocks(content))


def diff(old: AgreementContent, new: AgreementContent, *, old_name: str, new_name: str) -> str:
    """A unified diff of the readable renderings ("" when nothing changed)."""
    return "".join(
        difflib.unified_diff(
            readable(old).splitlines(keepends=True),
            readable(new).splitlines(keepends=True),
            fromfile=old_name,
            tofile=new_name,
            n=1,
        )
    )
