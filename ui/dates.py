"""Date inputs in the reader's calendar and digits: Streamlit's picker for English readers of
a Gregorian organisation, selects for everyone else.

Streamlit's date picker only knows the Gregorian calendar and Latin digits, so Persian readers
pick the Jalali year, month (by name) and day from three selects, and Arabic readers the
Gregorian ones with Arabic month names and digits; all return a Gregorian `datetime.date`.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from sla_core.clock import now
from sla_core.i18n import dates
from sla_core.i18n.languages import Language
from sla_core.i18n.numbers import latin_digits
from sla_core.periods import Calendar
from ui.i18n import _, calendar, digits, language

NO_DATE = "—"


def _year_options(
    value: date | None, first: date | None, last: date | None, shown_in: Calendar
) -> list[int]:
    today = now().date()
    low = first or date(min(today.year, value.year if value else today.year) - 5, 1, 1)
    high = last or date(max(today.year, value.year if value else today.year) + 1, 12, 31)
    years = {dates.calendar_parts(d, shown_in)[0] for d in (low, high)}
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
    """Pick a date as Jalali year, month and day; `optional` offers "—" (no date) as the year."""
    return select_date_input(
        label, key=key, value=value, min_value=min_value, max_value=max_value,
        optional=optional, shown_in=Calendar.JALALI,
    )  # fmt: skip


def select_date_input(
    label: str,
    *,
    key: str,
    shown_in: Calendar,
    value: date | None = None,
    min_value: date | None = None,
    max_value: date | None = None,
    optional: bool = False,
) -> date | None:
    """Pick a date as year, month (by name) and day of `shown_in`, in the reader's digits;
    `optional` offers "—" (no date) as the year.

    The options are the texts shown (years and days in the reader's digits), so tests and
    people choose the same strings.
    """
    start = dates.calendar_parts(value, shown_in) if value else None
    years = [digits(str(y)) for y in _year_options(value, min_value, max_value, shown_in)]
    names = list(dates.month_names(language(), shown_in))
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
    length = dates.days_in_month(year or int(latin_digits(years[-1])), month, shown_in)
    days = [digits(str(d)) for d in range(1, length + 1)]
    if st.session_state[f"{key}_day"] not in days:
        st.session_state[f"{key}_day"] = days[-1]
    day_text = day_col.selectbox(_("Day"), options=days, key=f"{key}_day")
    if year is None:
        return None
    return dates.from_parts(year, month, int(latin_digits(day_text)), shown_in)


def date_input(
    label: str,
    *,
    key: str,
    value: date | None = None,
    min_value: date | None = None,
    max_value: date | None = None,
) -> date | None:
    """A date in the reader's calendar and digits (selects, or Streamlit's picker in English)."""
    if not picker_fits():
        return select_date_input(
            label, key=key, value=value, min_value=min_value, max_value=max_value,
            optional=True, shown_in=calendar(),
        )  # fmt: skip
    picked = st.date_input(
        label, value=value, min_value=min_value, max_value=max_value, key=key, format="YYYY-MM-DD"
    )
    return picked if isinstance(picked, date) else None


def picker_fits() -> bool:
    """Whether Streamlit's own picker (Gregorian, Latin digits) speaks this reader's dates."""
    return language() is Language.ENGLISH and calendar() is Calendar.GREGORIAN


def date_range_input(
    label: str,
    *,
    key: str,
    value: tuple[date, date] | None = None,
    min_value: date | None = None,
    max_value: date | None = None,
) -> tuple[date, ...]:
    """A first and a last day in the reader's calendar and digits: Streamlit's range picker in
    English, two rows of selects (from, to) otherwise. Returns what is picked so far: (),
    (first,) or (first, last), as Streamlit's range picker does; `value` None starts empty."""
    if picker_fits():
        picked = st.date_input(
            label, value=value or (), min_value=min_value, max_value=max_value,  # type: ignore[arg-type]  # an empty range picker
            key=key, format="YYYY-MM-DD",
        )  # fmt: skip
        return tuple(picked) if isinstance(picked, tuple | list) else (picked,)
    st.caption(label)
    first = select_date_input(
        _("From"), key=f"{key}_from", value=value[0] if value else None,
        min_value=min_value, max_value=max_value, optional=True, shown_in=calendar(),
    )  # fmt: skip
    last = select_date_input(
        _("To"), key=f"{key}_to", value=value[1] if value else None,
        min_value=min_value, max_value=max_value, optional=True, shown_in=calendar(),
    )  # fmt: skip
    if first is None:
        return ()
    return (first,) if last is None else (first, last)
