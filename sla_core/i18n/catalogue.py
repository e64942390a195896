"""Translation catalogues: gettext .po files under locales/, compiled in memory when loaded.

English is the source language: the code holds English message ids, and
`locales/<lang>/LC_MESSAGES/messages.po` holds the Persian and Arabic text. The .po files
are compiled at load (no build step to remember) and recompiled when a file changes.
Refresh them after changing interface text (README, "Languages"):

    .venv/bin/python -m sla_core translations refresh
"""

from __future__ import annotations

import gettext
import io
import re
import time
from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from sla_core.i18n.languages import Language

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "locales"
DOMAIN = "messages"
TRANSLATED = (Language.PERSIAN, Language.ARABIC)

_PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)[^{}]*\}")


def po_path(language: Language) -> Path:
    """Where the catalogue of `language` lives."""
    return LOCALES / language.value / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(language: Language) -> Catalog:
    """The parsed .po catalogue of `language` (empty when the file does not exist)."""
    path = po_path(language)
    if not path.is_file():
        return Catalog(locale=language.value, project="LeadPact", fuzzy=False)
    with path.open("rb") as handle:
        return read_po(handle, locale=language.value)


@lru_cache(maxsize=8)
def _compiled(language: Language, stamp: int) -> gettext.NullTranslations:
    """The catalogue as gettext translations; `stamp` (the file's mtime) keys the cache."""
    del stamp  # only part of the cache key
    buffer = io.BytesIO()
    write_mo(buffer, read_catalogue(language), use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


@lru_cache(maxsize=8)
def _stamp(language: Language, tick: int) -> int | None:
    """The catalogue file's mtime (None: no file), looked up once per `tick` (two seconds)."""
    del tick  # only part of the cache key
    path = po_path(language)
    return path.stat().st_mtime_ns if path.is_file() else None


def translations(language: Language) -> gettext.NullTranslations:
    """The gettext translations of `language`; English (and a missing file) translate to itself.

    An edited .po file is picked up within two seconds, without a restart.
    """
    stamp = _stamp(language, int(time.monotonic() / 2)) if language in TRANSLATED else None
    if stamp is None:
        return gettext.NullTranslations()
    return _compiled(language, stamp)


def translate(message: str, language: Language) -> str:
    """`message` (an English message id) in `language`; untranslated ids stay English."""
    if language not in TRANSLATED or not message:
        return message
    return translations(language).gettext(message)


def translate_plural(singular: str, plural: str, count: int, language: Language) -> str:
    """The form of a message that fits `count` in `language` (Arabic has six)."""
    return translations(language).ngettext(singular, plural, count)


def placeholders(text: str) -> set[str]:
    """The named placeholders of a format string: "{count} of {total:,}" -> {count, total}."""
    return set(_PLACEHOLDER.findall(text.replace("{{", "").replace("}}", "")))
