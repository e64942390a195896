"""Issue 17, Done when: one world, one figure everywhere.

A seeded demo (SQLite, and PostgreSQL when configured), with Mon-Fri 09:00-17:00 working hours set, is read by every
surface that shows a service level; for several periods and scopes (company, a team, a rep)
the Overview's figures, the Compliance page (AppTest), the CLI's JSON, the PDF appendix,
the leaderboard's levels, the points trace and the daily report must agree with the one
computation (`lead_clocks` + `service_levels` on the scope's leads).

Last month, a marketing manager re-qualified the backlog through the real action (preview,
then `requalify`): exactly `REQUALIFIED` leads of one marketer, two of them created the
month before. Every surface shows that count beside the MQL volume, and the new-MQL volume
of both months is what it was before the action (re-qualified leads are never inside it).

Last month, too, a sales manager handed one of the chosen rep's leads to a teammate an hour
after its disposition deadline passed (`leads.reassign`, `at=` then): the breach stays with
the rep who missed it (`reassign.kept_breaches`), so the one computation counts it for that
rep, their team and the company, and every surface must too.
"""

from __future__ import annotations

import argparse
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from sla_core import agreement, db, leads, periods
from sla_core.access import system_actor
from sla_core.agreement import export
from sla_core.clock import now, set_now
from sla_core.db import session_scope
from sla_core.demo.world import load_demo
from sla_core.gamification import service, trace
from sla_core.marketing.qualification import requalify, requalify_preview
from sla_core.models import Lead, LeadEvent, Role, Team, TeamKind, User
from sla_core.org import load_org_settings
from sla_core.overview import figures
from sla_core.periods import Period
from sla_core.scoring import score_leads
from sla_core.sla.clocks import lead_clocks
from sla_core.sla.command import compliance_report
from sla_core.sla.context import load_heads, load_setup
from sla_core.sla.daily import build_report
from sla_core.sla.handoff import current_rules_id
from sla_core.sla.levels import service_levels
from sla_core.sla.reassign import kept_breaches
from sla_core.sla.views import Heads, Scope, ScopeKind, scope_kept, scope_mask
from sla_core.sla.worktime import BusinessHours, WorkTime, save_work_time
from sla_core.store import snapshot
from sla_core.terms import CriterionField, PointLevel
from tests.conftest import PG_URL
from tests.test_cli import cli
from ui import data

ROOT = Path(__file__).resolve().parents[1]
LEADS = 1_500
REQUALIFIED = 3  # backlog leads the world re-qualifies last month: 2 from the month before


