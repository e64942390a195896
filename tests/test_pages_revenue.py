"""The revenue sections on Reports and the Overview, through AppTest: cards, tables, export."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import select

from sla_core import agreement, db
from sla_core.access import system_actor
from sla_core.db import session_scope
from sla_core.models import AuditEntry, Lead, Role, TeamKind
from sla_core.people import teams, users
from tests.test_pages import PASSWORD, login_name, sign_in
from ui.data import engine_for

NOW = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)


def day(month: int, dom: int) -> datetime:
    return datetime(2026, month, dom, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One user per role, two reps in team East and one outside it; deals closed in 2026-Q2:
    Ann won 1,000 (10 days) and 3,000 (30 days) and lost one; Bob lost one; Cy won 600
    (5 days) from source Fair; Ann has an opportunity of 200 open."""
    path = tmp_path_factory.mktemp("revenue") / "app.db"
    engine = db.make_engine(f"sqlite:///{path}")
    db.migrate(engine)
    with session_scope(engine) as session:
        actor = system_actor()
        for role in Role:
            users.create_user(actor=actor, session=session, username=login_name(role),
                              name=f"Test {role.value}", role=role, password=PASSWORD)  # fmt: skip
        east = teams.create_team(session=session, name="East", kind=TeamKind.SALES, actor=actor)
        ids = {
            name: users.create_user(actor=actor, session=session, username=name.lower(),
                                    name=name, role=Role.SALES_REP,
                                    team_id=east.id if name != "Cy" else None).id
            for name in ("Ann", "Bob", "Cy")
        }  # fmt: skip
        agreement.ensure_agreement(session=session)
        deals = [
            ("a1", "Ann", "won", 1000.0, "Web", day(4, 1), day(4, 11)),
            ("a2", "Ann", "won", 3000.0, "Web", day(4, 20), day(5, 20)),
            ("a3", "Ann", "lost", None, "Web", day(4, 2), day(6, 1)),
            ("a4", "Ann", "opportunity", 200.0, "Web", day(5, 2), None),
            ("b1", "Bob", "lost", 900.0, "Web", day(4, 1), day(4, 3)),
            ("c1", "Cy", "won", 600.0, "Fair", day(6, 1), day(6, 6)),
        ]
        for key, owner, stage, value, source, created, closed in deals:
            session.add(
                Lead(lead_key=key, stage=stage, deal_value=value, source=source,
                     owner_id=ids[owner], created_at=created, closed_at=closed,
                     updated_at=created)
            )  # fmt: skip
    engine.dispose()
    return path


