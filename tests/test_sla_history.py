"""History is what happened: a table of hand-counted cases (issue 17, items 2, 3, 7, 8)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine

from sla_core import agreement, users
from sla_core.access import system_actor
from sla_core.db import session_scope
from sla_core.importing import ImportOptions
from sla_core.importing.run import run_import
from sla_core.marketing.route_run import backlog, rep_loads, reps_over_cap, route
from sla_core.models import Lead, Role, Team, TeamKind, User
from sla_core.org import OrgSettings, save_org_settings
from sla_core.periods import Calendar
from sla_core.snapshot import read_leads


def _user(engine: Engine, role: Role, username: str) -> User:
    with session_scope(engine) as session:
        user = users.create_user(
            actor=system_actor(),
            session=session,
            username=username,
            name=username.title(),
            role=role,
        )
        session.flush()
        session.expunge(user)
    return user


# --- item 8: an import whose mapped text column is empty in every row ---------------------


@pytest.mark.parametrize("column", ["Company", "Industry", "Source", "Country", "Job Title"])
def test_a_mapped_column_empty_in_every_row_imports_the_rows(engine: Engine, column: str) -> None:
    marketer = _user(engine, Role.MARKETER, "mo")
    data = f"Id,Email,Stage,{column}\n1,a@x.io,lead,\n2,b@x.io,mql,\n3,c@x.io,lead,\n".encode()
    report = run_import(
        engine=engine, data=data, filename="leads.csv", actor=marketer, options=ImportOptions()
    )
    assert (report.new, report.rejected) == (3, 0)
    assert len(read_leads(engine)) == 3


# --- item 7: the routing cap is per month in the organisation's zone and calendar --------


def _reps(engine: Engine, count: int, max_cap: int) -> list[int]:
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
        team = Team(name="North", kind=TeamKind.SALES)
        session.add(team)
        session.flush()
        return [
            users.create_user(actor=system_actor(), session=session, username=f"rep{i}",
                              name=f"Rep {i}", role=Role.SALES_REP, team_id=team.id).id or 0
            for i in range(count)
        ]  # fmt: skip


def _held(engine: Engine, owner: int, days: list[str]) -> None:
    with session_scope(engine) as session:
        for day in days:
            at = datetime.fromisoformat(day).replace(tzinfo=UTC)
            session.add(Lead(lead_key=f"held-{owner}-{day}", stage="sal", owner_id=owner,
                             created_at=at, mql_at=at, assigned_at=at))  # fmt: skip


def test_the_cap_counts_the_jalali_month_in_tehran_not_30_days(engine: Engine) -> None:
    """Tehran, Jalali: on 2026-03-20 12:00 UTC the month 1404-12 runs from 2026-02-19
    20:30 UTC to 2026-03-20 20:30 UTC. Rep 0 holds 2026-02-19 12:00 (month 1404-11),
    02-20, 03-05, 03-19 (1404-12): 3 this month, 4 in the last 30 days. Max 4: routing
    gives rep 0 one lead (3 + 1), rep 1 four, and 5 of 10 MQLs stay in the backlog."""
    with session_scope(engine) as session:
        save_org_settings(session=session, actor=system_actor(),
                          settings=OrgSettings(time_zone="Asia/Tehran", calendar=Calendar.JALALI))  # fmt: skip
    rep0, rep1 = _reps(engine, 2, max_cap=4)
    _held(engine, rep0, ["2026-02-19T12:00", "2026-02-20T00:00", "2026-03-05", "2026-03-19"])
    ref = datetime(2026, 3, 20, 12, tzinfo=UTC)
    waiting_since = datetime(2026, 3, 10, 12, tzinfo=UTC)
    with session_scope(engine) as session:
        for i in range(10):
            session.add(Lead(lead_key=f"q{i}", stage="mql", created_at=waiting_since,
                             mql_at=waiting_since + timedelta(hours=i)))  # fmt: skip
    with session_scope(engine) as session:
        loads = rep_loads(session=session, away=(), ref=ref).set_index("id")["month"]
        assert loads.to_dict() == {rep0: 3, rep1: 0}
        result = route(session=session, actor=system_actor(), ref=ref)
    assert result.assignments["rep_id"].value_counts().to_dict() == {rep1: 4, rep0: 1}
    with session_scope(engine) as session:
        left = backlog(session=session, ref=ref)
    assert left.count == 5
    assert left.oldest == waiting_since + timedelta(hours=5)
    assert left.oldest_age_days == pytest.approx(10 - 5 / 24)  # 03-10 17:00 to 03-20 12:00


def test_reps_over_the_monthly_max_are_listed(engine: Engine) -> None:
    """Max 2 (UTC, Gregorian), on 2026-03-20: rep 0 holds 3 March leads (1 over), rep 1
    holds 2 March leads and 5 February ones (at the max, not over)."""
    rep0, rep1 = _reps(engine, 2, max_cap=2)
    _held(engine, rep0, ["2026-03-01", "2026-03-02", "2026-03-03"])
    _held(engine, rep1, ["2026-03-04", "2026-03-05"] + [f"2026-02-0{d}" for d in range(1, 6)])
    with session_scope(engine) as session:
        over = reps_over_cap(session=session, ref=datetime(2026, 3, 20, tzinfo=UTC))
    assert over[["id", "month", "over"]].values.tolist() == [[rep0, 3, 1]]


def test_an_empty_backlog_has_no_age(engine: Engine) -> None:
    with session_scope(engine) as session:
        left = backlog(session=session)
    assert (left.count, left.oldest, left.oldest_age_days) == (0, None, None)