@dataclass(frozen=True)
class World:
    url: str
    engine: Engine
    passwords: dict[str, str]
    frame: pd.DataFrame
    clocks: pd.DataFrame
    heads: Heads
    content: agreement.AgreementContent
    ref: pd.Timestamp
    months: list[Period]  # this month (running), last month, the one before
    team: tuple[int, str]  # a sales team: id, name
    rep: tuple[int, str]  # a rep of that team: id, username
    marketer: int  # whose backlog leads were re-qualified last month
    requalified: list[int]  # those leads' ids
    before: pd.DataFrame  # the leads as they were just before the re-qualification
    kept: pd.DataFrame  # the breaches reassignments left (`reassign.kept_breaches`)
    reassigned: tuple[int, int]  # the lead handed on after its deadline, and to whom


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Engine]]:
    """A migrated, empty database and its URL (for the CLI and the pages): SQLite, and
    PostgreSQL (a schema of its own) when LEADPACT_TEST_DATABASE_URL is set."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('conformance') / 'world.db'}"
        engine = db.make_engine(url)
        db.migrate(engine)
        yield url, engine
        engine.dispose()
        return
    schema = f"{request.getfixturevalue('pg_schema')}_conf_{uuid.uuid4().hex[:6]}"
    with db.scratch_schema(PG_URL or "", schema) as engine:
        yield engine.url.render_as_string(hide_password=False), engine


@pytest.fixture(scope="module")
def world(database: tuple[str, Engine]) -> Iterator[World]:
    url, engine = database
    result = load_demo(engine=engine, actor=system_actor(), leads=LEADS, seed=7)
    with session_scope(engine) as session:
        save_work_time(session=session, work_time=WorkTime(hours=BusinessHours()),
                       actor=system_actor())  # fmt: skip
    with session_scope(engine) as session:
        setup, heads = load_setup(session=session), load_heads(session=session)
        content = agreement.governing_version(session=session).content
        org = load_org_settings(session=session)
        team = session.exec(select(Team).where(Team.kind == TeamKind.SALES)).first()
        assert team is not None and team.id is not None
        rep = session.exec(
            select(User).where(User.team_id == team.id, User.role == Role.SALES_REP)
        ).first()
        assert rep is not None and rep.id is not None
        team_key, rep_key = (team.id, team.name), (rep.id, rep.username)
    this = periods.month_containing(pd.Timestamp(now()), zone=org.time_zone, calendar=org.calendar)
    months = [this, periods.shift(this, -1), periods.shift(this, -2)]
    marketer = sorted(heads.marketers)[0]
    reassigned = _reassign_after_the_deadline(engine, content, rep_key[0], months[1])
    before, chosen = _requalify_last_month(engine, content, marketer, months)
    ref = pd.Timestamp(now())
    frame = snapshot.read_leads(engine, columns=snapshot.SNAPSHOT_COLUMNS)
    clocks = lead_clocks(frame, content, ref.to_pydatetime(), setup)
    with session_scope(engine) as session:
        kept = kept_breaches(session=session)
    yield World(url, engine, result.passwords, frame, clocks, heads, content, ref, months,
                team_key, rep_key, marketer, chosen, before, kept, reassigned)  # fmt: skip


def _reassign_after_the_deadline(
    engine: Engine, content: agreement.AgreementContent, rep: int, month: Period
) -> tuple[int, int]:
    """A lead handed to `rep` on `month`'s second day that nobody dispositioned (every demo
    lead handed off last month was dispositioned, so it is added as routing records one:
    an MQL with the best-scoring lead's profile, under the rules in force); an hour after
    its disposition deadline passed, its team's sales manager hands it to a teammate, as
    the routing page does (`leads.reassign` with `at=`). Returns the lead's id and its new
    owner."""
    frame = snapshot.read_leads(engine, columns=snapshot.SNAPSHOT_COLUMNS)
    best = frame.loc[score_leads(frame, content.mql).idxmax()]
    profile = {f.value: _plain(best[f.value]) for f in CriterionField}
    handed = (month.start + timedelta(days=1, hours=10)).to_pydatetime()
    with session_scope(engine) as session:
        owner = session.get(User, rep)
        assert owner is not None
        mate = session.exec(
            select(User).where(
                User.team_id == owner.team_id,
                User.role == Role.SALES_REP,
                User.id != rep,
                User.active,
            )  # fmt: skip
        ).first()
        manager = (
            session.exec(
                select(User).where(User.team_id == owner.team_id, User.role == Role.SALES_MANAGER)
            ).first()
            or session.exec(select(User).where(User.role == Role.ADMIN)).first()
        )
        assert mate is not None and mate.id is not None and manager is not None
        lead = Lead(lead_key="conformance-missed", email="missed@example.com", stage="mql",
                    owner_id=rep, created_at=handed, mql_at=handed, assigned_at=handed,
                    updated_at=handed, marketer_id=None if pd.isna(best["marketer_id"]) else int(best["marketer_id"]),
                    handoff_rules_id=current_rules_id(session=session), **profile)  # fmt: skip
        session.add(lead)
        session.flush()
        lead_id, mate_id = int(lead.id or 0), mate.id
    with session_scope(engine) as session:
        setup = load_setup(session=session)
    added = snapshot.read_leads(engine, columns=snapshot.SNAPSHOT_COLUMNS)
    added = added[added["id"] == lead_id]
    clocks = lead_clocks(added, content, now(), setup)
    assert clocks["disposition_status"].tolist() == ["breached"]
    assert not clocks["exempt"].any()
    deadline = pd.Timestamp(clocks["disposition_deadline"].iloc[0]).to_pydatetime()
    assert month.contains(pd.Series([deadline])).all()
    with session_scope(engine) as session:
        leads.reassign(session=session, lead_id=lead_id, to_owner=mate_id, actor=manager,
                       seen_owner=rep, at=deadline + timedelta(hours=1))  # fmt: skip
    return lead_id, mate_id


def _requalify_last_month(
    engine: Engine, content: agreement.AgreementContent, marketer: int, months: list[Period]
) -> tuple[pd.DataFrame, list[int]]:
    """Give `REQUALIFIED` of `marketer`'s backlog leads (two created the month before last
    month's middle, one last month before it) the profile of the best-scoring lead, then,
    at last month's middle, re-qualify the backlog as its marketing manager does on the
    criteria page: preview, then apply. Returns the leads before, and the ids moved."""
    leads = snapshot.read_leads(engine, columns=snapshot.SNAPSHOT_COLUMNS)
    middle = months[1].start + (months[1].end - months[1].start) / 2
    created = leads["created_at"]
    waiting = leads[(leads["stage"] == "lead") & (leads["marketer_id"] == marketer)]
    earlier = waiting[months[2].contains(created.loc[waiting.index])]
    later = waiting[(created.loc[waiting.index] >= months[1].start)
                    & (created.loc[waiting.index] < middle)]  # fmt: skip
    chosen = sorted([*earlier["id"].head(2), *later["id"].head(1)])
    assert len(chosen) == REQUALIFIED
    scores = score_leads(leads, content.mql)
    best = leads.loc[scores.idxmax()]
    assert scores.max() >= content.mql.threshold
    profile = [f.value for f in CriterionField]
    with session_scope(engine) as session:
        for lead_id in chosen:  # the CRM enriched their profiles
            session.connection().execute(
                text(f"UPDATE lead SET {', '.join(f'{c} = :{c}' for c in profile)} WHERE id = :id"),
                {**{c: _plain(best[c]) for c in profile}, "id": lead_id},
            )
    before = snapshot.read_leads(engine, columns=snapshot.SNAPSHOT_COLUMNS)
    shift = now() - datetime.now(UTC)
    set_now(middle.to_pydatetime())
    try:
        with session_scope(engine) as session:
            manager = session.exec(select(User).where(User.role == Role.MARKETING_MANAGER)).first()
            assert manager is not None
            preview = requalify_preview(session=session, actor=manager)
            assert preview.result.qualified == REQUALIFIED  # no other backlog lead reaches it
            assert preview.months["leads"].tolist() == [2, 1]
            assert requalify(session=session, actor=manager).qualified == REQUALIFIED
    finally:
        set_now(datetime.now(UTC) + shift)
    return before, chosen


def _plain(value: object) -> object:
    """A frame's cell as a value the database driver takes (None for missing)."""
    if pd.isna(value):  # type: ignore[call-overload]
        return None
    item = getattr(value, "item", None)
    return item() if callable(item) else value


