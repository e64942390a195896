"""Issue 20 on the sales-side pages: a Persian or Arabic reader reads them in their words.

Overview, Compliance, the work queue, Leads, a lead, the Leaderboard, Reports and Routing are
rendered (AppTest) on a small demo world in fa and ar, for a sales manager, a rep and the
admin, and everything they show goes through `tests/i18n_audit.py`: no Latin word (outside
product names and acronyms) and no Latin digit may remain, except the demo's data (people,
companies, teams, lead sources: what a team typed, in English in the demo world).

Tables' cells and headers (helper "tables") and charts (helper "charts") are read by their own
tests and left out here; the segmented controls, which the audit does not read yet, are.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from sla_core import db
from sla_core.access import system_actor
from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.demo.world import load_demo
from sla_core.gamification.advice import UNITS, unit_words
from sla_core.i18n import catalogue, dates
from sla_core.i18n.languages import Language
from sla_core.i18n.message import Message
from sla_core.i18n.numbers import local_digits
from sla_core.models import Lead, Team, User
from sla_core.periods import Calendar, month_containing
from sla_core.sla.queue import countdown
from tests.i18n_audit import Offence, Shown, offences, shown
from tests.support.apptest import (
    APP,
    build_template,
    button,
    navigation,
    private_copy,
    speak_everyone,
)

PAGES = (
    "pages/overview.py", "pages/compliance.py", "pages/queue.py", "pages/leads.py",
    "pages/lead.py", "pages/leaderboard.py", "pages/reports.py", "pages/routing.py",
)  # fmt: skip
READERS = ("nasrin.f", "daniel.o", "demo.admin")  # a sales manager, a rep, the admin
NOT_OURS = ("dataframe", "arrow", "chart.")  # tables' and charts' words: their own tests


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A small demo world; the demo people's passwords."""
    passwords: dict[str, str] = {}

    def fill(engine: object) -> None:
        result = load_demo(engine=engine, actor=system_actor(), leads=1500, seed=7)  # type: ignore[arg-type]
        passwords.update(result.passwords)

    return build_template(tmp_path_factory, "sales_words", fill), passwords


def _data(url: str) -> list[str]:
    """The demo's data a page may show as it is, longest first: names, companies, teams,
    sources (what a team typed; the Persian demo world writes them in Persian)."""
    engine = db.make_engine(url)
    with session_scope(engine) as session:
        texts = {u.name for u in session.exec(select(User)).all()}
        texts |= {t.name for t in session.exec(select(Team)).all()}
        for lead in session.exec(select(Lead)).all():
            texts |= {f"{lead.first_name} {lead.last_name}", lead.company or "", lead.source or ""}
    engine.dispose()
    return sorted((t for t in texts if t), key=len, reverse=True)


def _open_lead(url: str) -> int:
    """An owned lead that still waits for a disposition (the rep sees it only if theirs)."""
    engine = db.make_engine(url)
    with session_scope(engine) as session:
        lead = session.exec(
            select(Lead).where(Lead.owner_id != None, Lead.stage.in_(["mql", "sal", "sql"]))  # type: ignore[attr-defined]  # noqa: E711
        ).first()
        assert lead is not None and lead.id is not None
        lead_id = lead.id
    engine.dispose()
    return lead_id


def _segments(at: AppTest) -> list[Shown]:
    """The options of segmented controls (the audit reads their labels only)."""
    return [
        Shown("button_group.option", option.content)
        for group in at.get("button_group")
        for option in group.proto.options
    ]


def _not_data(found: list[Shown], data: list[str]) -> list[Offence]:
    """Offences in what a page shows once the demo's data is taken out of it."""
    kept = []
    for item in found:
        if item.kind.startswith(NOT_OURS):
            continue
        text = item.text.replace("\\", "")  # Markdown escapes
        for value in data:
            text = text.replace(value, " ")
        kept.append(Shown(item.kind, text))
    return offences(kept)


