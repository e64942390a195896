"""Languages, digits, numbers, dates and calendars for English, Persian and Arabic readers."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import pytest

from sla_core.i18n import catalogue, dates, glossary, numbers
from sla_core.i18n.charts import localise_spec
from sla_core.i18n.languages import Language, direction, parse_language
from sla_core.overview import charts
from sla_core.periods import Calendar, month_containing, parse_period, quarter_containing
from sla_core.stages import Stage
from sla_core.terms import default_stage_definitions

EN, FA, AR = Language.ENGLISH, Language.PERSIAN, Language.ARABIC


@pytest.mark.parametrize(
    ("code", "expected"),
    [("fa", FA), ("fa-IR", FA), ("ar_EG", AR), ("AR", AR), ("en-GB", EN), ("de", EN),
     ("", EN), (None, EN)],
)  # fmt: skip
def test_parse_language(code: str | None, expected: Language) -> None:
    assert parse_language(code) is expected


def test_direction() -> None:
    assert (direction(EN), direction(FA), direction(AR)) == ("ltr", "rtl", "rtl")


@pytest.mark.parametrize(
    ("value", "language", "decimals", "expected"),
    [
        (1234567, EN, 0, "1,234,567"),
        (1234567, FA, 0, "۱٬۲۳۴٬۵۶۷"),
        (1234567, AR, 0, "١٬٢٣٤٬٥٦٧"),
        (7.25, FA, 2, "۷٫۲۵"),
        (0, AR, 0, "٠"),
        (None, FA, 0, "—"),
    ],
)
def test_format_number(
    value: float | None, language: Language, decimals: int, expected: str
) -> None:
    assert numbers.format_number(value, language, decimals) == expected


@pytest.mark.parametrize(
    ("value", "language", "expected"),
    [(87.5, EN, "87.5 %"), (87.5, FA, "۸۷٫۵٪"), (87.5, AR, "٨٧٫٥٪"), (None, AR, "—")],
)
def test_format_percent(value: float | None, language: Language, expected: str) -> None:
    assert numbers.format_percent(value, language) == expected


def test_signed_numbers_keep_their_sign() -> None:
    assert [numbers.format_signed(v, FA) for v in (12, -3, 0)] == ["+۱۲", "-۳", "۰"]


def test_digits_round_trip() -> None:
    assert numbers.latin_digits(numbers.local_digits("v12 (2026)", FA)) == "v12 (2026)"
    assert numbers.latin_digits("١٤٠٥/۰۲") == "1405/02"


@pytest.mark.parametrize(
    ("day", "language", "calendar", "long", "expected"),
    [
        (date(2026, 5, 3), EN, Calendar.GREGORIAN, True, "3 May 2026"),
        (date(2026, 5, 3), EN, Calendar.GREGORIAN, False, "2026-05-03"),
        # 3 May 2026 is 13 Ordibehesht 1405.
        (date(2026, 5, 3), FA, Calendar.JALALI, True, "۱۳ اردیبهشت ۱۴۰۵"),
        (date(2026, 5, 3), FA, Calendar.JALALI, False, "۱۴۰۵/۰۲/۱۳"),
        (date(2026, 5, 3), EN, Calendar.JALALI, True, "13 Ordibehesht 1405"),
        (date(2026, 5, 3), AR, Calendar.GREGORIAN, True, "٣ مايو ٢٠٢٦"),
        # The Persian article's date: 1398/02/08 is 28 April 2019.
        (date(2019, 4, 28), FA, Calendar.JALALI, False, "۱۳۹۸/۰۲/۰۸"),
    ],
)
def test_format_date(
    day: date, language: Language, calendar: Calendar, long: bool, expected: str
) -> None:
    assert dates.format_date(day, language, calendar, long=long) == expected


def test_instants_are_shown_in_the_organisation_zone() -> None:
    # 20:45 UTC on 20 March 2026 is 00:15 on 21 March in Tehran (+03:30): 1 Farvardin 1405.
    instant = datetime(2026, 3, 20, 20, 45, tzinfo=UTC)
    assert dates.format_instant(instant, FA, zone="Asia/Tehran", calendar=Calendar.JALALI) == (
        "۱۴۰۵/۰۱/۰۱ ۰۰:۱۵"
    )
    assert dates.format_instant(instant, EN, zone="UTC", calendar=Calendar.GREGORIAN) == (
        "2026-03-20 20:45"
    )
    assert dates.format_instant(None, FA, zone="UTC", calendar=Calendar.JALALI) == "—"
    assert dates.format_instant(pd.NaT, FA, zone="UTC", calendar=Calendar.JALALI) == "—"


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        dates.format_instant(datetime(2026, 1, 1), EN, zone="UTC", calendar=Calendar.GREGORIAN)


@pytest.mark.parametrize(
    ("year", "month", "calendar", "days"),
    [
        (1405, 1, Calendar.JALALI, 31),  # Farvardin
        (1405, 7, Calendar.JALALI, 30),  # Mehr
        (1403, 12, Calendar.JALALI, 30),  # Esfand of a leap year
        (1404, 12, Calendar.JALALI, 29),
        (2028, 2, Calendar.GREGORIAN, 29),
        (2026, 2, Calendar.GREGORIAN, 28),
    ],
)
def test_days_in_month(year: int, month: int, calendar: Calendar, days: int) -> None:
    assert dates.days_in_month(year, month, calendar) == days


def test_calendar_parts_round_trip() -> None:
    for day in pd.date_range("2025-03-15", "2026-03-25").date:
        parts = dates.calendar_parts(day, Calendar.JALALI)
        assert dates.from_parts(*parts, Calendar.JALALI) == day


def test_impossible_jalali_date_is_refused() -> None:
    with pytest.raises(ValueError):
        dates.from_parts(1404, 12, 30, Calendar.JALALI)


def test_display_calendar_and_week_start() -> None:
    assert dates.display_calendar(FA, Calendar.GREGORIAN) is Calendar.JALALI
    assert dates.display_calendar(EN, Calendar.JALALI) is Calendar.JALALI
    assert dates.display_calendar(AR, Calendar.GREGORIAN) is Calendar.GREGORIAN
    assert [dates.default_week_start(x) for x in (EN, FA, AR)] == ["monday", "saturday", "monday"]


def test_period_names() -> None:
    jalali = month_containing(
        datetime(2026, 5, 3, tzinfo=UTC), zone="Asia/Tehran", calendar=Calendar.JALALI
    )
    assert dates.period_name(jalali, FA) == "اردیبهشت ۱۴۰۵"
    assert dates.period_name(jalali, EN) == "Ordibehesht 1405"
    assert dates.period_name(parse_period("2026-05"), EN) == "May 2026"
    assert dates.period_name(parse_period("2026-05"), AR) == "مايو ٢٠٢٦"
    quarter = quarter_containing(datetime(2026, 5, 3, tzinfo=UTC), calendar=Calendar.JALALI)
    assert dates.period_name(quarter, FA) == "فصل ۱ ۱۴۰۵"
    assert dates.period_name(parse_period("2026-Q2"), EN) == "Q2 2026"


def test_month_names_have_twelve_entries_in_every_language() -> None:
    for language in Language:
        for calendar in Calendar:
            names = dates.month_names(language, calendar)
            assert len(names) == 12 and len(set(names)) == 12


def test_glossary_covers_every_stage_in_every_language() -> None:
    for stage in Stage:
        term = glossary.STAGES[stage]
        assert set(term.names) == set(Language) == set(term.definitions)
        assert all(term.names.values()) and all(term.definitions.values())


def test_glossary_uses_the_articles_terms() -> None:
    assert glossary.stage_name(Stage.LEAD, FA) == "سرنخ"
    assert glossary.stage_name(Stage.OPPORTUNITY, FA) == "فرصت فروش"
    assert "مؤهل للتسويق" in glossary.stage_name(Stage.MQL, AR)
    assert "MQL" in glossary.stage_name(Stage.MQL, FA)


def test_english_glossary_is_the_agreements_default() -> None:
    assert glossary.stage_definitions(EN) == default_stage_definitions()


@pytest.mark.parametrize(
    ("text", "names"),
    [("{count} of {total:,} leads", {"count", "total"}), ("{{literal}} {x!r}", {"x"}),
     ("no placeholder", set())],
)  # fmt: skip
def test_placeholders(text: str, names: set[str]) -> None:
    assert catalogue.placeholders(text) == names


def test_translate_uses_the_catalogue_and_falls_back_to_english() -> None:
    assert catalogue.translate("Language", FA) == "زبان"
    assert catalogue.translate("Language", AR) == "اللغة"
    assert catalogue.translate("Language", EN) == "Language"
    assert catalogue.translate("A sentence nobody translated", FA) == "A sentence nobody translated"


def _trend_spec() -> dict[str, object]:
    weeks = pd.date_range("2026-01-05", periods=3, freq="7D", tz="UTC")
    return charts.weekly_trend(pd.DataFrame({"week": weeks, "mqls": [1, 2, 3]})).to_dict()


def test_charts_for_persian_readers_are_mirrored_translated_and_in_persian_digits() -> None:
    spec = localise_spec(_trend_spec(), language=FA, translate=lambda s: f"«{s}»")
    assert spec["encoding"]["x"]["scale"]["reverse"] is True
    assert spec["encoding"]["y"]["axis"]["orient"] == "right"
    # isolated: the title keeps its right-to-left order in a chart drawn left to right
    assert spec["encoding"]["y"]["title"] == "\u2067«MQLs»\u2069"
    assert spec["config"]["locale"]["number"]["numerals"] == list(numbers.PERSIAN_DIGITS)
    assert spec["config"]["font"] == "Vazirmatn"


def test_charts_for_english_readers_are_left_alone() -> None:
    spec = _trend_spec()
    assert localise_spec(spec, language=EN, translate=str.upper) == spec


def test_chart_data_are_never_translated() -> None:
    spec = localise_spec(
        charts.gauge(50.0, 60.0, "Dispositioned in time").to_dict(),
        language=AR,
        translate=lambda s: "X",
    )
    assert spec["title"]["text"] == "\u2067X\u2069"
    assert "target 60 %" in str(spec["datasets"])


def test_table_columns_of_instants_become_local_text() -> None:
    column = pd.Series(
        [pd.Timestamp("2026-03-20 20:45", tz="UTC"), pd.NaT, pd.Timestamp("2026-05-03", tz="UTC")]
    )
    shown = dates.format_instants(column, FA, zone="Asia/Tehran", calendar=Calendar.JALALI)
    assert shown.tolist() == ["۱۴۰۵/۰۱/۰۱ ۰۰:۱۵", "", "۱۴۰۵/۰۲/۱۳ ۰۳:۳۰"]
    english = dates.format_instants(column, EN, zone="UTC", calendar=Calendar.GREGORIAN)
    assert english.tolist() == ["2026-03-20 20:45", "", "2026-05-03 00:00"]


def test_a_message_is_its_english_sentence_and_keeps_its_template() -> None:
    import pickle

    from sla_core.i18n.message import Message

    note = Message.of("Nobody on the board in {period}.", period="1405-01")
    assert note == "Nobody on the board in 1405-01." and isinstance(note, str)
    again = pickle.loads(pickle.dumps(note))
    assert (again, again.template, again.values) == (note, note.template, {"period": "1405-01"})


def test_words_printed_by_text_marks_go_through_the_text_hook() -> None:
    spec = localise_spec(
        charts.gauge(50.0, 60.0, "Dispositioned in time").to_dict(),
        language=FA,
        translate=str,
        text=lambda s: numbers.local_digits(s, FA),
    )
    assert "۶۰" in str(spec["datasets"]) and "value" in str(spec["datasets"])


def test_a_column_with_no_instants_becomes_empty_text() -> None:
    column = pd.Series([pd.NaT, pd.NaT], dtype="datetime64[us, UTC]")
    shown = dates.format_instants(column, FA, zone="UTC", calendar=Calendar.JALALI)
    assert shown.tolist() == ["", ""]