def scopes(w: World) -> list[Scope]:
    return [Scope(), Scope(ScopeKind.TEAM, w.team[0]), Scope(ScopeKind.REP, w.rep[0])]


def truth(w: World, scope: Scope, period: Period) -> pd.Series:
    """The one computation, by hand: the scope's leads and clocks into `service_levels`,
    with the breaches reassignments left with the scope's people."""
    rows = scope_mask(w.frame, scope, w.heads)
    return (
        service_levels(
            w.frame.loc[rows],
            w.content,
            period,
            w.ref.to_pydatetime(),
            None,
            clocks=w.clocks.loc[rows],
            kept=scope_kept(w.kept, scope, w.heads),
        )
        .iloc[0]
        .drop("conversion_pct")
        .astype("int64")
    )


def test_the_world_has_figures_to_agree_on(world: World) -> None:
    last = truth(world, Scope(), world.months[1])
    assert last["disposition_due"] > 50 and last["worked_due"] > 50 and last["mqls_received"] > 50
    assert 0 < last["dispositioned_in_time"] < last["disposition_due"]  # office hours bite


def test_the_world_left_a_breach_with_the_rep_who_missed_it(world: World) -> None:
    """The reassigned lead's disposition breach is the rep's, in last month: the truth
    counts one more due (not met) for the rep than their current leads give."""
    lead_id, mate = world.reassigned
    rep = world.rep[0]
    mine = world.kept[world.kept["lead_id"] == lead_id]
    assert mine[["owner_id", "clock"]].values.tolist() == [[rep, "disposition"]]
    assert world.months[1].contains(mine["since"]).all()
    assert int(world.frame.loc[world.frame["id"] == lead_id, "owner_id"].iloc[0]) == mate
    scope = Scope(ScopeKind.REP, rep)
    rows = scope_mask(world.frame, scope, world.heads)
    plain = service_levels(world.frame.loc[rows], world.content, world.months[1],
                           world.ref.to_pydatetime(), None, clocks=world.clocks.loc[rows]).iloc[0]  # fmt: skip
    counted = truth(world, scope, world.months[1])
    assert counted["disposition_due"] == plain["disposition_due"] + 1
    assert counted["dispositioned_in_time"] == plain["dispositioned_in_time"]


