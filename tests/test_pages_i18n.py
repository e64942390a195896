"""AppTest: the app in Persian and Arabic — the language switch, and every page in fa and ar."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from sla_core import db, org
from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.models import Lead, Role, User
from sla_core.org import Weekday
from sla_core.periods import Calendar
from tests.support.apptest import (
    ROOT,
    build_template,
    navigation,
    one_user_per_role,
    private_copy,
    rerun_frame,
    sign_in,
)


def _persian_leads(engine: Engine) -> None:
    """One user per role (usernames as the role without "_") and a few leads."""
    ids = one_user_per_role(engine, name="آزمون {role}")
    with session_scope(engine) as session:
        at = now() - timedelta(days=1)
        for key, owner in (("own", ids[Role.SALES_REP]), ("other", ids[Role.ADMIN])):
            session.add(
                Lead(
                    lead_key=key,
                    first_name="سارا",
                    last_name="احمدی",
                    company="شرکت نمونه",
                    email=f"{key}@example.com",
                    stage="mql",
                    source="webinar",
                    owner_id=owner,
                    created_at=at,
                    mql_at=at,
                    assigned_at=at,
                    updated_at=at,
                )
            )


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One user per role and a few leads with Persian names, built once."""
    return build_template(tmp_path_factory, "i18n", _persian_leads)


@pytest.fixture
def app_url(template_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    return private_copy(template_db, tmp_path, monkeypatch)


def speak(url: str, username: str, language: str) -> None:
    engine = db.make_engine(url)
    with session_scope(engine) as session:
        user = session.exec(select(User).where(User.username == username)).one()
        user.language = language
        session.add(user)
    engine.dispose()


def test_the_switch_saves_the_language_and_the_sidebar_speaks_it(app_url: str) -> None:
    at = sign_in("salesmanager")
    assert at.sidebar.selectbox(key="sidebar_language").label == "Language"
    at.sidebar.selectbox(key="sidebar_language").select("fa").run()
    assert not at.exception
    assert at.session_state["language"] == "fa"
    engine = db.make_engine(app_url)
    with session_scope(engine) as session:
        stored = session.exec(select(User).where(User.username == "salesmanager")).one()
        assert stored.language == "fa"
    engine.dispose()
    at = rerun_frame(at)
    assert at.sidebar.selectbox(key="sidebar_language").label == "زبان"
    assert at.sidebar.selectbox(key="sidebar_language").value == "fa"


def test_the_stored_language_greets_the_person_at_sign_in(app_url: str) -> None:
    speak(app_url, "salesmanager", "ar")
    at = sign_in("salesmanager")
    assert at.sidebar.selectbox(key="sidebar_language").value == "ar"
    assert at.sidebar.selectbox(key="sidebar_language").label == "اللغة"
    styles = [h.proto.body for h in at.get("html")]
    assert any("direction: rtl" in body for body in styles)


def test_english_gets_no_right_to_left_layout(app_url: str) -> None:
    at = sign_in("salesmanager")
    assert not any("direction: rtl" in h.proto.body for h in at.get("html"))


@pytest.mark.parametrize("language", ["fa", "ar"])
@pytest.mark.parametrize("role", [Role.ADMIN, Role.SALES_REP])
def test_every_page_runs_in_persian_and_arabic(app_url: str, language: str, role: Role) -> None:
    username = role.value.replace("_", "")
    speak(app_url, username, language)
    at = sign_in(username)
    assert not at.exception
    for page in sorted(navigation(at)):
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        assert not at.error, (page, [e.value for e in at.error])


def test_admin_switches_the_organisation_to_jalali_time_in_tehran(app_url: str) -> None:
    at = sign_in("admin")
    at.switch_page("pages/settings.py").run()
    assert not at.exception
    at.selectbox(key="settings_zone").select("Asia/Tehran")
    at.radio(key="settings_calendar").set_value("jalali")
    at.selectbox(key="settings_week_start").select("saturday")
    at.text_input(key="settings_currency").input("irr")
    at.button(key="settings_save").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Settings saved."]
    engine = db.make_engine(app_url)
    with session_scope(engine) as session:
        stored = org.load_org_settings(session=session)
    engine.dispose()
    assert (stored.time_zone, stored.calendar, stored.week_start, stored.currency) == (
        "Asia/Tehran",
        Calendar.JALALI,
        Weekday.SATURDAY,
        "IRR",
    )
    # English readers of a Jalali organisation see Jalali months too.
    assert any("Farvardin" in c.value or "Esfand" in c.value or "Dey" in c.value
               or "1405" in c.value or "1406" in c.value for c in at.caption)  # fmt: skip


def test_settings_refuse_everyone_but_admins(app_url: str) -> None:
    at = sign_in("salesmanager")
    page = AppTest.from_file(str(ROOT / "pages" / "settings.py"), default_timeout=30)
    page.session_state["user"] = at.session_state["user"]
    page.session_state["auth_session_id"] = at.session_state["auth_session_id"]
    page.run()
    assert not page.exception
    assert [e.value for e in page.error] == [
        "Only an admin may change the organisation's settings."
    ]
    assert not page.button


def _jalali_picker() -> None:
    from datetime import date

    import streamlit as st

    from ui.dates import jalali_date_input

    st.session_state["language"] = "fa"
    picked = jalali_date_input("When", key="when", value=date(2026, 3, 21))
    st.text(picked.isoformat() if picked else "none")


def test_the_jalali_picker_returns_gregorian_dates_and_clamps_the_day() -> None:
    at = AppTest.from_function(_jalali_picker).run()
    assert not at.exception
    assert at.text[0].value == "2026-03-21"  # 1 Farvardin 1405
    assert at.selectbox(key="when_month").value == "فروردین"
    assert at.selectbox(key="when_year").value == "۱۴۰۵"
    at.selectbox(key="when_day").select("۳۱").run()
    at.selectbox(key="when_month").select("اسفند").run()  # Esfand 1405 has 29 days
    assert at.selectbox(key="when_day").value == "۲۹"
    assert at.text[0].value == "2027-03-20"  # 29 Esfand 1405; Nowruz 1406 is 21 March