@pytest.fixture
def url(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock_at) -> str:
    path = tmp_path / "app.db"
    shutil.copyfile(template, path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    clock_at(NOW)
    return f"sqlite:///{path}"


def reports(username: str):  # type: ignore[no-untyped-def]
    at = sign_in(username)
    at.switch_page("pages/reports.py").run()
    assert not at.exception, at.exception
    assert len(at.selectbox(key="reports_revenue_quarter").options) == 2  # running, Q2
    return at


def test_reports_shows_the_quarters_revenue_per_rep_team_and_source(url: str) -> None:
    at = reports("salesmanager")
    box = at.selectbox(key="reports_revenue_quarter")
    box.select_index(1).run()
    assert not at.exception, at.exception
    cards = {m.label: m.value for m in at.metric}
    assert cards["Won value (USD)"] == "4,600"
    assert cards["Pipeline value (USD)"] == "200"
    assert cards["Average deal (USD)"] == "1,533"
    assert cards["Win rate"].startswith("60")  # 3 of 5 closed
    assert cards["Median sales cycle"] == "10.0 days"  # 5, 10, 30
    table = at.dataframe[0].value.set_index("Rep")
    assert table.loc["Ann", "Won value"] == 4000.0
    assert table.loc["Ann", "Win rate %"] == "66.7"
    assert (table.loc["Bob", "Average deal"], table.loc["Bob", "Median cycle (days)"]) == ("—", "—")
    assert table.loc["Bob", "Won"] == 0
    assert [b.proto.label for b in at.get("download_button")][0].startswith("Download the revenue")
    at.segmented_control(key="reports_revenue_by").set_value("team").run()
    teams_table = at.dataframe[0].value.set_index("Team")
    assert set(teams_table.index) == {"East", "(no team)"}
    assert teams_table.loc["East", "Lost"] == 2
    at.segmented_control(key="reports_revenue_by").set_value("source").run()
    assert at.dataframe[0].value.set_index("Source").loc["Fair", "Won value"] == 600.0


def test_the_running_quarter_shows_its_open_pipeline_and_no_rate(url: str) -> None:
    at = reports("marketer")
    cards = {m.label: m.value for m in at.metric}
    assert (cards["Won value (USD)"], cards["Pipeline value (USD)"]) == ("0", "200")
    assert cards["Win rate"] == "—" and cards["Median sales cycle"] == "—"
    assert not any(
        str(b.proto.label).startswith("Download the revenue") for b in at.get("download_button")
    )


def overview(username: str):  # type: ignore[no-untyped-def]
    at = sign_in(username)
    at.switch_page("pages/overview.py").run()
    assert not at.exception, at.exception
    return at


def test_the_overview_shows_the_periods_revenue_and_follows_the_team(url: str) -> None:
    at = overview("salesmanager")
    at.segmented_control(key="overview_period").set_value("custom").run()
    at.date_input(key="overview_days").set_value((day(4, 1).date(), day(6, 30).date())).run()
    assert not at.exception, at.exception
    cards = {m.label: m.value for m in at.metric}
    assert cards["Won value (USD)"] == "4,600" and cards["Win rate"].startswith("60")
    assert set(at.dataframe[0].value["Rep"]) == {"Ann", "Bob", "Cy"}
    at.selectbox(key="overview_team").set_value("East").run()
    assert not at.exception, at.exception
    assert {m.label: m.value for m in at.metric}["Won value (USD)"] == "4,000"
    assert set(at.dataframe[0].value["Rep"]) == {"Ann", "Bob"}


def test_a_rep_sees_no_revenue_on_the_overview(url: str) -> None:
    at = overview("salesrep")
    assert "Won value (USD)" not in {m.label for m in at.metric}


def test_the_calculator_starts_from_history_and_saves_its_inputs_with_the_quotas(
    url: str,
) -> None:
    at = sign_in("salesmanager")
    at.switch_page("pages/targets.py").run()
    assert not at.exception, at.exception
    # the 12 months ending June 2026, the last month with a close: 3 won of 5 closed,
    # 4,600 / 3 won; Cy's, Ann's and Bob's leads all reached the opportunity (100 %)
    assert any("Based on July 2025 to June 2026" in c.value for c in at.caption), [
        c.value for c in at.caption
    ]
    assert at.number_input(key="targets_deal").value == pytest.approx(1533.33)
    assert at.number_input(key="targets_opportunity_to_won").value == 60.0
    at.number_input(key="targets_goal").set_value(46_000.0).run()
    at.button(key="targets_use_plan").click().run()
    at.button(key="targets_save").click().run()
    assert not at.exception, at.exception
    with session_scope(engine_for(url)) as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "edit_targets")).one()
        plan = agreement.load_content(agreement.working_version(session=session)).targets.plan
    assert "Reverse-funnel inputs: none -> goal 46000" in (entry.detail or "")
    assert plan is not None and plan.based_on == "2025-07..2026-06"
    assert plan.deal_size == Decimal("1533.33") and plan.opportunity_to_won == Decimal("60.0")
    again = sign_in("salesmanager")
    again.switch_page("pages/targets.py").run()
    assert again.number_input(key="targets_goal").value == 46_000.0
    assert any("inputs saved with these quotas" in c.value for c in again.caption)