@pytest.mark.parametrize("month", [0, 1, 2])
def test_overview_and_cli_json_give_the_same_figures(world: World, month: int) -> None:
    period = world.months[month]
    for scope in scopes(world):
        expected = truth(world, scope, period)
        rows = scope_mask(world.frame, scope, world.heads)
        stats = figures.overview(world.frame.loc[rows], world.clocks.loc[rows], world.content,
                                 period, world.ref.to_pydatetime(),
                                 kept=scope_kept(world.kept, scope, world.heads))  # fmt: skip
        assert (stats.disposition_met, stats.disposition_due) == (
            expected["dispositioned_in_time"], expected["disposition_due"]), scope  # fmt: skip
        assert (stats.converted, stats.received, stats.won, stats.mqls) == (
            expected["converted"], expected["mqls_received"], expected["won"], expected["mqls"])  # fmt: skip
        args = argparse.Namespace(
            team=world.team[1] if scope.kind is ScopeKind.TEAM else None,
            rep=world.rep[1] if scope.kind is ScopeKind.REP else None,
            period=period.label,
        )
        report = compliance_report(args, world.engine)
        levels = {row["level"]: row for row in report["levels"]}
        for level, (done, due) in {
            "disposition": ("dispositioned_in_time", "disposition_due"),
            "worked": ("worked_in_time", "worked_due"),
            "follow_up": ("follow_up_met", "follow_up_due"),
            "conversion": ("converted", "mqls_received"),
        }.items():
            assert (levels[level]["done"], levels[level]["due"]) == (
                expected[done], expected[due]), (scope, level)  # fmt: skip
        assert levels["conversion"]["won_in_period"] == expected["won"]


def test_the_cli_process_prints_the_same_json(world: World) -> None:
    period = world.months[1]
    done = cli("compliance", "--period", period.label, "--json", url=world.url)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    levels = {row["level"]: row for row in report["levels"]}
    expected = truth(world, Scope(), period)
    assert report["requalified"] == REQUALIFIED  # beside the MQL volume
    assert levels["mql_volume"]["done"] == expected["mqls"] == _new_mqls(world, period)
    judged = [row for row in report["levels"] if row["band"] != "none"]
    kept = sum(row["band"] == "green" for row in judged)
    joint = report["both_sides_kept"]  # the joint figure reads the same gauges
    assert joint["sales"] == [kept, len(judged)]
    assert joint["kept"] == (joint["sales"][0] == joint["sales"][1]
                             and joint["marketing"][0] == joint["marketing"][1])  # fmt: skip
    assert (levels["disposition"]["done"], levels["disposition"]["due"]) == (
        expected["dispositioned_in_time"], expected["disposition_due"])  # fmt: skip


def _appendix(w: World) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The PDF's appendix as the export builds it (it reads the kept breaches itself)."""
    with session_scope(w.engine) as session:
        version = agreement.governing_version(session=session).version
        cover = export.manifest_for(
            session=session, version=version, leads=w.frame, ref=w.ref.to_pydatetime()
        ).cover
    return cover.appendix_period, cover.appendix


