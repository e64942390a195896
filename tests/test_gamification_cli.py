"""`python -m sla_core standings`: rows, teams, closing, and one clear line on bad input."""

from __future__ import annotations

import json
from datetime import timedelta

import pandas as pd
import pytest
from sqlmodel import Session, select

from sla_core import cli
from sla_core.clock import now
from sla_core.gamification import goals, service
from sla_core.gamification.board import present_share
from sla_core.models import Lead
from sla_core.periods import parse_period
from sla_core.store import snapshot
from sla_core.terms import AgreementContent, PointLevel
from tests.gamification_world import at, build, edit_lead


@pytest.fixture
def world(sqlite_engine, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", str(sqlite_engine.url))
    return sqlite_engine, build(sqlite_engine)


def run(capsys, *argv):  # type: ignore[no-untyped-def]
    code = cli.main(["standings", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_rows_carry_who_rank_points_and_metrics(world, capsys):
    code, out, _ = run(capsys, "--period", "2026-03", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [r["person"] for r in rows][:1] == ["Ava"]
    # ranked within each side (issue 17): sales first, then marketing, each from 1
    for side in ("sales", "marketing"):
        ranks = [r["rank"] for r in rows if r["side"] == side]
        assert ranks == list(range(1, len(ranks) + 1)), side
    assert {r["side"] for r in rows if r["role"] == "marketer"} == {"marketing"}
    assert [r["side"] for r in rows] == sorted((r["side"] for r in rows), reverse=True)
    ava = rows[0]
    assert (ava["dispositioned_in_time"], ava["won"], ava["opportunities"], ava["mqls"]) == (
        2, 0, 0, 2,
    )  # fmt: skip
    assert ava["rules_version"] == 1 and ava["team"] == "North"


def test_teams_and_quarters(world, capsys):
    code, out, _ = run(capsys, "--period", "2026-Q1", "--by", "team", "--json")
    assert code == 0
    rows = json.loads(out)
    assert {r["team"] for r in rows} == {"North", "South", "Growth"}
    assert all(isinstance(r["points"], float) for r in rows)


def test_close_stores_then_reports_unchanged(world, capsys):
    code, out, err = run(capsys, "--period", "2026-03", "--close")
    assert code == 0, err
    assert "closed 2026-03: revision 1" in out
    code, out, _ = run(capsys, "--period", "2026-03", "--close")
    assert code == 0 and "2026-03 unchanged since revision 1" in out


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("2026-13", "there is no month 13"),
        ("May 2026", "is not a period: write a month as 2026-05 or a quarter as 2026-Q2"),
        ("2099-05", "2099-05 has not started yet"),
    ],
)
def test_a_period_that_does_not_exist_is_one_clear_line(world, capsys, period, message):
    code, out, err = run(capsys, "--period", period)
    assert code == 1 and message in err and "Traceback" not in err
    code, out, _ = run(capsys, "--period", period, "--json")
    assert code == 1 and message in json.loads(out)["error"]


def test_closing_too_early_is_one_clear_line(world, capsys):
    code, _, err = run(capsys, "--period", "2099-01", "--close")
    assert code == 1 and "has not started yet" in err


def test_a_rep_who_joined_mid_period_owes_part_of_it(world):
    engine, ids = world
    with Session(engine) as session:
        people = service.players(session=session, leads=snapshot.read_leads(engine))
    people.loc[people["id"] == ids["mo"], "joined_at"] = at("2026-03-16 12:00")  # 15.5 of 31 days
    share = present_share(people, parse_period("2026-03"))
    assert share[ids["mo"]] == 0.5
    assert share[ids["ava"]] == 1.0
    foot = goals.Footing(1, share)
    table = goals.percent_to_goal(
        pd.DataFrame({"mqls": [130]}, index=[ids["mo"]]),
        AgreementContent(),
        foot,
        {PointLevel.MQL_VOLUME},
    )
    assert table["goal"].tolist() == [125.0]  # half of the 250 a month


def test_jalali_months_when_the_org_keeps_the_persian_calendar(world, capsys):
    from sla_core.access import system_actor
    from sla_core.org import OrgSettings, save_org_settings
    from sla_core.periods import Calendar

    engine, _ = world
    with Session(engine) as session:
        settings = OrgSettings(time_zone="Asia/Tehran", calendar=Calendar.JALALI)
        save_org_settings(session=session, settings=settings, actor=system_actor())
        session.commit()
    # Esfand 1404 runs 20 Feb - 20 Mar 2026: all of March's hand-made leads but x1 (6 April)
    code, out, _ = run(capsys, "--period", "1404-12", "--json")
    rows = {r["person"]: r for r in json.loads(out)}
    assert code == 0 and rows["Ava"]["period"] == "1404-12"
    assert (rows["Ava"]["dispositioned_in_time"], rows["Bo"]["dispositioned_in_time"]) == (2, 1)
    code, out, _ = run(capsys, "--period", "1405-01", "--json")
    rows = {r["person"]: r for r in json.loads(out)}
    assert rows["Ava"]["dispositioned_in_time"] == 1 and rows["Bo"]["disposition_due"] == 0


def test_a_closed_period_prints_its_stored_standings_and_the_leads_changed_since(world, capsys):
    """After closing March a late correction moves Bo's live points: `standings` still prints
    the stored points, says the data changed, names the lead, and --close closes again."""
    engine, _ = world
    run(capsys, "--period", "2026-03", "--close")
    _, out, _ = run(capsys, "--period", "2026-03", "--json")
    stored = {r["person"]: r["points"] for r in json.loads(out)}
    assert json.loads(out)[0]["closed"]["changed_since"] is False
    edit_lead(engine, "b2", dispositioned_at=at("2026-03-05 12:00"),
              updated_at=now() + timedelta(minutes=1))  # fmt: skip
    with Session(engine) as session:
        live = service.board_for(session=session, leads=snapshot.read_leads(engine),
                                 period=parse_period("2026-03"))  # fmt: skip
    assert int(live.people.set_index("name").loc["Bo", "points"]) != stored["Bo"]
    with Session(engine) as session:
        b2 = session.exec(select(Lead).where(Lead.lead_key == "b2")).one().id
    code, out, _ = run(capsys, "--period", "2026-03", "--json")
    rows = json.loads(out)
    assert code == 0 and {r["person"]: r["points"] for r in rows} == stored
    assert rows[0]["closed"]["changed_since"] is True
    assert rows[0]["closed"]["changed_leads"] == [b2]
    code, out, _ = run(capsys, "--period", "2026-03")
    assert "these are the stored standings" in out
    assert f"The data changed since closing (1 leads changed: #{b2}" in out
    assert "run with --close to close it again" in out
    code, out, _ = run(capsys, "--period", "2026-03", "--close")
    assert "closed 2026-03: revision 2" in out
