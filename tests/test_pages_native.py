"""Issue 20's meta-test: every page, in Persian and in Arabic, shows its reader no Latin.

A Persian (and an Arabic) demo world is built once per module: its people, teams, leads
and agreement are written in that language (`python -m sla_core demo --language fa|ar`),
so whatever a page still shows in Latin letters or Latin digits is the interface's. For a
user of every role, in each language, every page of the navigation is visited and what
it shows (tests/i18n_audit.py: titles, captions, texts, labels, options, help, metrics,
tabs, expanders, table headers and cells, chart titles) must hold no Latin word outside
code spans and product names, and no Latin digit. A failure lists page, kind and text.

The audit itself is pinned on tiny synthetic pages: it must see an English caption, a
Latin digit, an English table header and chart title, and pass a Persian page.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select
from streamlit.testing.v1 import AppTest

from sla_core import db
from sla_core.access import system_actor
from sla_core.db import session_scope
from sla_core.demo.world import load_demo
from sla_core.models import Lead, Role, User
from sla_core.people import users
from sla_core.stages import Stage
from tests.i18n_audit import NUMBER_TICKS, TIME_TICKS, Offence, Shown, offences, shown
from tests.support.apptest import (
    APP,
    PASSWORD,
    build_template,
    navigation,
    private_copy,
    sign_in,
)

LANGUAGES = ("fa", "ar")
LEADS = 1_500
# A demo user of every role.
USERS = {
    Role.ADMIN: "demo.admin",
    Role.SALES_MANAGER: "nasrin.f",
    Role.MARKETING_MANAGER: "elena.p",
    Role.SALES_REP: "daniel.o",
    Role.MARKETER: "amir.h",
    Role.VIEWER: "ravi.s",
}


def _world(language: str) -> Callable[[Engine], None]:
    def fill(engine: Engine) -> None:
        load_demo(engine=engine, actor=system_actor(), leads=LEADS, language=language)
        with session_scope(engine) as session:
            for user in session.exec(select(User)).all():
                user.language = language
                session.add(user)
            for username in USERS.values():
                users.set_password(
                    session=session, username=username, password=PASSWORD, actor=system_actor()
                )

    return fill


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The Persian and the Arabic demo world, each built once for the module."""
    return {
        language: build_template(tmp_path_factory, f"native-{language}", _world(language))
        for language in LANGUAGES
    }


def _report(found: dict[str, list[Offence]]) -> str:
    lines = []
    for page, items in sorted(found.items()):
        lines.append(f"{page}: {len(items)}")
        seen = set()
        for item in items:
            key = (item.kind, item.text)
            if key in seen:
                continue
            seen.add(key)
            lines.append(f"    {item.kind} [{item.what} {item.found!r}]: {item.text[:160]!r}")
    return "\n".join(lines)


def _usernames() -> frozenset[str]:
    """The world's usernames: identifiers people sign in with, Latin in every language."""
    with session_scope(db.make_engine(os.environ["DATABASE_URL"])) as session:
        return frozenset(session.exec(select(User.username)).all())


def _a_worked_lead() -> int:
    """A lead the rep worked to its end (touches, a disposition with its reason): its file
    shows the most. The rep's own, so every role that opens lead files may open it."""
    with session_scope(db.make_engine(os.environ["DATABASE_URL"])) as session:
        rep = session.exec(select(User.id).where(User.username == USERS[Role.SALES_REP])).one()
        lead = session.exec(
            select(Lead.id)
            .where(Lead.owner_id == rep, Lead.stage == Stage.NURTURE.value)
            .order_by(col(Lead.touches).desc(), col(Lead.id))
        ).first()
    assert lead is not None
    return lead


def visit_every_page(username: str) -> dict[str, list[Offence]]:
    """What each page of `username`'s navigation shows that is not in the reader's script;
    the lead file (a hidden page) with a worked lead open."""
    identifiers = _usernames()
    lead = _a_worked_lead()
    at = sign_in(username)
    assert not at.exception, at.exception
    found: dict[str, list[Offence]] = {}
    pages = sorted(navigation(at))
    for page in pages + (["pages/lead.py?id"] if "pages/lead.py" in pages else []):
        if page.endswith("?id"):
            at.query_params["id"] = str(lead)
        at.switch_page(page.removesuffix("?id")).run()
        if at.exception:
            found[page] = [Offence("exception", str(at.exception[0].value), "error", "")]
            continue
        if items := offences(shown(at), identifiers):
            found[page] = items
    return found


