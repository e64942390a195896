"""The Persian and the Arabic demo: the same story as the English one, in its own words."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, delete, func, select

from sla_core import agreement, db
from sla_core.access import system_actor
from sla_core.demo.leads import generate
from sla_core.demo.life import Cast
from sla_core.demo.vocabulary import ENGLISH, vocabulary
from sla_core.demo.world import PEOPLE, load_demo
from sla_core.models import Lead, Setting, Team, User
from sla_core.org import ORG_KEY, OrgSettings, Weekday, load_org_settings, save_org_settings
from sla_core.periods import Calendar
from sla_core.scoring import qualifies
from sla_core.stages import Stage
from sla_core.terms import default_stage_definitions

REF = datetime(2026, 5, 20, 15, 30, tzinfo=UTC)
N = 2000
CAST = Cast(
    rep_ids=np.arange(1, 13),
    rep_styles=("star", "steady", "steady", "steady", "steady", "laggard") * 2,
    marketer_ids=np.arange(20, 24),
    marketer_styles=("volume", "quality", "steady", "junior"),
)
LATIN = re.compile(r"[A-Za-z0-9]")
# Product names and acronyms that stay Latin in Persian and Arabic text too.
KEPT = re.compile(r"\b(?:MQL|SLA|CRM)\b")
TEXT_COLUMNS = ("first_name", "last_name", "company", "country", "industry", "department",
                "job_title", "technographics", "source", "campaign")  # fmt: skip


def _latin(text: str) -> bool:
    return bool(LATIN.search(KEPT.sub("", text)))


@pytest.mark.parametrize("language", ["fa", "ar"])
def test_a_native_demo_writes_its_leads_in_its_own_script(language: str) -> None:
    leads, _ = generate(cast=CAST, seed=7, n=N, reference=REF, words=vocabulary(language))
    for column in TEXT_COLUMNS:
        values = leads[column].dropna().unique()
        assert len(values), column
        assert [v for v in values if _latin(str(v))] == [], column
    # mailbox names stay ASCII identifiers
    assert leads["email"].str.fullmatch(r"[a-z.]+@[a-z]+\.example").all()


@pytest.mark.parametrize("language", ["fa", "ar"])
def test_a_native_demo_tells_the_english_story(language: str) -> None:
    """The same seed gives (nearly) the same funnel: the criteria match the words."""
    words = vocabulary(language)
    english, _ = generate(cast=CAST, seed=7, n=N, reference=REF)
    native, _ = generate(cast=CAST, seed=7, n=N, reference=REF, words=words)
    mql_share = qualifies(native, words.mql_definition()).mean()
    assert mql_share == pytest.approx(qualifies(english, ENGLISH.mql_definition()).mean(), abs=0.03)
    assert 0.3 < mql_share < 0.5
    assert qualifies(native, ENGLISH.mql_definition()).mean() < 0.1  # English criteria miss
    for stage in (Stage.LEAD, Stage.DISQUALIFIED, Stage.NURTURE, Stage.SQL, Stage.WON):
        share = (native["stage"] == stage.value).mean()
        assert share == pytest.approx((english["stage"] == stage.value).mean(), abs=0.03), stage


@pytest.mark.parametrize(
    ("language", "zone", "weekend"), [("fa", "Asia/Tehran", {3, 4}), ("ar", "Asia/Riyadh", {4, 5})]
)
def test_native_leads_arrive_in_local_office_hours_and_working_days(
    language: str, zone: str, weekend: set[int]
) -> None:
    leads, _ = generate(cast=CAST, seed=7, n=N, reference=REF, words=vocabulary(language))
    local = pd.to_datetime(leads["created_at"].astype("int64"), unit="us", utc=True)
    local = local.dt.tz_convert(zone)
    assert local.dt.hour.between(8, 17).mean() > 0.7
    assert local.dt.day_of_week.isin(weekend).mean() < 0.15  # a working day's share is 0.2


def test_the_english_demo_is_the_default_and_unchanged() -> None:
    default, _ = generate(cast=CAST, seed=7, n=300, reference=REF)
    named, _ = generate(cast=CAST, seed=7, n=300, reference=REF, words=vocabulary("en"))
    pd.testing.assert_frame_equal(default, named)
    assert (
        default["industry"].dropna().isin(ENGLISH.good_industries + ENGLISH.other_industries).all()
    )
    assert vocabulary("xx") is ENGLISH


@pytest.fixture(scope="module")
def persian(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = db.make_engine(f"sqlite:///{tmp_path_factory.mktemp('fa') / 'demo.db'}")
    db.migrate(engine)
    load_demo(engine=engine, actor=system_actor(), leads=300, reference=REF, language="fa")
    yield engine
    engine.dispose()


def test_the_persian_demo_people_teams_and_agreement_are_persian(persian: Engine) -> None:
    words = vocabulary("fa")
    with Session(persian) as session:
        people = {u.username: u for u in session.exec(select(User)).all()}
        teams = {t.name for t in session.exec(select(Team)).all()}
        versions = agreement.all_versions(session=session)
        content = agreement.load_content(versions[0])
    assert {p.username for p in PEOPLE} <= set(people)  # usernames stay identifiers
    assert people["nasrin.f"].name == "نسرین فراهانی"
    assert [n for n in (u.name for u in people.values()) if _latin(n)] == []
    assert teams == set(words.teams)
    assert content.title == words.agreement_title
    assert content.company == words.company
    assert content.workshop == words.answers
    industry = next(c for c in content.mql.criteria if c.field == "industry")
    assert industry.accepted == words.good_industries
    # the default stage definitions are the code's: another layer shows them translated
    assert content.stage_definitions == default_stage_definitions()


def test_the_persian_demo_keeps_tehran_time_and_the_jalali_calendar(persian: Engine) -> None:
    with Session(persian) as session:
        org = load_org_settings(session=session)
    assert (org.time_zone, org.calendar, org.week_start, org.currency) == (
        "Asia/Tehran",
        Calendar.JALALI,
        Weekday.SATURDAY,
        "USD",
    )


def test_the_arabic_demo_deals_are_in_riyals() -> None:
    leads, _ = generate(cast=CAST, seed=7, n=N, reference=REF, words=vocabulary("ar"))
    deals = leads["deal_value"].dropna()
    assert vocabulary("ar").org is not None and vocabulary("ar").org.currency == "SAR"
    assert len(deals) and deals.min() >= 5_000 * 3.75 and deals.max() > 80_000
    assert (deals % 100 == 0).all()


def test_a_native_demo_leaves_chosen_settings_and_a_failed_one_keeps_none(
    tmp_path: Path,
) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'demo.db'}")
    db.migrate(engine)
    with Session(engine) as session:  # an imported lead that collides with a demo key
        session.add(Lead(lead_key="demo-7-000001", import_batch_id=1, created_at=REF))
        session.commit()
    with pytest.raises(ValueError, match="nothing was kept"):
        load_demo(engine=engine, actor=system_actor(), leads=50, force=True, reference=REF,
                  language="ar")  # fmt: skip
    with Session(engine) as session:
        assert session.get(Setting, ORG_KEY) is None
        assert session.exec(select(func.count()).select_from(Team)).one() == 0
        save_org_settings(session=session, settings=OrgSettings(currency="EUR"),
                          actor=system_actor())  # fmt: skip
        session.commit()
        session.exec(delete(Lead))  # type: ignore[call-overload]
        session.commit()
    load_demo(engine=engine, actor=system_actor(), leads=50, reference=REF, language="ar")
    with Session(engine) as session:
        assert load_org_settings(session=session) == OrgSettings(currency="EUR")
    engine.dispose()


def test_the_command_line_loads_the_demo_in_the_language_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from sla_core import cli

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    assert cli.main(["migrate"]) == 0
    assert cli.main(["demo", "--language", "ar", "--leads", "40", "--json"]) == 0
    loaded = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert loaded["leads"] == 40 and "elena.p" in loaded["passwords"]
    engine = db.make_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    with Session(engine) as session:
        assert {t.name for t in session.exec(select(Team)).all()} == set(vocabulary("ar").teams)
    engine.dispose()
    assert cli.main(["demo", "--language", "xx"]) != 0  # refused: en, fa or ar
