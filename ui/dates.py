"""Date inputs in the reader's calendar: Streamlit's picker for Gregorian, selects for Jalali.

Streamlit's date picker only knows the Gregorian calendar, so Jalali readers pick the year,
month (by name) and day from three selects; both return a Gregorian `datetime.date`.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from sla_core.clock import now
from sla_core.i18n import dates
from sla_core.i18n.numbers import latin_digits
from sla_core.periods import Calendar
from ui.i18n import _, calendar, digits, language

NO_DATE = "—"


def _year_options(value: date | None, first: date | None, last: date | None) -> list[int]:
    today = now().date()
    low = first or date(min(today.year, value.year if value else today.year) - 5, 1, 1)
    high = last or date(max(today.year, value.year if value else today.year) + 1, 12, 31)
    years = {dates.calendar_parts(d, Calendar.JALALI)[0] for d in (low, high)}
    return list(range(min(years), max(years) + 1))


def jalali_date_input(
    label: str,
    *,
    key: str,
    value: date | None = None,
    min_value: date | None = None,
    max_value: date | None = None,
    optional: bool = False,
) -> date | None:
    """Pick a date as Jalali year, month and day; `optional` offers "—" (no date) as the year.

    The options are the texts shown (years and days in the reader's digits), so tests and
    people choose the same strings.
    """
    start = dates.calendar_parts(value, Calendar.JALALI) if value else None
    years = [digits(str(y)) for y in _year_options(value, min_value, max_value)]
    names = list(dates.month_names(language(), Calendar.JALALI))
    st.session_state.setdefault(f"{key}_year", digits(str(start[0])) if start else NO_DATE)
    st.session_state.setdefault(f"{key}_month", names[start[1] - 1] if start else names[0])
    st.session_state.setdefault(f"{key}_day", digits(str(start[2] if start else 1)))
    st.caption(label)
    year_col, month_col, day_col = st.columns([2, 3, 2])
    year_text = year_col.selectbox(
        _("Year"),
        options=([NO_DATE] if optional or not start else []) + years,
        key=f"{key}_year",
    )
    month_text = month_col.selectbox(_("Month"), options=names, key=f"{key}_month")
    year = int(latin_digits(year_text)) if year_text != NO_DATE else None
    month = names.index(month_text) + 1 if month_text in names else 1
    length = dates.days_in_month(year or int(latin_digits(years[-1])), month, Calendar.JALALI)
    days = [digits(str(d)) for d in range(1, length + 1)]
    if st.session_state[f"{key}_day"] not in days:
        st.session_state[f"{key}_day"] = days[-1]
    day_text = day_col.selectbox(_("Day"), options=days, key=f"{key}_day")
    if year is None:
        return None
    return dates.from_parts(year, month, int(latin_digits(day_text)), Calendar.JALALI)


def date_input(
    label: str,
    *,
    key: str,
    value: date | None = None,
    min_value: date | None = None,
    max_value: date | None = None,
) -> date | None:
    """A date in the reader's calendar (Jalali selects or Streamlit's Gregorian picker)."""
    if calendar() is Calendar.JALALI:
        return jalali_date_input(
            label, key=key, value=value, min_value=min_value, max_value=max_value, optional=True
        )
    picked = st.date_input(
        label, value=value, min_value=min_value, max_value=max_value, key=key, format="YYYY-MM-DD"
    )
    return picked if isinstance(picked, date) else None
