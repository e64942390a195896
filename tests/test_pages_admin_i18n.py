"""AppTest, issue 20: the agreement, marketing and admin pages in Persian and Arabic.

Every text these pages show a fa/ar reader (read by tests/i18n_audit) is in the reader's
words and digits. The world's data is Persian, so a Latin word is the interface's; tables
are left to their own tests (their cells and headers are formatted by ui.tables), and the
usernames and the SMTP host example are Latin by nature.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from sla_core import agreement, db
from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.i18n import glossary
from sla_core.i18n.languages import Language
from sla_core.models import Lead, Role, User
from sla_core.stages import Stage
from sla_core.terms.defaults import TITLES
from tests.i18n_audit import Offence, offences, shown
from tests.support.apptest import (
    build_template,
    login_name,
    one_user_per_role,
    private_copy,
    sign_in,
    speak_everyone,
)

PAGES = (
    "pages/targets.py",
    "pages/criteria.py",
    "pages/workshop.py",
    "pages/settings.py",
    "pages/users.py",
    "pages/work_time.py",
    "pages/import_leads.py",
)
USERNAMES = frozenset(login_name(role) for role in Role)
LATIN_BY_NATURE = frozenset({"smtp.example.com"})


def _world(engine: Engine) -> None:
    """One user per role (a Persian name) and two quarters of Persian leads, some won."""
    ids = one_user_per_role(engine, name="کاربر آزمون")
    with session_scope(engine) as session:
        for number in range(24):
            at = now() - timedelta(days=10 + 7 * number)
            won = number % 3 == 0
            session.add(
                Lead(
                    lead_key=f"lead-{number}",
                    first_name="سارا",
                    last_name="احمدی",
                    company="شرکت نمونه",
                    email=f"lead{number}@example.com",
                    industry="نرم‌افزار",
                    company_size=200,
                    department="فروش",
                    job_title="مدیر",
                    engagement=60,
                    source="وبینار",
                    stage=Stage.WON if won else Stage.SQL,
                    marketer_id=ids[Role.MARKETER],
                    owner_id=ids[Role.SALES_REP],
                    deal_value=5000.0 if won else None,
                    created_at=at,
                    mql_at=at,
                    assigned_at=at + timedelta(hours=1),
                    dispositioned_at=at + timedelta(hours=5),
                    sql_at=at + timedelta(hours=5),
                    opportunity_at=at + timedelta(days=1) if won else None,
                    closed_at=at + timedelta(days=3) if won else None,
                    updated_at=at,
                )
            )


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory, "admin_i18n", _world)


@pytest.fixture
def app_url(template_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    return private_copy(template_db, tmp_path, monkeypatch)


def _interface(found: list[Offence]) -> list[str]:
    """The offences that are the interface's: not a table's, a username or a lead value."""
    return sorted(
        {
            f"{o.kind}: {o.text}"
            for o in found
            if not o.kind.startswith("dataframe")
            and o.kind != "multiselect.options"  # accepted values: what the leads hold
            and o.text not in USERNAMES | LATIN_BY_NATURE
        }
    )


@pytest.mark.parametrize("language", ["fa", "ar"])
def test_the_agreement_and_admin_pages_speak_the_readers_language(
    app_url: str, language: str
) -> None:
    speak_everyone(app_url, language)
    at = sign_in(login_name(Role.ADMIN))
    assert not at.exception
    problems: dict[str, list[str]] = {}
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        found = _interface(offences(shown(at)))
        if found:
            problems[page] = found
    assert problems == {}


@pytest.mark.parametrize("language", ["fa", "ar"])
def test_the_workshop_numbers_its_questions_and_names_last_quarter_in_local_words(
    app_url: str, language: str
) -> None:
    speak_everyone(app_url, language)
    at = sign_in(login_name(Role.ADMIN))
    at.switch_page("pages/workshop.py").run()
    labels = [e.label for e in at.expander]
    first = "۱. " if language == "fa" else "١. "
    assert labels and labels[0].startswith(first), labels
    captions = " ".join(c.value for c in at.caption)
    quarter = "فصل " if language == "fa" else "الربع "
    assert quarter in captions  # "last quarter (Q3 2026)" names the reader's quarter
    stage_labels = {t.label for t in at.text_input}
    reader = Language(language)
    assert glossary.stage_name(Stage.WON, reader) in stage_labels
    for view in ("sign", "history", "export"):
        at.radio(key="ws_view").set_value(view).run()
        assert not at.exception, view
        assert _interface(offences(shown(at))) == [], view


def test_a_first_agreement_is_drafted_in_its_readers_language(app_url: str) -> None:
    speak_everyone(app_url, "fa")
    sign_in(login_name(Role.ADMIN))
    engine = db.make_engine(app_url)
    with session_scope(engine) as session:
        content = agreement.governing_version(session=session).content
    engine.dispose()
    assert content.title == TITLES[Language.PERSIAN]
    assert content.stage_definitions == glossary.stage_definitions(Language.PERSIAN)


def test_targets_warns_in_the_readers_words_and_digits(app_url: str) -> None:
    speak_everyone(app_url, "fa")
    at = sign_in(login_name(Role.MARKETING_MANAGER))
    at.switch_page("pages/targets.py").run()
    at.number_input(key="targets_reps").set_value(1000).run()  # far too many reps
    warnings = [w.value for w in at.warning]
    assert any("حداقل" in w for w in warnings), warnings
    assert _interface(offences(shown(at))) == []


def test_work_time_names_the_rep_away_and_saves_the_same_period(app_url: str) -> None:
    """The away table picks a rep by name (an id meant nothing to a reader); saving the form
    unchanged keeps the period on the same rep."""
    from datetime import date

    from sla_core.sla.worktime import AwayPeriod, WorkTime, load_work_time, save_work_time

    engine = db.make_engine(app_url)
    with session_scope(engine) as session:
        rep = session.exec(select(User).where(User.username == "salesrep")).one()
        admin = session.exec(select(User).where(User.username == "admin")).one()
        away = AwayPeriod(user_id=rep.id or 0, start=date(2026, 12, 1), end=date(2026, 12, 5))
        save_work_time(session=session, work_time=WorkTime(away=(away,)), actor=admin)
    speak_everyone(app_url, "fa")
    at = sign_in(login_name(Role.ADMIN))
    at.switch_page("pages/work_time.py").run()
    shown_reps = at.dataframe[0].value["user_id"].tolist()
    assert shown_reps == ["کاربر آزمون (salesrep)"]
    at.button(key="work_time_save").click().run()
    assert not at.exception and not at.error
    with session_scope(engine) as session:
        assert load_work_time(session=session).away == (away,)
    engine.dispose()
