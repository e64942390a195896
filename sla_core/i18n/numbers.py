"""Numbers as each language writes them: Persian and Arabic-Indic digits and separators."""

from __future__ import annotations

import re
from decimal import Decimal

from sla_core.i18n.languages import Language

LATIN_DIGITS = "0123456789"
PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"

# Thousands and decimal separators of Persian and Arabic-Indic numbers (U+066C, U+066B).
_GROUP = "٬"
_DECIMAL = "٫"
PERCENT_SIGN: dict[Language, str] = {
    Language.ENGLISH: " %",
    Language.PERSIAN: "٪",
    Language.ARABIC: "٪",
}

_TO_LOCAL: dict[Language, dict[int, int]] = {
    Language.PERSIAN: str.maketrans(LATIN_DIGITS, PERSIAN_DIGITS),
    Language.ARABIC: str.maketrans(LATIN_DIGITS, ARABIC_INDIC_DIGITS),
}
_TO_LATIN = str.maketrans(PERSIAN_DIGITS + ARABIC_INDIC_DIGITS, LATIN_DIGITS * 2)

Number = int | float | Decimal


def local_digits(text: str, language: Language) -> str:
    """`text` with its Latin digits written in the digits of `language` (fa ۱۲۳, ar ١٢٣)."""
    table = _TO_LOCAL.get(language)
    return text.translate(table) if table else text


def latin_digits(text: str) -> str:
    """`text` with Persian and Arabic-Indic digits written as 0-9 (for parsing)."""
    return text.translate(_TO_LATIN)


def format_number(value: Number | None, language: Language, decimals: int = 0) -> str:
    """`value` grouped by thousands, `decimals` places; fa/ar with their own digits and marks."""
    if value is None:
        return "—"
    text = f"{value:,.{decimals}f}"
    if language is Language.ENGLISH:
        return text
    text = text.replace(",", "\0").replace(".", _DECIMAL).replace("\0", _GROUP)
    return local_digits(text, language)


def format_percent(value: Number | None, language: Language, decimals: int = 1) -> str:
    """A percentage already scaled to 0-100: "87.5 %", fa "۸۷٫۵٪", ar "٨٧٫٥٪"; None is "—"."""
    if value is None:
        return "—"
    return format_number(value, language, decimals) + PERCENT_SIGN[language]


def format_signed(value: Number, language: Language, decimals: int = 0) -> str:
    """A change with its sign always shown: "+12", "-3" (fa "+۱۲")."""
    sign = "+" if value > 0 else "-" if value < 0 else ""
    magnitude: Number = -value if value < 0 else value
    return sign + format_number(magnitude, language, decimals)


_DECIMAL_POINT = re.compile(r"(?<=\d)\.(?=\d)")
_GROUP_COMMA = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def local_figures(text: str, language: Language) -> str:
    """`text` whose figures ("90.4 %", "1,250") are written as `language` writes numbers:
    fa "۹۰٫۴٪", "۱٬۲۵۰" (a chart's printed figure reads like the metric card beside it)."""
    if language is Language.ENGLISH:
        return text
    text = _GROUP_COMMA.sub(_GROUP, _DECIMAL_POINT.sub(_DECIMAL, text))
    text = text.replace(" %", PERCENT_SIGN[language]).replace("%", PERCENT_SIGN[language])
    return local_digits(text, language)