@pytest.mark.parametrize("language", ["fa", "ar"])
def test_the_sales_pages_speak_the_readers_language(
    world: tuple[Path, dict[str, str]],
    language: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    template, passwords = world
    url = private_copy(template, tmp_path, monkeypatch)
    speak_everyone(url, language)
    data = _data(url)
    lead_id = _open_lead(url)
    found: dict[str, list[str]] = {}
    visited: dict[str, int] = {}
    for username in READERS:
        at = AppTest.from_file(APP, default_timeout=60).run()
        at.text_input[0].input(username)
        at.text_input[1].input(passwords[username])
        at = button(at, "Sign in").click().run()
        for page in sorted(set(PAGES) & navigation(at)):  # the pages this role may open
            visited[username] = visited.get(username, 0) + 1
            at.switch_page(page).run()
            if page == "pages/lead.py":
                at.query_params["id"] = str(lead_id)
                at.run()
            assert not at.exception, (username, page, at.exception)
            for box in [*at.multiselect, *at.selectbox]:  # else Streamlit's English shows
                if box.proto.placeholder == "" and not box.value:
                    found.setdefault(f"{username} {page}", []).append(
                        f"no placeholder: {box.label}"
                    )
            for offence in _not_data(shown(at) + _segments(at), data):
                found.setdefault(f"{username} {page}", []).append(
                    f"[{offence.kind}] {offence.found}: {offence.text[:120]!r}"
                )
    assert visited == {"nasrin.f": 8, "daniel.o": 6, "demo.admin": 8}
    assert found == {}


@pytest.mark.parametrize(
    ("language", "shown_in"), [("fa", Calendar.JALALI), ("ar", Calendar.GREGORIAN)]
)
def test_the_overview_names_its_period_in_one_calendar(
    world: tuple[Path, dict[str, str]],
    language: str,
    shown_in: Calendar,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 20: "دسامبر ۲۰۲۶ (UTC)، شمارش تا ۱۴۰۵/۰۹/۱۵" mixed two calendars in one sentence.
    A Persian reader's month is a Jalali month; the custom range is picked in the reader's
    calendar and digits, and the caption names the zone in words."""
    template, passwords = world
    url = private_copy(template, tmp_path, monkeypatch)
    speak_everyone(url, language)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_input[0].input("nasrin.f")
    at.text_input[1].input(passwords["nasrin.f"])
    at = button(at, "Sign in").click().run()
    at.switch_page("pages/overview.py").run()
    reader = Language(language)
    month = dates.period_name(month_containing(now(), calendar=shown_in), reader)
    assert month.startswith(("آذر", "دی", "آبان")) if reader is Language.PERSIAN else month
    caption = at.caption[0].value
    assert caption.startswith(f"{month}، ")
    assert "UTC" in caption and "(UTC)" not in caption  # "به وقت UTC" / "بتوقيت UTC"
    assert not re.search("[0-9]", caption) and "دسامبر" not in caption
    at.segmented_control(key="overview_period").set_value("custom").run()
    assert not at.get("date_input")  # Streamlit's picker writes Latin digits
    years = at.selectbox(key="overview_days_from_year").options
    assert "—" in years and all(not re.search("[0-9]", y) for y in years)
    at.switch_page("pages/leads.py").run()  # the pager too: Streamlit's number box is Latin
    assert not at.number_input and at.selectbox(key="leads_page").options[:2] == [
        local_digits("1", reader),
        local_digits("2", reader),
    ]


@pytest.mark.parametrize(
    ("language", "needed", "expected"),
    [
        (Language.ENGLISH, 1, "1 more deal won"),
        (Language.ENGLISH, 3, "3 more deals won"),
        (Language.PERSIAN, 1, "۱ معاملهٔ موفق دیگر"),
        (Language.ARABIC, 1, "صفقة رابحة إضافية واحدة"),
        (Language.ARABIC, 2, "صفقتان رابحتان إضافيتان"),
        (Language.ARABIC, 3, "٣ صفقات رابحة إضافية"),
        (Language.ARABIC, 11, "١١ صفقةً رابحةً إضافية"),
    ],
)
def test_advice_takes_the_plural_its_count_needs(
    language: Language, needed: int, expected: str
) -> None:
    """Issue 20: "1 more deals won". Each level's advice is one counted message."""
    forms = UNITS["conversion"]
    said = catalogue.translate_plural(*forms, needed, language)
    assert said.format(count=local_digits(str(needed), language)) == expected
    assert unit_words("conversion", 1) == "1 more deal won"
    assert unit_words("disposition", 2) == "2 more leads dispositioned in time"


def test_every_level_of_advice_is_translated_in_every_form() -> None:
    readers = ((Language.PERSIAN, (1, 2)), (Language.ARABIC, (0, 1, 2, 3, 11, 100)))
    for forms in UNITS.values():
        for language, counts in readers:
            for count in counts:
                said = catalogue.translate_plural(*forms, count, language)
                words = re.sub(r"\{\w+\}|MQL", "", said)
                assert said not in forms and not re.search("[A-Za-z]", words), said


@pytest.mark.parametrize(
    ("hours", "language", "expected"),
    [
        (0.5, Language.PERSIAN, "۳۰ دقیقه مانده"),
        (10.2, Language.PERSIAN, "۱۰ ساعت مانده"),
        (-72.0, Language.PERSIAN, "۳ روز تأخیر"),
        (1.2, Language.ARABIC, "خلال ساعة واحدة"),
        (2.0, Language.ARABIC, "خلال ساعتين"),
        (5.0, Language.ARABIC, "خلال ٥ ساعات"),
        (20.0, Language.ARABIC, "خلال ٢٠ ساعة"),
        (-24 * 4.2, Language.ARABIC, "متأخر ٤ أيام"),
        (24 * 30.0, Language.ARABIC, "خلال ٣٠ يومًا"),
        (24 * 1.0, Language.ENGLISH, "in 24 h"),
        (48.0, Language.ENGLISH, "in 2 days"),
    ],
)
def test_countdowns_read_in_the_readers_words_and_plural(
    hours: float, language: Language, expected: str
) -> None:
    """The queue's and the lead page's "time left", as the page shows it (`ui.i18n._`)."""
    [words] = countdown(pd.Series([hours])).tolist()
    values = {k: local_digits(str(v), language) for k, v in words.values.items()}
    assert words.pattern(language).format(**values) == expected


def _countdown_page() -> None:
    import pandas as pd
    import streamlit as st

    from sla_core.sla.queue import countdown
    from ui.i18n import _

    st.session_state["language"] = "ar"
    for words in countdown(pd.Series([1.0, 2.0, 3.0, 24 * 2.5, 24 * 11.0])):
        st.text(_(words))


def test_a_page_shows_countdowns_in_arabic_plurals() -> None:
    at = AppTest.from_function(_countdown_page).run()
    assert [t.value for t in at.text] == [
        "خلال ساعة واحدة", "خلال ساعتين", "خلال ٣ ساعات", "خلال يومين", "خلال ١١ يومًا",
    ]  # fmt: skip


def test_a_pdfs_verdict_reads_in_the_readers_language() -> None:
    """Issue 20: the Verify-a-PDF verdict was English in every language."""
    from sla_core.agreement.verify import verify_pdf

    verdict = verify_pdf(session=None, data=b"not a pdf")  # type: ignore[arg-type]  # refused before any query
    assert isinstance(verdict.reason, Message) and verdict.reason == "not a PDF file"
    assert verdict.reason.pattern(Language.PERSIAN) == "فایل PDF نیست"
    assert verdict.reason.pattern(Language.ARABIC) == "ليس ملف PDF"


@pytest.mark.parametrize(
    ("text", "number"),
    [("۱۲٬۵۰۰٫۵", 12500.5), ("١٢٬٥٠٠", 12500.0), ("12,500", 12500.0), ("−۵", -5.0), ("", None),
     ("پنج", None)],
)  # fmt: skip
def test_amounts_are_read_in_any_digits(text: str, number: float | None) -> None:
    from ui.amounts import parse_amount

    assert parse_amount(text) == number


def _amount_page() -> None:
    import streamlit as st

    from ui.amounts import amount_input

    st.session_state["language"] = "fa"
    value = amount_input("Deal value", key="deal", value=0.0, step=1000.0, min_value=0.0)
    st.text(repr(value))


def test_a_persian_reader_types_an_amount_in_persian_digits() -> None:
    """Streamlit's number box writes "0.00"; a Persian reader sees and types "۰"."""
    at = AppTest.from_function(_amount_page).run()
    assert not at.number_input and at.text_input(key="deal").value == "۰"
    at.text_input(key="deal").input("۱۲٬۵۰۰").run()
    assert at.text[0].value == "12500.0" and not at.error
    at.text_input(key="deal").input("−۵").run()
    assert at.text[0].value == "None" and at.error[0].value == "عددی دست‌کم ۰ بنویسید."


@pytest.mark.parametrize("language", [Language.PERSIAN, Language.ARABIC])
def test_the_badges_earned_so_far_read_in_the_readers_words(
    world: tuple[Path, dict[str, str]],
    language: Language,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 20: the leaderboard's badge table said "Badge", "silver", "2 month(s) in a row"."""
    template, passwords = world
    url = private_copy(template, tmp_path, monkeypatch)
    speak_everyone(url, language.value)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_input[0].input("nasrin.f")
    at.text_input[1].input(passwords["nasrin.f"])
    at = button(at, "Sign in").click().run()
    at.switch_page("pages/leaderboard.py").run()
    said = {word: catalogue.translate(word, language) for word in ("Badge", "Tier", "Why")}
    [table] = [t.value for t in at.dataframe if said["Badge"] in t.value.columns]
    assert len(table) and "Badge" not in table.columns
    words = table[[said["Badge"], said["Tier"], said["Why"]]].astype(str).to_numpy().ravel()
    assert all(not re.search("[A-Za-z0-9]", w) for w in words), words


def test_badge_reasons_take_the_plural_their_count_needs() -> None:
    from sla_core.gamification import badges

    history = pd.DataFrame(
        {
            "subject_id": [1, 2, 1, 2],
            "period": ["2026-05", "2026-05", "2026-06", "2026-06"],
            "disposition_due": [3, 0, 4, 5],
            "dispositioned_in_time": [3, 0, 4, 5],
            "levels_scored": [1, 1, 1, 1],
            "levels_met": [0, 0, 0, 0],
            "pct_to_goal": [50.0, 60.0, 50.0, 61.0],
        }
    )
    found = badges.monthly_badges(history)
    in_time = found[found["badge"] == "every_lead_in_time"].set_index("subject_id")["detail"]
    assert (in_time[1], in_time[2]) == ("2 months in a row", "1 month in a row")
    assert in_time[2].pattern(Language.ARABIC) == "شهر واحد متتالٍ"
    assert in_time[1].pattern(Language.PERSIAN).format(n="۲") == "۲ ماه پیاپی"
