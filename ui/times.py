"""Clock-time inputs in the reader's digits.

Streamlit's time picker writes Latin digits only, so Persian and Arabic readers choose the
time from a select of half hours written in their digits; both return a `datetime.time`.
"""

from __future__ import annotations

from datetime import time
from typing import Any

import streamlit as st

from sla_core.i18n.languages import Language
from ui.i18n import digits, language

HALF_HOURS = tuple(time(hour, minute) for hour in range(24) for minute in (0, 30))


def time_input(label: str, *, value: time, key: str, where: Any = st) -> time | None:
    """A clock time: Streamlit's picker in English, else a select in the reader's digits
    (half hours, and `value` if it is none of them). `where`: a column or the page."""
    if language() is Language.ENGLISH:
        picked = where.time_input(label, value=value, key=key)
        return picked if isinstance(picked, time) else None
    times = sorted({*HALF_HOURS, value})
    # the options are the texts shown, so tests and people choose the same strings
    options = [digits(t.strftime("%H:%M")) for t in times]
    chosen = where.selectbox(label, options, index=times.index(value), key=f"{key}_select")
    return times[options.index(chosen)] if chosen in options else None
