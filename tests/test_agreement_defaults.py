"""The agreement's default texts in every language, and the figures sla_core's messages carry.

Issue 20: a new agreement drafted by a Persian or Arabic reader gets that language's default
title, stage definitions and team names; an agreement whose stored text is still a default
shows the reader's default without changing what is stored (nor its hash); what a team
wrote stays as written.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import Engine

from sla_core import agreement
from sla_core.agreement.versions import content_hash
from sla_core.db import session_scope
from sla_core.i18n import glossary
from sla_core.i18n.languages import Language
from sla_core.i18n.message import Figure, Message, PeriodText
from sla_core.periods import Calendar, quarter_containing
from sla_core.terms import AgreementContent
from sla_core.terms.defaults import (
    PARTIES,
    TITLES,
    default_content,
    kept_stage_definitions,
    shown_stage_definitions,
    shown_title,
)

FA, AR, EN = Language.PERSIAN, Language.ARABIC, Language.ENGLISH


def test_the_english_defaults_are_the_contents_own() -> None:
    """English keeps exactly the content (and so the hash) every agreement started with."""
    assert default_content(EN) == AgreementContent()
    assert content_hash(default_content(EN)) == content_hash(AgreementContent())


@pytest.mark.parametrize("language", [FA, AR])
def test_a_new_agreement_in_persian_or_arabic_has_that_languages_default_texts(
    language: Language,
) -> None:
    content = default_content(language)
    assert content.title == TITLES[language] != TITLES[EN]
    assert content.stage_definitions == glossary.stage_definitions(language)
    assert content.parties == PARTIES[language]
    assert content.mql == AgreementContent().mql  # the numbers are the same everywhere


def test_a_default_title_reads_in_the_readers_language_a_written_one_as_written() -> None:
    assert shown_title(TITLES[EN], FA) == "توافق‌نامه سطح خدمات فروش و بازاریابی"
    assert shown_title(TITLES[FA], AR) == TITLES[AR]
    assert shown_title(TITLES[AR], EN) == TITLES[EN]
    assert shown_title("SLA of Acme", FA) == "SLA of Acme"


def test_default_stage_definitions_read_in_the_readers_language_written_ones_stay() -> None:
    stored = dict(AgreementContent().stage_definitions)
    stored["won"] = "Signed and paid."
    shown = shown_stage_definitions(stored, FA)
    assert shown["lead"] == glossary.stage_definitions(FA)["lead"]
    assert shown["won"] == "Signed and paid."
    assert shown_stage_definitions(glossary.stage_definitions(AR), EN)["lead"] == (
        "Any contact captured by a marketing channel."
    )


def test_saving_a_translated_default_unchanged_keeps_what_is_stored() -> None:
    stored = dict(AgreementContent().stage_definitions)
    shown = shown_stage_definitions(stored, AR)
    typed = dict(shown, lost="صفقة أُغلقت دون بيع، مع السبب.")
    kept = kept_stage_definitions(stored, shown, typed)
    assert kept["lead"] == stored["lead"]  # shown in Arabic, left as shown: not a change
    assert kept["lost"] == "صفقة أُغلقت دون بيع، مع السبب."  # edited: saved as typed
    assert kept_stage_definitions(stored, shown, shown) == stored


def test_the_first_agreement_takes_its_readers_language(sqlite_engine: Engine) -> None:
    with session_scope(sqlite_engine) as session:
        first = agreement.governing_version(session=session, language=AR)
        assert first.content.title == TITLES[AR]
        # once drafted, the agreement is what it is, whoever opens it next
        again = agreement.working_version(session=session, language=FA)
        assert agreement.load_content(again).title == TITLES[AR]


def test_a_figure_reads_as_english_text_and_keeps_its_number() -> None:
    assert Figure(1234.5, 1) == "1,234.5"
    assert Figure(7, english="7") == "7"
    figure = pickle.loads(pickle.dumps(Figure(6.92, 2, english="6.92")))
    assert (figure, figure.value, figure.decimals) == ("6.92", 6.92, 2)
    said = Message.of("{value} % of the MQLs", value=Figure(6.92, 2))
    assert said == "6.92 % of the MQLs"


def test_a_period_reads_as_its_label_and_keeps_the_period() -> None:
    quarter = quarter_containing(datetime(2026, 8, 1, tzinfo=UTC), calendar=Calendar.GREGORIAN)
    text = PeriodText(quarter)
    assert text == "2026-Q3" and text.period == quarter
    assert pickle.loads(pickle.dumps(text)).period == quarter


@pytest.fixture
def reader() -> Iterator[Callable[[str], None]]:
    """Speak a language in this (bare) session for one test, English again after it."""
    from ui.i18n import use_language

    yield use_language
    use_language("en")


def test_the_reader_gets_the_figures_in_their_digits_and_the_period_in_their_calendar(
    reader: Callable[[str], None],
) -> None:
    from ui.i18n import _

    quarter = quarter_containing(datetime(2026, 11, 1, tzinfo=UTC), calendar=Calendar.JALALI)
    said = Message.of(
        "last quarter ({period}): {value} MQLs per marketer per month",
        period=PeriodText(quarter),
        value=Figure(1234.5, 1),
    )
    reader("fa")
    assert _(said) == "فصل گذشته (فصل ۳ ۱۴۰۵): ۱٬۲۳۴٫۵ MQL برای هر بازاریاب در ماه"
    reader("ar")
    assert "١٬٢٣٤٫٥" in _(said)
    reader("en")
    # a Jalali quarter read in the Gregorian calendar names its days too (ui.i18n.period_name)
    assert _(said) == (
        "last quarter (Q3 1405 (23 September 2026 to 21 December 2026)): "
        "1,234.5 MQLs per marketer per month"
    )


def test_default_team_names_read_in_the_readers_language_written_ones_stay() -> None:
    from sla_core.terms.defaults import shown_parties

    assert shown_parties(("Sales team", "Marketing team"), AR) == ("فريق المبيعات", "فريق التسويق")
    assert shown_parties(PARTIES[FA], EN) == ("Sales team", "Marketing team")
    assert shown_parties(("Team Rocket", "Growth"), FA) == ("Team Rocket", "Growth")


def test_a_verdict_names_the_signers_roles_in_the_readers_words(
    reader: Callable[[str], None],
) -> None:
    from sla_core.agreement.document import Cover, SignatureLine
    from sla_core.agreement.verify import _signers
    from ui.i18n import _

    signed = datetime(2026, 5, 1, tzinfo=UTC)
    cover = Cover(
        number=3,
        status="signed and in force",
        content_hash="0" * 64,
        signatures=(
            SignatureLine("نسرین فراهانی", "sales_manager", signed),
            SignatureLine("الینا پتروا", "marketing_manager", signed),
        ),
        appendix_period="",
        appendix=(),
    )
    said = Message.of(
        "matches version {number}, in force; signed by {names}",
        number=Figure(3),
        names=_signers(cover),
    )
    assert said == (
        "matches version 3, in force; signed by نسرین فراهانی (Sales manager), "
        "الینا پتروا (Marketing manager)"
    )
    reader("fa")
    assert _(said) == (
        "با نسخه ۳ می‌خواند که جاری است؛ امضاکنندگان: نسرین فراهانی (مدیر فروش)، "
        "الینا پتروا (مدیر بازاریابی)"
    )


def test_a_domain_error_reads_in_the_readers_language(reader: Callable[[str], None]) -> None:
    """sla_core raises a Message where it can: the CLI prints the English, a page the
    reader's language (ui.widgets.plain and clause)."""
    from sla_core.people.users import UserError, validate_password
    from ui.widgets import clause, plain

    with pytest.raises(UserError) as caught:
        validate_password("short")
    assert str(caught.value) == "the password needs at least 8 characters"
    reader("fa")
    assert clause(caught.value) == "گذرواژه باید دست‌کم ۸ نویسه داشته باشد"
    reader("ar")
    assert plain(caught.value) == "تحتاج كلمة المرور إلى ٨ أحرف على الأقل"
