"""Revenue by close date: a hand-counted small world, and the Maven pipeline against pandas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from sla_core import cli
from sla_core.access import PermissionDenied
from sla_core.models import Role, User
from sla_core.overview import revenue
from sla_core.periods import Calendar, PeriodKind, parse_period
from tests.conftest import full_realdata
from tests.leadframes import frame

FIXTURE = Path(__file__).parent / "fixtures" / "maven_sales_pipeline_400.csv"
Q2 = parse_period("2026-Q2")
PEOPLE = pd.DataFrame(
    {"id": [1, 2, 3], "name": ["Ann", "Bob", "Cy"], "team": ["East", "East", None]}
)


def deal(
    owner: int | None,
    stage: str,
    value: float | None,
    source: str | None,
    created: str,
    closed: str | None = None,
    *,
    opportunity: str | None = None,
) -> dict[str, Any]:
    """One lead row (times UTC: a date is its midnight)."""

    def utc(text: str | None) -> str | None:
        return None if text is None else f"{text}{'' if 'T' in text else 'T00:00'}Z"

    return {"owner_id": owner, "stage": stage, "deal_value": value, "source": source,
            "created_at": utc(created), "closed_at": utc(closed),
            "opportunity_at": utc(opportunity)}  # fmt: skip


def world() -> pd.DataFrame:
    """Ann: won 1000 (10 days) and 3000 (30 days) in Q2, lost one in Q2, won 500 in Q1 (not
    counted), one opportunity open at Q2's end worth 700 (closed won in Q3: open at the end),
    one opportunity still open worth 200. Bob: lost one in Q2. Cy: an opportunity begun
    after Q2 (not in Q2's pipeline). One unassigned SQL (not an opportunity)."""
    rows = [
        deal(1, "won", 1000.0, "Web", "2026-04-01", "2026-04-11"),
        deal(1, "won", 3000.0, "Web", "2026-04-20", "2026-05-20"),
        deal(1, "lost", None, "Fair", "2026-04-02", "2026-06-30T23:00"),
        deal(1, "won", 500.0, "Web", "2026-01-02", "2026-03-31T23:59"),
        deal(1, "won", 700.0, "Fair", "2026-05-01", "2026-07-01", opportunity="2026-06-01"),
        deal(1, "opportunity", 200.0, None, "2026-02-01"),
        deal(2, "lost", 900.0, "Web", "2026-04-01", "2026-04-03"),
        deal(3, "opportunity", 50.0, "Web", "2026-07-02"),
        deal(None, "sql", 80.0, "Web", "2026-04-02"),
    ]
    return leads_of(rows)


def leads_of(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """A snapshot frame of `rows` (`deal` dicts), deal values included."""
    leads = frame(rows)
    leads["deal_value"] = [r["deal_value"] for r in rows]
    return leads


def by(name: str) -> pd.DataFrame:
    leads = world()
    table = revenue.revenue_by(leads, Q2, revenue.group_labels(leads, name, PEOPLE))
    return table.set_index("group")


def test_per_rep_counts_by_close_date_and_open_pipeline_at_the_period_end() -> None:
    table = by("rep")
    assert list(table.index) == ["Ann", "Bob"]  # Cy has nothing won, lost or open in Q2
    ann = table.loc["Ann"]
    assert (ann["won"], ann["lost"], ann["won_value"]) == (2, 1, 4000.0)
    assert (ann["open"], ann["pipeline_value"]) == (2, 900.0)  # 700 closed after Q2 + 200
    assert ann["avg_deal"] == 2000.0
    assert ann["win_rate_pct"] == pytest.approx(200 / 3)
    assert ann["cycle_days"] == 20.0  # median of 10 and 30
    bob = table.loc["Bob"]
    assert (bob["won"], bob["lost"], bob["win_rate_pct"]) == (0, 1, 0.0)
    assert pd.isna(bob["avg_deal"]) and pd.isna(bob["cycle_days"])


def test_per_team_and_source_and_the_totals_are_the_same_computation() -> None:
    team = by("team")
    assert list(team.index) == ["East"]
    assert (team.loc["East", "won"], team.loc["East", "lost"]) == (2, 2)
    assert team.loc["East", "win_rate_pct"] == 50.0
    source = by("source")
    assert source.loc["Web", "won_value"] == 4000.0 and source.loc["Web", "lost"] == 1
    assert source.loc["(none)", "pipeline_value"] == 200.0
    assert source.loc["Fair", "pipeline_value"] == 700.0
    total = revenue.totals(world(), Q2)
    assert (total.won, total.lost, total.won_value, total.pipeline_value) == (2, 2, 4000.0, 900.0)
    assert total.win_rate_pct == 50.0 and total.cycle_days == 20.0


def test_a_period_with_nothing_closed_has_no_rate_instead_of_zero() -> None:
    empty = revenue.totals(world(), parse_period("2020-01"))
    assert empty == revenue.Revenue(0, 0, 0.0, 0, 0.0, None, None, None)
    assert revenue.revenue_by(world(), parse_period("2020-01"), world()["source"]).empty


def test_the_periods_offered_are_the_running_one_and_those_with_a_close() -> None:
    ref = pd.Timestamp("2026-08-15", tz="UTC")
    quarters = revenue.period_choices(world(), PeriodKind.QUARTER, ref)
    assert [p.label for p in quarters] == ["2026-Q3", "2026-Q2", "2026-Q1"]
    months = revenue.period_choices(world(), PeriodKind.MONTH, pd.Timestamp("2026-05-01", tz="UTC"))
    assert [p.label for p in months] == ["2026-05", "2026-04", "2026-03"]  # later closes unseen
    nothing = revenue.period_choices(world().iloc[5:6], PeriodKind.MONTH, ref)
    assert [p.label for p in nothing] == ["2026-08"]


def test_unassigned_and_unknown_groups_and_a_bad_grouping() -> None:
    leads = world()
    labels = revenue.group_labels(leads, "rep", PEOPLE.iloc[:1])
    assert labels.iloc[6] == "user 2" and labels.iloc[8] == "(unassigned)"
    with pytest.raises(ValueError, match="use one of rep, team, source"):
        revenue.group_labels(leads, "month", PEOPLE)


def test_reading_revenue_needs_the_reports_permission() -> None:
    revenue.require_reader(User(id=1, username="m", name="M", role=Role.SALES_MANAGER))
    with pytest.raises(PermissionDenied):
        revenue.require_reader(User(id=2, username="r", name="R", role=Role.SALES_REP))


def expected_from_csv(path: Path, label: str) -> dict[str, dict[str, float]]:
    """Independently, with pandas on the raw file: the quarter's figures per agent."""
    raw = pd.read_csv(path, parse_dates=["engage_date", "close_date"])
    start = pd.Period(label.replace("-", ""), freq="Q").start_time
    end = pd.Period(label.replace("-", ""), freq="Q").end_time.normalize() + pd.Timedelta(days=1)
    closed_in = raw["close_date"].between(start, end, inclusive="left")
    won = raw[(raw["deal_stage"] == "Won") & closed_in]
    lost = raw[(raw["deal_stage"] == "Lost") & closed_in]
    on_path = raw["deal_stage"].isin(["Engaging", "Won", "Lost"])
    still_open = raw["close_date"].isna() | (raw["close_date"] >= end)
    pipeline = raw[on_path & (raw["engage_date"] < end) & still_open]
    out: dict[str, dict[str, float]] = {}
    agents = set(won["sales_agent"]) | set(lost["sales_agent"]) | set(pipeline["sales_agent"])
    for agent in agents:
        w, n_lost = won[won["sales_agent"] == agent], int((lost["sales_agent"] == agent).sum())
        p = pipeline[pipeline["sales_agent"] == agent]
        out[agent] = {
            "won": len(w),
            "lost": n_lost,
            "won_value": float(w["close_value"].sum()),
            "open": len(p),
            "pipeline_value": float(p["close_value"].fillna(0).sum()),
            "avg_deal": float(w["close_value"].mean()) if len(w) else None,
            "win_rate": 100 * len(w) / (len(w) + n_lost) if len(w) + n_lost else None,
            "cycle_days": float((w["close_date"] - w["engage_date"]).dt.days.median())
            if len(w)
            else None,
        }
    return out


def revenue_rows(path: Path, tmp_path, monkeypatch, capsys, label: str, by_: str) -> list[dict]:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'maven.db'}")
    assert cli.main(["users", "add", "admin", "--role", "admin", "--password", "Secret#123"]) == 0
    assert cli.main(["import", str(path), "--mapping", "maven_crm", "--json"]) == 0
    capsys.readouterr()
    assert cli.main(["revenue", "--period", label, "--by", by_, "--json"]) == 0
    rows: list[dict] = json.loads(capsys.readouterr().out)
    return rows


def assert_matches(rows: list[dict], expected: dict[str, dict[str, float]]) -> None:
    found = {row["person"]: row for row in rows}
    assert set(found) == set(expected)
    for agent, figures in expected.items():
        row = found[agent]
        for name, value in figures.items():
            if value is None:
                assert row[name] is None, (agent, name)
            else:
                assert row[name] == pytest.approx(value, abs=0.051), (agent, name)


def test_the_cli_rows_carry_every_figure_and_match_pandas_on_the_maven_sample(
    tmp_path, monkeypatch, capsys
) -> None:
    rows = revenue_rows(FIXTURE, tmp_path, monkeypatch, capsys, "2017-Q2", "rep")
    assert rows and {"period", "person", "won", "won_value", "pipeline_value", "avg_deal",
                     "win_rate", "cycle_days"} <= set(rows[0])  # fmt: skip
    assert_matches(rows, expected_from_csv(FIXTURE, "2017-Q2"))


@pytest.mark.parametrize("label", ["2017-Q2", "2017-Q4"])
def test_the_full_maven_pipeline_matches_pandas(tmp_path, monkeypatch, capsys, label) -> None:
    path = full_realdata("maven_crm/sales_pipeline.csv")
    rows = revenue_rows(path, tmp_path, monkeypatch, capsys, label, "rep")
    expected = expected_from_csv(path, label)
    assert len(expected) == 30 and sum(e["won"] for e in expected.values()) > 1000
    assert_matches(rows, expected)


def test_the_cli_refuses_a_bad_period_or_grouping_in_one_line(
    tmp_path, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    assert cli.main(["revenue", "--period", "2017-Q5", "--json"]) == 1
    assert "is not a period" in json.loads(capsys.readouterr().out)["error"]
    assert cli.main(["revenue", "--by", "month", "--json"]) == 2
    assert "invalid choice: 'month'" in json.loads(capsys.readouterr().out)["error"]
    assert cli.main(["revenue", "--period", "2017-05"]) == 0
    assert capsys.readouterr().out.strip() == "2017-05: no deal won, lost or open"


def test_periods_are_cut_in_the_organisations_zone_and_jalali_calendar() -> None:
    tehran = {"zone": "Asia/Tehran", "calendar": Calendar.JALALI}
    ref = pd.Timestamp("2026-08-15", tz="UTC")  # 1405-05-24
    quarters = revenue.period_choices(world(), PeriodKind.QUARTER, ref, **tehran)
    assert [p.label for p in quarters] == ["1405-Q2", "1405-Q1"]
    # 1405-Q1 runs from 21 March 2026, local midnight in Tehran (20:30 UTC the day before):
    # a win closed at 21:00 UTC on 20 March is in it there, and in 1404-Q4 by UTC
    extra = leads_of([deal(2, "won", 100.0, "Web", "2026-03-01", "2026-03-20T21:00")])
    leads = pd.concat([world(), extra], ignore_index=True)
    first = revenue.totals(leads, parse_period("1405-Q1", **tehran))
    assert (first.won, first.lost, first.won_value, first.win_rate_pct) == (4, 1, 4600.0, 80.0)
    utc = revenue.totals(leads, parse_period("1405-Q1", calendar=Calendar.JALALI))
    assert (utc.won, utc.won_value) == (3, 4500.0)


def test_the_calculator_defaults_read_the_twelve_months_ending_with_the_last_close() -> None:
    from decimal import Decimal as D

    from sla_core.marketing.calculator import StageRates, history_defaults

    found = history_defaults(world(), pd.Timestamp("2026-08-15", tz="UTC"))
    assert found is not None
    assert (found.first.label, found.last.label) == ("2025-08", "2026-07")
    # won in those months: 1,000 + 3,000 + 500 + 700 of 4 wins; lost 2: 4 of 6 closed;
    # every lead was created in them: 9 reached SQL, 8 of them the opportunity
    assert found.deal_size == D("1300.0")
    assert found.rates == StageRates(D("100.0"), D("88.9"), D("66.7"))
    before = history_defaults(world(), pd.Timestamp("2026-03-01", tz="UTC"))
    assert before is None  # no deal had closed yet
