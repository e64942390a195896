"""Routing against the database: caps per month, away reps, events, concurrency, the CLI."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from sla_core import agreement, cli
from sla_core.access import PermissionDenied, system_actor
from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.marketing.route_run import NoRepAvailable, route, spread
from sla_core.models import AuditEntry, Lead, LeadEvent, Role, Team, TeamKind
from sla_core.people import users
from sla_core.periods import month_containing


def seed(engine: Engine, *, mqls: int = 10, reps: int = 2, max_cap: int = 5) -> list[int]:
    at = now() - timedelta(hours=3)
    with session_scope(engine) as session:
        version = agreement.ensure_agreement(session=session)
        content = agreement.load_content(version)
        targets = content.targets.model_copy(
            update={"max_mqls_per_rep": max_cap, "min_mqls_per_rep": 0}
        )
        agreement.save_draft(
            session=session, version_id=version.id or 0, revision=version.revision,
            content=content.model_copy(update={"targets": targets}), actor=system_actor(),
        )  # fmt: skip
        team = Team(name="North", kind=TeamKind.SALES)  # placed reps: routing skips the others
        session.add(team)
        session.flush()
        ids = [
            users.create_user(
                actor=system_actor(),
                session=session,
                username=f"rep{i}",
                name=f"Rep {i}",
                role=Role.SALES_REP,
                team_id=team.id,
            ).id
            or 0
            for i in range(reps)
        ]
        users.create_user(
            actor=system_actor(),
            session=session,
            username="boss",
            name="Boss",
            role=Role.SALES_MANAGER,
        )
        for i in range(mqls):
            session.add(
                Lead(lead_key=f"m{i}", stage="mql", industry="Software", engagement=i * 10,
                     created_at=at, mql_at=at + timedelta(minutes=i))
            )  # fmt: skip
        # rep0 already holds 2 leads from this month, plus one from last month
        start = month_containing(now()).start.to_pydatetime()
        for j, old in enumerate((now() - timedelta(minutes=1), start, start - timedelta(days=1))):
            session.add(
                Lead(lead_key=f"old{j}", stage="sal", owner_id=ids[0], created_at=old,
                     mql_at=old, assigned_at=old)
            )  # fmt: skip
    return ids


def owners(engine: Engine) -> dict[str, int | None]:
    with session_scope(engine) as session:
        return {
            lead.lead_key: lead.owner_id
            for lead in session.exec(select(Lead).where(Lead.stage == "mql")).all()
        }


def test_route_fills_within_the_monthly_max_and_logs_each_assignment(engine: Engine) -> None:
    rep0, rep1 = seed(engine)
    with session_scope(engine) as session:
        result = route(session=session, actor=system_actor())
    # max 5: rep0 has 2 this month (room 3), rep1 none (room 5): 8 of 10 leads routed
    assert (result.waiting, result.assigned) == (10, 8)
    held = list(owners(engine).values())
    assert (held.count(rep0), held.count(rep1), held.count(None)) == (3, 5, 2)
    assert spread(result) == 0  # both end at 5
    with session_scope(engine) as session:
        events = session.exec(select(LeadEvent).where(LeadEvent.kind == "assigned")).all()
        audit = session.exec(select(AuditEntry).where(AuditEntry.action == "route_leads")).one()
        leads = {lead.id: lead for lead in session.exec(select(Lead)).all()}
    assert len(events) == 8
    assert all(leads[e.lead_id].owner_id == e.actor_id for e in events)
    assert all(leads[e.lead_id].assigned_at == e.at for e in events)
    assert "8 of 10 unassigned MQLs assigned" in (audit.detail or "")


def test_the_best_leads_go_first_when_room_is_short(engine: Engine) -> None:
    seed(engine, max_cap=3)  # room: rep0 1, rep1 3
    with session_scope(engine) as session:
        route(session=session, actor=system_actor())
    held = {k for k, owner in owners(engine).items() if owner is not None}
    # default criteria: m4..m9 (engagement >= 40) score 40, the rest 20; ties: oldest first
    assert held == {"m4", "m5", "m6", "m7"}


def test_away_reps_are_skipped_and_none_left_is_refused(engine: Engine) -> None:
    rep0, rep1 = seed(engine)
    with session_scope(engine) as session:
        result = route(session=session, actor=system_actor(), away={rep0})
    assert set(result.assignments["rep_id"]) == {rep1}
    with pytest.raises(NoRepAvailable, match="nothing was assigned"):
        with session_scope(engine) as session:
            route(session=session, actor=system_actor(), away={rep0, rep1})


def test_dry_run_assigns_nothing_and_a_second_run_skips_claimed_leads(engine: Engine) -> None:
    seed(engine)
    with session_scope(engine) as session:
        planned = route(session=session, actor=system_actor(), dry_run=True)
    assert planned.assigned == 8 and set(owners(engine).values()) == {None}
    with session_scope(engine) as session:
        route(session=session, actor=system_actor())
    with session_scope(engine) as session:
        again = route(session=session, actor=system_actor())
    assert again.assigned == 0  # everyone is at the max now


def test_a_marketer_may_not_route(engine: Engine) -> None:
    seed(engine)
    with session_scope(engine) as session:
        marketer = users.create_user(
            actor=system_actor(), session=session, username="mk", name="M", role=Role.MARKETER
        )
    with pytest.raises(PermissionDenied), session_scope(engine) as session:
        route(session=session, actor=marketer)


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = cli.main(args)
    return code, capsys.readouterr().out


def test_cli_route_and_qualify(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from sla_core import db

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    engine = db.make_engine(url)
    db.migrate(engine)
    code, out = run_cli(["route", "--json"], capsys)
    assert code == 1 and "no active sales rep" in json.loads(out)["error"]
    seed(engine)
    code, out = run_cli(["route", "--dry-run", "--json", "--away", "rep0"], capsys)
    payload = json.loads(out)
    assert code == 0 and payload["assigned"] == 5 and payload["dry_run"]
    code, out = run_cli(["route"], capsys)
    assert code == 0 and out.startswith("8 of 10 unassigned MQLs assigned")
    code, out = run_cli(["qualify", "--dry-run", "--json"], capsys)
    assert code == 0 and json.loads(out)["candidates"] == 0


def test_reps_with_a_stored_away_period_today_are_skipped(engine: Engine) -> None:
    from sla_core.sla.worktime import AwayPeriod, WorkTime, save_work_time

    rep0, rep1 = seed(engine)
    today = now().date()
    with session_scope(engine) as session:
        away = (
            AwayPeriod(user_id=rep1, start=today - timedelta(days=1), end=today),
            AwayPeriod(
                user_id=rep0, start=today + timedelta(days=1), end=today + timedelta(days=5)
            ),
        )  # rep0's leave starts tomorrow: still routed today
        save_work_time(session=session, work_time=WorkTime(away=away), actor=system_actor())
    with session_scope(engine) as session:
        result = route(session=session, actor=system_actor())
    assert set(result.assignments["rep_id"]) == {rep0}
    with session_scope(engine) as session:  # an explicit set overrides the stored periods
        result = route(session=session, actor=system_actor(), away=set(), dry_run=True)
    assert set(result.assignments["rep_id"]) == {rep1}  # rep0 is full now


def test_two_routing_runs_at_once_never_pass_the_max(engine: Engine) -> None:
    import threading

    seed(engine, mqls=30, max_cap=5)  # room: rep0 3, rep1 5
    results: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2, timeout=60)

    def run() -> None:
        try:
            start.wait()
            with session_scope(engine) as session:
                results.append(route(session=session, actor=system_actor()).assigned)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [0, 8]
    held = [owner for owner in owners(engine).values() if owner is not None]
    assert len(held) == 8


def test_rep_loads_count_this_calendar_month(engine: Engine) -> None:
    """At 2026-03-20 noon (UTC, Gregorian) the month is March. Rep 0: 2026-02-10 and 02-25
    (February), 03-05 and 03-19 (March) -> 2; rep 1 holds nothing; a lead with no owner
    counts for nobody."""
    from datetime import UTC, datetime

    from sla_core.marketing.route_run import rep_loads

    with session_scope(engine) as session:
        ids = [users.create_user(actor=system_actor(), session=session, username=f"rep{i}",
                                 name=f"Rep {i}", role=Role.SALES_REP,
                                 password="Secret#123").id or 0
               for i in range(2)]  # fmt: skip
        for key, owner, day in (("a", ids[0], "2026-02-10"), ("b", ids[0], "2026-02-25"),
                                ("c", ids[0], "2026-03-05"), ("d", ids[0], "2026-03-19"),
                                ("e", None, "2026-03-10")):  # fmt: skip
            at = datetime.fromisoformat(day).replace(tzinfo=UTC)
            session.add(Lead(lead_key=f"load-{key}", stage="sal", owner_id=owner,
                             created_at=at, assigned_at=at))  # fmt: skip
    ref = datetime(2026, 3, 20, 12, tzinfo=UTC)
    with session_scope(engine) as session:
        loads = rep_loads(session=session, away=(), ref=ref).set_index("id")
    assert loads.loc[ids[0], "month"] == 2
    assert loads.loc[ids[1], "month"] == 0


def test_a_person_an_import_created_receives_no_routed_leads(engine: Engine) -> None:
    """Imported owners have no login and no team: they could not see a routed lead, so
    the one placed rep takes all four MQLs and the imported owner none."""
    (rep0,) = seed(engine, mqls=4, reps=1, max_cap=10)
    with session_scope(engine) as session:
        ghost = users.create_user(actor=system_actor(), session=session, username="ghost",
                                  name="Imported Owner", role=Role.SALES_REP)  # fmt: skip
        result = route(session=session, actor=system_actor(), away=set())
    assert result.assigned == 4
    assert result.reps["id"].tolist() == [rep0] and ghost.id not in set(result.reps["id"])
