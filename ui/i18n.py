"""Translation of interface strings: every page string goes through `_`.

Write one whole sentence per call, with named placeholders:
`_("{count} leads at risk").format(count=num(n))`. The language is the signed-in person's
own (stored on their user row, chosen in the sidebar); before sign-in, the browser's.
Numbers, dates and periods shown in text go through `num`, `pct`, `when`, `day` and
`period_name`, so Persian and Arabic readers get their digits and calendar.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pandas as pd
import streamlit as st

from sla_core.i18n import catalogue, charts, dates, glossary, languages, numbers
from sla_core.i18n.languages import N_, Language
from sla_core.i18n.message import Figure, Message, PeriodText
from sla_core.org import OrgSettings
from sla_core.periods import Calendar, Period, PeriodKind, parse_period, zone_info
from sla_core.stages import STAGE_LABELS, Stage

LANGUAGE_KEY = "language"
ORG_KEY = "org_settings"


def language() -> Language:
    """The interface language of this session: the person's choice, else the browser's."""
    chosen = st.session_state.get(LANGUAGE_KEY)
    if chosen:
        return languages.parse_language(chosen)
    try:
        return languages.parse_language(st.context.locale)
    except Exception:  # no browser behind this run (bare mode, some tests)
        return languages.DEFAULT


def use_language(chosen: Language | str) -> None:
    """Speak `chosen` from now on in this session."""
    st.session_state[LANGUAGE_KEY] = languages.parse_language(str(chosen)).value


def _(message: str) -> str:
    """The interface text `message` in the signed-in user's language.

    A `Message` from sla_core is translated by its template, then its values filled in
    (numbers in the reader's digits).
    """
    return in_language(message, language())


def in_language(message: str, reader: Language) -> str:
    """`_` for a language already known: a list translating its thousand sentences asks
    the session for the reader's language once, not twice a sentence."""
    if isinstance(message, Message):
        values = {key: _value(value, reader) for key, value in message.values.items()}
        return message.pattern(reader).format(**values)
    return catalogue.translate(message, reader)


def messages_in_words(values: pd.Series) -> pd.Series:
    """Messages (and "" for none) in the reader's words (equal English, equal sentence)."""
    reader = language()
    return each_once(values, lambda v: in_language(v, reader) if v else v)


def each_once(values: pd.Series, word: Callable[[Any], Any]) -> pd.Series:
    """`word` of every value, asked once per different value: a list of thousands of
    leads holds a few stages, states and countdowns."""
    distinct = pd.unique(values.to_numpy(dtype=object))
    words = {value: word(value) for value in distinct}
    return pd.Series(
        [words[v] if v in words else word(v) for v in values.to_numpy(dtype=object)],
        index=values.index,
        dtype=values.dtype if values.dtype == "string" else object,
    )


def _value(value: object, reader: Language) -> object:
    """A Message's value for this reader: nested messages translated, digits localised."""
    if isinstance(value, Message):
        return in_language(value, reader)
    if isinstance(value, Figure):
        return num(value.value, value.decimals)
    if isinstance(value, PeriodText):
        return period_name(value.period)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return numbers.local_digits(str(value), reader)
    return numbers.local_digits(value, reader) if isinstance(value, str) else value


def _n(singular: str, plural: str, count: int) -> str:
    """The singular or plural form (Arabic has six) of a message about `count` things."""
    return catalogue.translate_plural(singular, plural, count, language())


def rtl() -> bool:
    """Whether this session's language is written right to left."""
    return languages.is_rtl(language())


def org_settings() -> OrgSettings:
    """The organisation's settings as app.py loaded them for this run (defaults before)."""
    stored = st.session_state.get(ORG_KEY)
    return OrgSettings.model_validate(stored) if stored else OrgSettings()


def remember_org_settings(settings: OrgSettings) -> None:
    """Keep the organisation's settings for the pages of this run (app.py loads them)."""
    st.session_state[ORG_KEY] = settings.model_dump(mode="json")


def calendar() -> Calendar:
    """The calendar this reader sees dates in (Jalali for Persian or a Jalali organisation)."""
    return dates.display_calendar(language(), org_settings().calendar)


def num(value: int | float | None, decimals: int = 0) -> str:
    """A number with thousands grouped, in this reader's digits; None is "—"."""
    return numbers.format_number(value, language(), decimals)


def pct(value: float | None, decimals: int = 1) -> str:
    """A percentage (0-100) in this reader's digits and sign; None is "—"."""
    return numbers.format_percent(value, language(), decimals)


def signed(value: int | float, decimals: int = 0) -> str:
    """A change with its sign: "+12", fa "+۱۲"."""
    return numbers.format_signed(value, language(), decimals)


def digits(text: str) -> str:
    """`text` with its digits in this reader's script (for labels such as "v3")."""
    return numbers.local_digits(text, language())


def when(instant: datetime | pd.Timestamp | None, *, long: bool = False) -> str:
    """An aware UTC instant as date and time in the organisation's zone and reader's calendar."""
    return dates.format_instant(
        instant, language(), zone=org_settings().time_zone, calendar=calendar(), long=long
    )


def day(value: date | None, *, long: bool = True) -> str:
    """A calendar date in the reader's calendar: "3 May 2026", fa "۱۳ اردیبهشت ۱۴۰۵"."""
    if value is None:
        return "—"
    return dates.format_date(value, language(), calendar(), long=long)


def stored_period_name(label: str, calendar: object, *, zone: str) -> str:
    """A period stored by its label ("1405-Q2", cut in `calendar`) as the reader names it
    (`period_name`); a label that names no period stays as stored."""
    try:
        found = parse_period(label, zone=zone, calendar=Calendar(str(calendar)))
    except ValueError:
        return label
    return period_name(found)


def period_name(period: Period) -> str:
    """A reporting period as the reader names it: "May 2026", fa "اردیبهشت ۱۴۰۵".

    A month or quarter cut in another calendar than the reader's (a Gregorian organisation's
    December for a Persian reader) also names its days in the reader's calendar, so one
    sentence never mixes calendars: "دسامبر ۲۰۲۶ (۱۰ آذر تا ۱۰ دی ۱۴۰۵)".
    """
    name = dates.period_name(period, language())
    if period.kind is PeriodKind.CUSTOM or period.calendar is calendar():
        return name
    local = zone_info(period.zone)
    first = period.start.tz_convert(local).date()
    last = (period.end.tz_convert(local) - pd.Timedelta(days=1)).date()
    return _("{period} ({first} to {last})").format(period=name, first=day(first), last=day(last))


def chart_spec(spec: dict[str, object]) -> dict[str, object]:
    """A Vega-Lite spec for this reader: translated titles, dates in the reader's calendar;
    right to left, mirrored axes (sla_core.i18n.charts)."""
    org = org_settings()
    return charts.localise_spec(
        spec,
        language=language(),
        translate=_,
        text=_chart_text,
        calendar=org.calendar,
        zone=org.time_zone,
    )


_FIGURE = re.compile(r"^(target|goal)\s+(.+)$")
_FIGURE_TEMPLATES = {"target": N_("target {value}"), "goal": N_("goal {value}")}


def _chart_text(text: str) -> str:
    """Words a chart prints (a gauge's "83.6 %", "target 90 %"): translated, local digits."""
    match = _FIGURE.match(text)
    if match:
        # "target {value}", "goal {value}": the figure keeps its own formatting.
        shown = _(_FIGURE_TEMPLATES[match.group(1)]).format(value=match.group(2))
    else:
        shown = _(text)
    # "90.4 %" reads "۹۰٫۴٪" as on the metric card beside the gauge
    return numbers.local_figures(shown, language())


def _plain_dates() -> bool:
    """Whether Streamlit's own Gregorian date columns suit this reader (English, Gregorian)."""
    return language() is Language.ENGLISH and calendar() is Calendar.GREGORIAN


def local_times(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """A copy of `frame` whose instant `columns` read in the reader's zone, calendar and digits.

    English readers of a Gregorian organisation keep real datetimes (sortable, formatted by
    `datetime_column`); everyone else gets text such as "۱۴۰۵/۰۲/۱۳ ۱۰:۳۰".
    """
    if _plain_dates():
        return frame
    settings = org_settings()
    return frame.assign(
        **{
            column: dates.format_instants(
                frame[column], language(), zone=settings.time_zone, calendar=calendar()
            )
            for column in columns
            if column in frame
        }
    )


def reading_order(columns: list[str]) -> list[str]:
    """Table columns in reading order: right to left for fa and ar (the grid itself always
    lays columns out from the left; ui/rtl.py opens a wide one scrolled to its right end, so
    the first columns show)."""
    if rtl():
        return list(reversed(columns))
    return list(columns)


def stage_label(stage: str) -> str:
    """A lead stage's name: English as the app always wrote it, the glossary's in fa and ar."""
    known = Stage(stage)
    if language() is Language.ENGLISH:
        return STAGE_LABELS[known]
    return glossary.stage_name(known, language())
