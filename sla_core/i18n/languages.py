"""The interface languages, their writing direction, and the marker for strings kept in code."""

from __future__ import annotations

from enum import StrEnum


class Language(StrEnum):
    ENGLISH = "en"
    PERSIAN = "fa"
    ARABIC = "ar"


DEFAULT = Language.ENGLISH

# Each language named in itself, as a switch must show them.
NATIVE_NAMES: dict[Language, str] = {
    Language.ENGLISH: "English",
    Language.PERSIAN: "فارسی",
    Language.ARABIC: "العربية",
}

RIGHT_TO_LEFT: frozenset[Language] = frozenset({Language.PERSIAN, Language.ARABIC})


def parse_language(value: str | None) -> Language:
    """The language a stored or requested code names ("fa", "fa-IR", "ar_EG"); English otherwise."""
    code = (value or "").strip().lower().replace("_", "-").split("-")[0]
    try:
        return Language(code)
    except ValueError:
        return DEFAULT


def is_rtl(language: Language) -> bool:
    """Whether `language` is written right to left."""
    return language in RIGHT_TO_LEFT


def direction(language: Language) -> str:
    """The HTML text direction of `language`: "rtl" or "ltr"."""
    return "rtl" if is_rtl(language) else "ltr"


def N_(message: str) -> str:
    """Mark `message` for translation where it is defined; it is translated where it is shown."""
    return message


def N_n(singular: str, plural: str) -> tuple[str, str]:
    """Mark a plural message (singular and plural English forms) for translation where it is
    defined; where it is shown, `_n(*forms, count)` picks the form (Arabic has six)."""
    return singular, plural
