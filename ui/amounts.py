"""Number inputs in the reader's digits: Streamlit's number box in English, a text box
(Persian or Arabic digits, their separators) for everyone else.

Streamlit's number input always writes Latin digits ("0.00"); a Persian or Arabic reader
reads and types "۰" or "٠" instead, so they get a text input that reads any script.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from sla_core.i18n.languages import Language
from sla_core.i18n.numbers import latin_digits
from ui.i18n import _, digits, language

# Arabic decimal and group marks, the Arabic comma and minus signs, as Python reads them.
_MARKS = str.maketrans({"٫": ".", "٬": "", ",": "", "،": "", "−": "-", "\u200e": "", " ": ""})


def parse_amount(text: str) -> float | None:
    """The number `text` writes in any digits ("۱۲٬۵۰۰٫۵", "12,500.5"); None if it is none."""
    cleaned = latin_digits(text.strip()).translate(_MARKS)
    if not cleaned:
        return None
    try:
        return float(cleaned)
    except ValueError:
        return None


def amount_input(
    label: str,
    *,
    key: str,
    value: float,
    step: float,
    min_value: float | None = None,
    whole: bool = False,
    where: Any = st,
) -> float | None:
    """A number in the reader's digits (`whole`: an integer); None while what was typed is not
    a number (the reader is told below the box)."""
    if language() is Language.ENGLISH:
        if whole:
            picked = where.number_input(label, value=int(value), step=int(step), key=key)
        else:
            picked = where.number_input(label, value=value, min_value=min_value, step=step, key=key)
        return float(picked)
    text = where.text_input(label, value=digits(f"{value:g}".replace(".", "٫")), key=key)
    number = parse_amount(str(text))
    if number is None or (whole and number != int(number)):
        where.error(_("Write a whole number.") if whole else _("Write a number."))
        return None
    if min_value is not None and number < min_value:
        where.error(_("Write a number of at least {low}.").format(low=digits(f"{min_value:g}")))
        return None
    return number
