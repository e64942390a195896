"""The demo data: a seeded, realistic six months that the rest of the app can trust."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from sla_core import db
from sla_core.access import system_actor
from sla_core.demo.leads import generate
from sla_core.demo.life import MONTH
from sla_core.demo.world import PEOPLE, DemoResult, _cast, load_demo
from sla_core.models import AgreementVersion, Lead, Role, Team, User
from sla_core.people import users
from sla_core.scoring import qualifies
from sla_core.stages import TRANSITIONS, Stage
from sla_core.store.bulk import read_arrow
from sla_core.store.snapshot import read_leads
from sla_core.terms import Targets, default_mql_definition

REF = datetime(2026, 5, 20, 15, 30, tzinfo=UTC)
N = 2000


def _pg_engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    schema = f"{request.getfixturevalue('pg_schema')}_demo{uuid.uuid4().hex[:6]}"  # or skip
    with db.scratch_schema(os.environ["LEADPACT_TEST_DATABASE_URL"], schema) as engine:
        yield engine


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def demo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Engine, DemoResult]]:
    """One demo load per backend, shared by the read-only tests (bcrypt makes a load ~6 s)."""
    if request.param == "sqlite":
        engine = db.make_engine(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}")
        db.migrate(engine)
        yield engine, load_demo(actor=system_actor(), engine=engine, seed=7, leads=N, reference=REF)
        engine.dispose()
    else:
        for engine in _pg_engine(request):
            yield (
                engine,
                load_demo(actor=system_actor(), engine=engine, seed=7, leads=N, reference=REF),
            )


@pytest.fixture(scope="module")
def events(demo: tuple[Engine, DemoResult]) -> pd.DataFrame:
    engine = demo[0]
    table = read_arrow(engine, "SELECT * FROM leadevent ORDER BY lead_id, at, id")
    return table.to_pandas()


@pytest.fixture(scope="module")
def leads(demo: tuple[Engine, DemoResult]) -> pd.DataFrame:
    return read_leads(demo[0])


def test_loads_the_requested_number_of_leads(
    demo: tuple[Engine, DemoResult], leads: pd.DataFrame
) -> None:
    assert demo[1].leads == N == len(leads)


def test_refuses_a_database_that_already_has_leads(demo: tuple[Engine, DemoResult]) -> None:
    with pytest.raises(ValueError, match="already holds 2,000 leads"):
        load_demo(actor=system_actor(), engine=demo[0], leads=10, reference=REF)


def test_creates_the_teams_and_people(demo: tuple[Engine, DemoResult]) -> None:
    with Session(demo[0]) as session:
        roles = pd.Series([str(u.role) for u in session.exec(select(User)).all()])
        kinds = sorted(str(t.kind) for t in session.exec(select(Team)).all())
    assert roles.value_counts().to_dict() == {
        "sales_rep": 12,
        "marketer": 4,
        "sales_manager": 2,
        "marketing_manager": 1,
        "viewer": 1,
        "admin": 1,
    }
    assert kinds == ["marketing", "sales", "sales"]


@pytest.mark.parametrize(
    "username", ["demo.admin", "nasrin.f", "elena.p", "sara.k", "amir.h", "ravi.s"]
)
def test_demo_users_sign_in_with_the_shown_password(
    demo: tuple[Engine, DemoResult], username: str
) -> None:
    engine, result = demo
    with Session(engine) as session:
        user = users.get_by_username(session=session, username=username)
        assert user is not None
        assert users.check_password(result.passwords[username], user.password_hash)
        assert not users.check_password("wrong" + result.passwords[username], user.password_hash)


def test_every_demo_user_gets_a_password(demo: tuple[Engine, DemoResult]) -> None:
    assert set(demo[1].passwords) == {p.username for p in PEOPLE} | {"demo.admin"}


def test_the_agreement_has_a_signed_v1_and_a_v2_draft(demo: tuple[Engine, DemoResult]) -> None:
    with Session(demo[0]) as session:
        numbers = session.exec(select(AgreementVersion.number)).all()
    assert sorted(numbers) == [1, 2]  # the story in detail: tests/test_demo_story.py


def test_touches_equal_the_touch_events(leads: pd.DataFrame, events: pd.DataFrame) -> None:
    counted = events[events["kind"] == "touch"].groupby("lead_id").size()
    snapshot = leads.set_index("id")["touches"]
    assert snapshot.sum() > 0
    pd.testing.assert_series_equal(
        counted.reindex(snapshot.index, fill_value=0), snapshot, check_names=False
    )


def test_touch_milestones_match_the_touch_events(leads: pd.DataFrame, events: pd.DataFrame) -> None:
    at = pd.to_datetime(events["at"], unit="us", utc=True)
    touches = events.assign(at=at)[events["kind"] == "touch"].groupby("lead_id")["at"]
    snapshot = leads.set_index("id")
    first = touches.min().reindex(snapshot.index)
    last = touches.max().reindex(snapshot.index)
    assert first.equals(snapshot["first_touch_at"].rename(first.name))
    assert last.equals(snapshot["last_touch_at"].rename(last.name))


def test_every_stage_is_reachable_from_its_history(
    leads: pd.DataFrame, events: pd.DataFrame
) -> None:
    moves = events[events["kind"].isin(["stage", "disposition"])]
    current = dict.fromkeys(leads["id"], Stage.LEAD)
    for lead_id, source, target in moves[["lead_id", "from_stage", "to_stage"]].itertuples(
        index=False
    ):
        assert Stage(source) == current[lead_id], f"lead {lead_id}: history skips a stage"
        assert Stage(target) in TRANSITIONS[current[lead_id]], f"lead {lead_id}: {source}->{target}"
        current[lead_id] = Stage(target)
    assert {k: v.value for k, v in current.items()} == dict(
        zip(leads["id"], leads["stage"], strict=True)
    )


def test_every_lead_has_one_created_event(leads: pd.DataFrame, events: pd.DataFrame) -> None:
    created = events[events["kind"] == "created"]
    assert sorted(created["lead_id"]) == sorted(leads["id"])


def test_mql_share_is_realistic(leads: pd.DataFrame) -> None:
    share = qualifies(leads, default_mql_definition()).mean()
    assert 0.35 <= share <= 0.50


def test_mqls_are_exactly_the_leads_that_qualify(leads: pd.DataFrame) -> None:
    qualified = qualifies(leads, default_mql_definition())
    became_mql = leads["mql_at"].notna()
    assert not (became_mql & ~qualified).any()
    assert (qualified & ~became_mql).sum() <= 5  # only those that arrived minutes ago


def test_some_dispositions_breach_the_window_but_most_do_not(leads: pd.DataFrame) -> None:
    assigned = leads[leads["assigned_at"].notna()]
    deadline = assigned["assigned_at"] + timedelta(hours=48)
    done_late = assigned["dispositioned_at"] > deadline
    open_late = assigned["dispositioned_at"].isna() & (deadline < REF)
    late_share = (done_late | open_late).mean()
    assert 0.05 < late_share < 0.4
    assert done_late.any() and open_late.any()


def test_recent_mqls_wait_in_the_queue(leads: pd.DataFrame) -> None:
    queue = leads[leads["stage"].isin(["mql", "sal"]) & leads["owner_id"].notna()]
    at_risk = queue["assigned_at"] > REF - timedelta(hours=48)
    assert at_risk.sum() > 5
    assert (queue["assigned_at"] <= REF).all()


def test_won_deals_have_values_and_close_dates(leads: pd.DataFrame) -> None:
    won = leads[leads["stage"] == "won"]
    assert len(won) > 5
    assert won["deal_value"].between(5_000, 80_000).all()
    assert won["closed_at"].notna().all()
    assert (won["closed_at"] > won["opportunity_at"]).all()


def test_nothing_happens_after_the_reference(leads: pd.DataFrame, events: pd.DataFrame) -> None:
    assert leads["updated_at"].max() <= REF
    assert leads["created_at"].min() >= REF - timedelta(days=183)
    assert events["at"].max() <= int(REF.timestamp() * 1_000_000)


def test_reps_differ_in_quality(leads: pd.DataFrame) -> None:
    worked = leads[leads["owner_id"].notna()]
    late = worked["dispositioned_at"].isna() | (
        worked["dispositioned_at"] > worked["assigned_at"] + timedelta(hours=48)
    )
    per_rep = late.groupby(worked["owner_id"]).mean()
    assert per_rep.max() - per_rep.min() > 0.2


def test_same_seed_and_reference_give_the_same_leads(
    demo: tuple[Engine, DemoResult], leads: pd.DataFrame, tmp_path: Path
) -> None:
    if demo[0].url.get_backend_name() != "sqlite":
        pytest.skip("compared once, on SQLite")
    again = db.make_engine(f"sqlite:///{tmp_path / 'again.db'}")
    db.migrate(again)
    second = load_demo(actor=system_actor(), engine=again, seed=7, leads=N, reference=REF)
    pd.testing.assert_frame_equal(read_leads(again), leads)
    assert second.passwords != demo[1].passwords  # passwords are new on every load
    again.dispose()


def test_a_different_seed_gives_different_leads() -> None:
    cast = _cast({p.username: i for i, p in enumerate(PEOPLE, start=1)})
    first, _ = generate(cast=cast, seed=1, n=300, reference=REF)
    second, _ = generate(cast=cast, seed=2, n=300, reference=REF)
    assert not first["email"].equals(second["email"])


def test_reps_get_no_more_mqls_a_month_than_the_agreement_allows() -> None:
    cast = _cast({p.username: i for i, p in enumerate(PEOPLE, start=1)})
    leads, _ = generate(cast=cast, seed=7, n=20_000, reference=REF)
    assigned = leads[leads["owner_id"].notna()]
    month = (assigned["assigned_at"].astype("int64") - assigned["assigned_at"].min()) // MONTH
    per_rep_month = assigned.groupby([month, assigned["owner_id"]]).size()
    assert per_rep_month.max() <= Targets().max_mqls_per_rep


def test_force_adds_the_demo_beside_existing_leads(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        session.add(Lead(lead_key="crm-1", created_at=REF, email="kept@example.com"))
        session.commit()
    result = load_demo(
        actor=system_actor(), engine=sqlite_engine, seed=3, leads=50, force=True, reference=REF
    )
    with Session(sqlite_engine) as session:
        assert session.exec(select(func.count()).select_from(Lead)).one() == 51
        assert session.exec(select(Lead).where(Lead.lead_key == "crm-1")).one()
        assert session.exec(select(func.count()).select_from(User)).one() == len(result.passwords)
        admin = users.get_by_username(session=session, username="demo.admin")
        assert admin is not None and admin.role == Role.ADMIN


def test_a_failed_load_keeps_nothing(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:  # an imported lead that collides with a demo key
        session.add(Lead(lead_key="demo-7-000001", import_batch_id=1, created_at=REF))
        session.commit()
    with pytest.raises(ValueError, match="nothing was kept"):
        load_demo(
            actor=system_actor(), engine=sqlite_engine, seed=7, leads=50, force=True, reference=REF
        )
    with Session(sqlite_engine) as session:
        assert session.exec(select(func.count()).select_from(Lead)).one() == 1
        assert session.exec(select(func.count()).select_from(User)).one() == 0
        assert session.exec(select(func.count()).select_from(Team)).one() == 0