def test_the_pdf_appendix_gives_the_same_figures(world: World) -> None:
    label, rows = _appendix(world)
    assert label == world.months[1].label
    expected = truth(world, Scope(), world.months[1])
    shown = dict(rows)
    assert shown["Dispositioned within the window"] == (
        f"{expected['dispositioned_in_time']:,} of {expected['disposition_due']:,}")  # fmt: skip
    assert shown["MQLs"] == f"{expected['mqls']:,}"
    assert shown["Deals won"] == f"{expected['won']:,}"


@pytest.mark.parametrize("month", [1, 2])
def test_leaderboard_levels_and_the_points_trace_give_the_same_figures(
    world: World, month: int
) -> None:
    period = world.months[month]
    with session_scope(world.engine) as session:
        board = service.board_for(session=session, leads=world.frame, period=period,
                                  at=world.ref.to_pydatetime())  # fmt: skip
        setup = service.work_setup(session=session)
        kept = service.kept_of(session=session, leads=world.frame)  # as the page reads them
    # the chosen rep and their teammate: a breach the reassignment left counts for the rep
    for rep in sorted({*sorted(world.heads.reps)[:6], world.rep[0], world.reassigned[1]}):
        expected = truth(world, Scope(ScopeKind.REP, rep), period)
        mine = board.scored[board.scored["subject_id"] == rep].set_index("level")
        for level, (done, due) in {
            "disposition": ("dispositioned_in_time", "disposition_due"),
            "worked": ("worked_in_time", "worked_due"),
            "conversion": ("converted", "mqls_received"),
        }.items():
            if expected[due] == 0 or level not in mine.index:
                continue
            assert mine.loc[level, "due"] == expected[due], (rep, level)
            assert mine.loc[level, "actual"] == pytest.approx(
                100.0 * expected[done] / expected[due]), (rep, level)  # fmt: skip
        behind = trace.leads_behind(world.frame, board.rules.content, period,
                                    world.ref.to_pydatetime(), rep, PointLevel.DISPOSITION, setup,
                                    kept)  # fmt: skip
        counted = behind[~behind["exempt"]]["counted"]
        assert (int((counted == "met").sum()), int(counted.isin(["met", "breached"]).sum())) == (
            expected["dispositioned_in_time"], expected["disposition_due"]), rep  # fmt: skip


@pytest.mark.parametrize("when", ["three days ago", "the kept breach's day"])
def test_the_daily_report_counts_the_clocks_the_pages_judge(world: World, when: str) -> None:
    """The daily report's breaches of a day are the clocks whose deadline fell that day and
    that the one computation calls breached (per rep), and the breaches reassignments left
    with the reps who missed them, on the day of the deadline they missed (their events)."""
    with session_scope(world.engine) as session:
        zone = load_org_settings(session=session).time_zone
        names = {u.id: u.name for u in session.exec(select(User)).all()}
        missed = session.exec(
            select(LeadEvent.at, LeadEvent.actor_id).where(
                LeadEvent.kind == "breach", LeadEvent.lead_id == world.reassigned[0]
            )
        ).all()
    assert len(missed) == 1
    # the kept breach's event: at the deadline the rep missed, by that rep
    deadline = pd.to_datetime(pd.Series([missed[0][0]]), utc=True)
    instant = world.ref - timedelta(days=3) if when == "three days ago" else deadline.iloc[0]
    day = instant.tz_convert(zone).date()
    label, table = build_report(engine=world.engine, day=day)
    span = periods.days_between(day, day, zone=zone)
    breached = pd.Series(False, index=world.frame.index)
    for clock in ("disposition", "work"):
        on_day = span.contains(world.clocks[f"{clock}_deadline"])
        breached |= on_day & (world.clocks[f"{clock}_status"] == "breached")
    owners = world.frame.loc[breached, "owner_id"].dropna().astype("int64").tolist()
    if bool(span.contains(deadline).iloc[0]):
        owners.append(int(missed[0][1]))
    per_rep = pd.Series(owners, dtype="int64").value_counts()
    if when != "three days ago":
        assert per_rep.get(world.rep[0], 0) >= 1  # the kept breach is on this day
    shown = table.set_index("rep")["breached"]
    for rep, count in per_rep.items():
        if int(rep) in world.heads.reps:
            assert shown.get(names[int(rep)], 0) == count, rep


