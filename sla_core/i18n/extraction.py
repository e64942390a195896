"""Finding the interface strings in the code and keeping the catalogues in step with them.

`python -m sla_core translations refresh` (or the pybabel commands in catalogue.py) adds
new message ids to locales/fa and locales/ar, untranslated, and drops the unused ones;
`python -m sla_core translations check` lists what is still missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import write_po

from sla_core.i18n import catalogue
from sla_core.i18n.languages import Language

KEYWORDS: dict[str, tuple[int, ...] | None] = {"_": None, "N_": None, "_n": (1, 2), "N_n": (1, 2)}
PROJECT = "LeadPact"


@dataclass(frozen=True)
class Problem:
    """One message id a catalogue lacks or gets wrong."""

    language: Language
    msgid: str
    reason: str


def template(root: Path = catalogue.ROOT) -> Catalog:
    """Every message id the code marks for translation, with where it is used."""
    with (root / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)  # type: ignore[no-untyped-call]
    pot = Catalog(project=PROJECT, fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(root), method_map, options_map, keywords=KEYWORDS
    ):
        pot.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return pot


def _texts(value: object) -> list[str]:
    """A message's id or translation as a list of strings (plural messages have several)."""
    if isinstance(value, list | tuple):
        return [str(v or "") for v in value]
    return [str(value or "")]


def _problem(ids: list[str], texts: list[str], fuzzy: bool) -> str | None:
    if not any(texts):
        return "missing"
    if fuzzy:
        return "fuzzy"
    wanted = set().union(*(catalogue.placeholders(i) for i in ids))
    if any(catalogue.placeholders(t) - wanted for t in texts):
        return "unknown placeholder"
    if len(ids) == 1 and wanted - catalogue.placeholders(texts[0]):
        return "placeholder left out"
    return None


def problems(pot: Catalog, language: Language) -> list[Problem]:
    """Message ids of `pot` that `language` leaves untranslated, fuzzy, or with other placeholders."""
    found = catalogue.read_catalogue(language)
    result = []
    for message in pot:
        if not message.id:
            continue
        ids = _texts(message.id)
        entry = found.get(message.id)
        texts = [] if entry is None else _texts(entry.string)
        reason = _problem(ids, texts, bool(entry is not None and entry.fuzzy))
        if reason:
            result.append(Problem(language, ids[0], reason))
    return result


def refresh(root: Path = catalogue.ROOT) -> dict[Language, int]:
    """Bring every catalogue in step with the code; returns how many ids each still lacks."""
    pot = template(root)
    missing = {}
    for language in catalogue.TRANSLATED:
        current = catalogue.read_catalogue(language)
        current.update(pot, no_fuzzy_matching=True)
        current.obsolete.clear()
        path = catalogue.po_path(language)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, current, width=100, include_previous=False, include_lineno=False)
        missing[language] = len(problems(pot, language))
    return missing