@pytest.mark.parametrize("role", list(USERS), ids=[r.value for r in USERS])
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_speaks_the_readers_language(
    language: str,
    role: Role,
    worlds: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    private_copy(worlds[language], tmp_path, monkeypatch)
    found = visit_every_page(USERS[role])
    if found:
        pytest.fail(f"{language}, {role.value}: Latin on these pages\n{_report(found)}", False)


@pytest.mark.parametrize("screen", ["sign-in", "setup"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_screens_before_signing_in_speak_the_readers_language(
    language: str,
    screen: str,
    worlds: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The sign-in form (a world with users) and the first-run setup (an empty database),
    in the language the reader chose in the sidebar."""
    if screen == "sign-in":
        private_copy(worlds[language], tmp_path, monkeypatch)
    else:
        monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["language"] = language
    at.run()
    assert not at.exception, at.exception
    assert at.text_input  # the form is there
    found = offences(shown(at))
    if found:
        pytest.fail(f"{language}, {screen}: Latin\n{_report({screen: found})}", False)


# --- The audit is pinned: it sees what it must, and passes what is right --------------------


def _english_page() -> None:
    import altair as alt
    import pandas as pd
    import streamlit as st

    st.caption("Hello 12")
    st.dataframe(pd.DataFrame({"Owner": ["سارا"]}))
    frame = pd.DataFrame({"x": [1], "y": [2]})
    st.altair_chart(alt.Chart(frame, title="Leads per month").mark_bar().encode(x="x", y="y"))


def _persian_page() -> None:
    import pandas as pd
    import streamlit as st

    st.title("نمای کلی")
    st.caption("۱۲ سرنخ در خطر، ۳٫۵٪ از MQLها · `demo.admin` · sara.k@brightpath.example")
    st.metric("سرنخ‌ها", "۱٬۲۳۴")
    st.dataframe(pd.DataFrame({"مالک": ["سارا"], "تعداد": ["۳"]}))


def test_the_audit_sees_an_english_caption_a_latin_digit_a_header_and_a_chart_title() -> None:
    at = AppTest.from_function(_english_page).run()
    found = {(o.kind, o.what, o.found) for o in offences(shown(at))}
    assert ("caption.body", "word", "Hello") in found
    assert ("caption.body", "digit", "1") in found
    assert any(kind.endswith(".header") and word == "Owner" for kind, _, word in found)
    assert any(kind.startswith("chart.") and word == "Leads" for kind, _, word in found)


def test_the_audit_passes_a_persian_page() -> None:
    at = AppTest.from_function(_persian_page).run()
    texts = shown(at)
    assert {t.text for t in texts} >= {"نمای کلی", "سرنخ‌ها", "۱٬۲۳۴", "مالک", "سارا"}
    assert offences(texts) == []


def _table_page() -> None:
    import pandas as pd
    import streamlit as st

    frame = pd.DataFrame(
        {"lead_key": ["demo-7-000123"], "accepted": [True], "leads": [1449],
         "internal": ["hidden"], "left_out": ["not drawn"]}
    )  # fmt: skip
    st.dataframe(
        frame,
        column_config={"lead_key": "شناسه در CRM", "accepted": "پذیرفته",
                       "leads": st.column_config.NumberColumn("سرنخ‌ها"), "internal": None},
        column_order=["lead_key", "accepted", "leads", "internal"],
    )  # fmt: skip
    st.dataframe(pd.DataFrame({"Owner": ["سارا"]}), hide_index=True)


def test_the_audit_reads_a_table_as_the_grid_draws_it() -> None:
    at = AppTest.from_function(_table_page).run()
    found = [(o.kind, o.what, o.text) for o in offences(shown(at))]
    # the grid draws the labels, not the column names, and no hidden or left-out column
    assert found == [("dataframe.cell", "digit", "1449"), ("dataframe.header", "word", "Owner")]


def _chart_page() -> None:
    import altair as alt
    import pandas as pd
    import streamlit as st

    from sla_core.i18n.charts import localise_spec
    from sla_core.i18n.languages import Language

    frame = pd.DataFrame({"هفته": pd.to_datetime(["2026-05-04"]), "MQLها": [12]})
    figure = alt.Chart(frame).mark_bar().encode(x="هفته:T", y="MQLها:Q")
    st.altair_chart(figure)  # an English chart: English months, Latin digits
    spec = localise_spec(figure.to_dict(), language=Language.PERSIAN, translate=str)
    st.altair_chart(alt.Chart.from_dict(spec, validate=False))  # local digits; months?


def test_the_audit_reads_what_a_charts_axes_print() -> None:
    at = AppTest.from_function(_chart_page).run()
    ticks = [o.text for o in offences(shown(at)) if o.kind == "chart.axis_labels"]
    # the English chart prints English months; the localised one prints the reader's own
    # labels (localise_spec turns the dates into them: an ordinal axis of written days)
    assert ticks.count(TIME_TICKS) == 1
    assert ticks.count(NUMBER_TICKS) == 2  # a word and a digit, on the English chart only


def test_the_audit_passes_over_the_worlds_usernames_only() -> None:
    texts = [Shown("dataframe.cell", "sara.k"), Shown("caption.body", "sara.k signed in")]
    assert [o.found for o in offences(texts, frozenset({"sara.k"}))] == ["signed"]
    assert [o.found for o in offences(texts, frozenset({"sara"}))] == ["sara", "sara"]
    # a placeholder may show an example username, and nothing else in Latin
    examples = [Shown("text_input.placeholder", "مثلاً sara.ahmadi"),
                Shown("text_input.placeholder", "e.g. sara.ahmadi"),
                Shown("caption.body", "مثلاً sara.ahmadi")]  # fmt: skip
    assert [(o.kind, o.found) for o in offences(examples)] == [
        ("text_input.placeholder", "e"),
        ("caption.body", "sara"),
    ]


# --- First run: the demo comes in the language of the person setting up --------------------


def test_setup_loads_the_demo_in_the_language_chosen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sla_core.demo import world

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    asked: list[object] = []

    def load(**kwargs: object) -> world.DemoResult:
        asked.append(kwargs.get("language"))
        return world.DemoResult(leads=0, passwords={})

    monkeypatch.setattr(world, "load_demo", load)
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["language"] = "fa"
    at.run()
    for key, value in (("setup_username", "boss"), ("setup_name", "بهاره بهرامی"),
                       ("setup_email", "boss@example.com"), ("setup_password", "Boss#2026x"),
                       ("setup_password_again", "Boss#2026x")):  # fmt: skip
        at.text_input(key=key).input(value)
    at.checkbox(key="setup_load_demo").set_value(True)
    at.button(key="setup_submit").click().run()
    assert not at.exception
    assert asked == ["fa"]