def _caption_counts(at: AppTest) -> tuple[int, int]:
    for caption in at.caption:
        found = re.match(r"([\d,]+) of ([\d,]+) due", caption.value)
        if found:
            return int(found[1].replace(",", "")), int(found[2].replace(",", ""))
    raise AssertionError([c.value for c in at.caption])


def test_the_compliance_page_and_the_overview_page_show_the_same_figures(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", world.url)
    data.shared_snapshot.clear()
    manager = "nasrin.f"
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.text_input[0].input(manager)
    at.text_input[1].input(world.passwords[manager])
    at = next(b for b in at.button if b.label == "Sign in").click().run()
    assert not at.exception
    last = world.months[1]
    expected = truth(world, Scope(), last)
    from sla_core.overview.in_view import PeriodChoice

    at.segmented_control(key="overview_period").set_value(PeriodChoice.LAST_MONTH).run()
    shown = {m.label: m.proto.delta for m in at.metric}
    assert shown["Dispositioned in time"].startswith(
        f"{expected['dispositioned_in_time']:,} of {expected['disposition_due']:,} due"
    )
    running = expected["disposition_running"]
    assert (f", {running:,} still running" in shown["Dispositioned in time"]) == bool(running)
    at.switch_page("pages/compliance.py").run()
    for scope in scopes(world):
        at.selectbox(key="compliance_scope").set_value(scope.kind).run()
        if scope.kind is ScopeKind.TEAM:
            at.selectbox(key="compliance_team").set_value(scope.id).run()
        if scope.kind is ScopeKind.REP:
            at.selectbox(key="compliance_rep").set_value(scope.id).run()
        for period in world.months[1:]:
            at.selectbox(key="compliance_period").set_value(period.label).run()
            assert not at.exception
            expected = truth(world, scope, period)
            assert _caption_counts(at) == (
                expected["dispositioned_in_time"], expected["disposition_due"]), (scope, period)  # fmt: skip
            beside = f"{REQUALIFIED} re-qualified from the backlog, beside this count"
            shown_beside = any(c.value == beside for c in at.caption)
            # the re-qualified leads are nobody's yet: only the company counts them
            assert shown_beside == (scope.kind is ScopeKind.COMPANY and period == world.months[1])


def test_a_marketer_is_measured_on_volume_and_quality_on_the_page_and_cli(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Marketing measured: the Compliance page's *Marketer* scope shows MQL volume and
    quality (no sales gauge) with the CLI's figures and `marketing_levels`' counts."""
    from sla_core.sla.levels import marketing_levels

    marketer = sorted(world.heads.marketers)[0]
    period = world.months[1]
    mine = world.frame[(world.frame["marketer_id"] == marketer).fillna(False)]
    expected = marketing_levels(mine, period, None).iloc[0].drop("quality_pct").astype("int64")
    with session_scope(world.engine) as session:
        username = session.get(User, marketer).username  # type: ignore[union-attr]
    report = compliance_report(
        argparse.Namespace(team=None, rep=username, period=period.label), world.engine
    )
    levels = {row["level"]: row for row in report["levels"]}
    assert report["scope"] == "marketer" and set(levels) == {"mql_volume", "mql_quality"}
    assert levels["mql_volume"]["value"] == expected["mqls"] > 0
    assert (levels["mql_quality"]["done"], levels["mql_quality"]["due"]) == (
        expected["accepted"], expected["decided"])  # fmt: skip
    monkeypatch.setenv("DATABASE_URL", world.url)
    data.shared_snapshot.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.text_input[0].input("nasrin.f")
    at.text_input[1].input(world.passwords["nasrin.f"])
    at = next(b for b in at.button if b.label == "Sign in").click().run()
    at.switch_page("pages/compliance.py").run()
    at.selectbox(key="compliance_scope").set_value(ScopeKind.MARKETER).run()
    at.selectbox(key="compliance_marketer").set_value(marketer).run()
    at.selectbox(key="compliance_period").set_value(period.label).run()
    assert not at.exception
    captions = [c.value for c in at.caption]
    assert any(
        c.startswith(f"{expected['accepted']:,} accepted of {expected['decided']:,} decided")
        for c in captions
    ), captions
    assert not any(" of " in c and c.endswith(" due") for c in captions), captions
    assert f"{REQUALIFIED} re-qualified from the backlog, beside this count" in captions
    assert not at.tabs or "At risk" not in [t.label for t in at.tabs]


def _new_mqls(w: World, period: Period, marketer: int | None = None) -> int:
    """By hand, on the leads as they were before the re-qualification (none re-qualified):
    the leads that became MQLs in `period` (of `marketer`)."""
    mine = w.before if marketer is None else w.before[w.before["marketer_id"] == marketer]
    return int(period.contains(mine["mql_at"]).sum())


def _username(w: World, user_id: int) -> str:
    with session_scope(w.engine) as session:
        user = session.get(User, user_id)
        assert user is not None
        return user.username


def test_the_world_requalified_its_leads_last_month(world: World) -> None:
    assert world.before["requalified_at"].isna().all()
    moved = world.frame.set_index("id").loc[world.requalified]
    assert (moved["stage"] == "mql").all() and moved["owner_id"].isna().all()
    assert world.months[1].contains(moved["requalified_at"]).all()
    assert (moved["mql_at"] == moved["requalified_at"]).all()
    assert world.months[2].contains(moved["created_at"]).sum() == 2  # the month before
    assert (moved["marketer_id"] == world.marketer).all()


@pytest.mark.parametrize("month", [1, 2])
def test_requalified_leads_are_counted_beside_the_mql_volume_on_every_surface(
    world: World, month: int
) -> None:
    """Last month: `REQUALIFIED` re-qualified on every surface that counts them, and each
    surface's new-MQL volume (company and the marketer) is the hand count of the leads
    before the action; the month before: none re-qualified, its volume unchanged."""
    period = world.months[month]
    beside = REQUALIFIED if month == 1 else 0
    company, theirs = _new_mqls(world, period), _new_mqls(world, period, world.marketer)
    assert company > 0 and theirs > 0
    assert truth(world, Scope(), period)["mqls"] == company  # the one computation
    stats = figures.overview(world.frame, world.clocks, world.content, period,
                             world.ref.to_pydatetime())  # fmt: skip
    assert stats.mqls == company  # the Overview
    whole = compliance_report(argparse.Namespace(team=None, rep=None, period=period.label),
                              world.engine)  # fmt: skip
    levels = {row["level"]: row for row in whole["levels"]}
    assert (levels["mql_volume"]["done"], whole["requalified"]) == (company, beside)  # the CLI
    username = _username(world, world.marketer)
    mine = compliance_report(argparse.Namespace(team=None, rep=username, period=period.label),
                             world.engine)  # fmt: skip
    levels = {row["level"]: row for row in mine["levels"]}
    assert (levels["mql_volume"]["value"], mine["requalified"]) == (theirs, beside)
    with session_scope(world.engine) as session:
        board = service.board_for(session=session, leads=world.frame, period=period,
                                  at=world.ref.to_pydatetime())  # fmt: skip
        setup = service.work_setup(session=session)
    scored = board.scored[board.scored["subject_id"] == world.marketer].set_index("level")
    assert scored.loc[PointLevel.MQL_VOLUME.value, "actual"] == theirs  # the leaderboard
    behind = trace.leads_behind(world.frame, board.rules.content, period,
                                world.ref.to_pydatetime(), world.marketer,
                                PointLevel.MQL_VOLUME, setup)  # fmt: skip
    assert len(behind) == theirs  # the points trace
    assert not set(behind["id"]) & set(world.requalified)


def test_the_pdf_appendix_leaves_requalified_leads_out_of_the_mqls(world: World) -> None:
    label, rows = _appendix(world)
    assert label == world.months[1].label
    assert dict(rows)["MQLs"] == f"{_new_mqls(world, world.months[1]):,}"
