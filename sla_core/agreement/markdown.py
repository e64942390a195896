"""The agreement as Markdown, and a readable diff between two versions."""

from __future__ import annotations

import difflib

from sla_core.agreement.document import Block, Cover, Heading, Para, Table, content_blocks, document
from sla_core.agreement.wording import Wording
from sla_core.terms import AgreementContent


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(blocks: list[Block]) -> str:
    """Blocks as Markdown text (tables as pipe tables)."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            out += ["#" * (block.level + 1) + " " + block.text, ""]
        elif isinstance(block, Para):
            text = block.text.strip()
            if block.label:
                gap = "\n\n" if "\n" in text else " "
                out += [f"**{block.label}**{gap}{text}", ""]
            else:
                out += [text, ""]
        elif isinstance(block, Table):
            out.append("| " + " | ".join(block.headers) + " |")
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
