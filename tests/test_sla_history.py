"""History is what happened: a table of hand-counted cases (issue 17, items 2, 3, 7, 8)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from sla_core import agreement, leads
from sla_core.access import system_actor
from sla_core.agreement import export
from sla_core.agreement import figures as workshop_figures
from sla_core.clock import now, set_now
from sla_core.db import session_scope
from sla_core.gamification import leaderboard, service, trace
from sla_core.gamification.board import Board, compute_board
from sla_core.gamification.rulebook import PeriodRules
from sla_core.importing import ImportOptions
from sla_core.importing.run import run_import
from sla_core.marketing.qualification import requalify, requalify_preview
from sla_core.marketing.route_run import backlog, rep_loads, reps_over_cap, route
from sla_core.models import AuditEntry, Lead, LeadEvent, Role, Team, TeamKind, User
from sla_core.org import OrgSettings, save_org_settings
from sla_core.people import users
from sla_core.periods import Calendar, month_containing
from sla_core.sla import reassign
from sla_core.sla.clocks import lead_clocks
from sla_core.sla.cohorts import requalified_in
from sla_core.sla.context import load_setup
from sla_core.sla.daily import build_report
from sla_core.sla.handoff import current_rules_id
from sla_core.sla.levels import service_levels
from sla_core.sla.reassign import KEPT_READS, kept_breaches
from sla_core.stages import Disposition
from sla_core.store import refresh
from sla_core.store.memo import no_memo
from sla_core.store.snapshot import Delta, Shared, read_leads
from sla_core.terms import (
    AgreementContent,
    Criterion,
    CriterionField,
    LevelRule,
    MQLDefinition,
    PointLevel,
    PointRules,
)
from tests.slaframes import QUALIFYING, sla_frame
from tests.test_pages_marketing import open_page, template, url  # noqa: F401  (fixtures)
from ui.data import engine_for

ROOT = Path(__file__).resolve().parents[1]


def _user(engine: Engine, role: Role, username: str) -> User:
    with session_scope(engine) as session:
        user = users.create_user(
            actor=system_actor(),
            session=session,
            username=username,
            name=username.title(),
            role=role,
            password="Secret#2026x",  # a login: only people who can work a queue take leads
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


# --- item 3: definitions change the future, not the past ---------------------------------

SOFTWARE_AND_ENGAGED = MQLDefinition(
    criteria=(
        Criterion(field=CriterionField.INDUSTRY, weight=50, accepted=("Software",)),
        Criterion(field=CriterionField.ENGAGEMENT, weight=50, minimum=40),
    ),
    threshold=60,
)


def _set_mql(engine: Engine, **changes: object) -> None:
    """Edit the unsigned draft's MQL definition (and anything else in `changes`)."""
    with session_scope(engine) as session:
        version = agreement.ensure_agreement(session=session)
        content = agreement.load_content(version)
        mql = changes.pop("mql", content.mql)
        agreement.save_draft(
            session=session, version_id=version.id or 0, revision=version.revision,
            content=content.model_copy(update={"mql": mql, **changes}), actor=system_actor(),
        )  # fmt: skip


def _import(engine: Engine, actor: User, rows: list[str]) -> int:
    data = ("Id,Email,Stage,Industry,Engagement,Created Date\n" + "\n".join(rows) + "\n").encode()
    report = run_import(engine=engine, data=data, filename="leads.csv", actor=actor,
                        options=ImportOptions())  # fmt: skip
    assert report.rejected == 0
    return report.batch_id


def _stages(engine: Engine) -> dict[str, tuple[str, bool]]:
    with session_scope(engine) as session:
        return {
            lead.lead_key: (lead.stage, lead.requalified_at is not None)
            for lead in session.exec(select(Lead)).all()
        }


def _backlog_world(engine: Engine) -> User:
    """Threshold 60. July: o1, o2 Software with engagement 10 (score 50) stay leads; o3
    Software, 90 (score 100) becomes an MQL. August: o4 Software, 10 (50) stays a lead;
    o5 Retail, 10 (0). Then the threshold drops to 50."""
    marketer = _user(engine, Role.MARKETER, "mo")
    _set_mql(engine, mql=SOFTWARE_AND_ENGAGED)
    _import(engine, marketer, ["o1,o1@x.io,lead,Software,10,2026-07-03",
                               "o2,o2@x.io,lead,Software,10,2026-07-20",
                               "o3,o3@x.io,lead,Software,90,2026-07-21",
                               "o4,o4@x.io,lead,Software,10,2026-08-02",
                               "o5,o5@x.io,lead,Retail,10,2026-08-09"])  # fmt: skip
    _set_mql(engine, mql=SOFTWARE_AND_ENGAGED.model_copy(update={"threshold": 50}))
    return marketer


def test_a_threshold_change_never_requalifies_leads_an_import_did_not_bring(
    engine: Engine,
) -> None:
    """After the drop to 50, an unrelated file with n1 (Software, 10: score 50) makes n1 an
    MQL, and only n1: o1, o2, o4 (score 50, scored under 60) stay leads."""
    marketer = _backlog_world(engine)
    _import(engine, marketer, ["n1,n1@x.io,lead,Software,10,2026-12-01"])
    assert _stages(engine) == {
        "o1": ("lead", False), "o2": ("lead", False), "o3": ("mql", False),
        "o4": ("lead", False), "o5": ("lead", False), "n1": ("mql", False),
    }  # fmt: skip


def test_requalifying_the_backlog_is_previewed_then_applied_flagged_and_audited(
    engine: Engine,
) -> None:
    """Preview: 3 of the 4 leads at `lead` (o1, o2 from July, o4 from August) would become
    MQLs; one rep with room (max 150, none this month) would receive all 3. Apply: they
    are MQLs flagged re-qualified, audited, and not inside the month's new MQL volume."""
    marketer = _backlog_world(engine)
    (rep,) = _reps(engine, 1, max_cap=150)
    with session_scope(engine) as session:
        preview = requalify_preview(session=session, actor=marketer)
    assert (preview.result.candidates, preview.result.qualified) == (4, 3)
    assert preview.months.values.tolist() == [["2026-07", 2], ["2026-08", 1]]
    assert preview.load[["id", "month", "would_get", "month_after"]].values.tolist() == [
        [rep, 0, 3, 3]
    ]
    assert preview.unrouted == 0
    assert _stages(engine)["o1"] == ("lead", False)  # a preview changes nothing
    with session_scope(engine) as session:
        done = requalify(session=session, actor=marketer)
    assert done.qualified == 3
    assert _stages(engine) == {
        "o1": ("mql", True), "o2": ("mql", True), "o3": ("mql", False),
        "o4": ("mql", True), "o5": ("lead", False),
    }  # fmt: skip
    with session_scope(engine) as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "requalify_leads")).one()
        notes = session.exec(
            select(LeadEvent.note).where(col(LeadEvent.note).like("re-qualified%"))
        ).all()
    assert "3 of 4 leads" in (entry.detail or "")
    assert len(notes) == 3
    leads = read_leads(engine)
    period = month_containing(now())
    everyone = service_levels(leads, AgreementContent(), period, now(), by=None)
    # new MQLs this month: o3 alone (qualified by its import); the 3 re-qualified are beside
    assert int(everyone["mqls"].iloc[0]) == 1
    assert requalified_in(leads, period) == 3


def test_the_requalify_command_previews_and_applies(engine: Engine) -> None:
    _backlog_world(engine)
    address = engine.url.render_as_string(hide_password=False)
    preview = _cli(address, "requalify", "--preview", "--json")
    assert (preview["would_qualify"], preview["applied"]) == (3, False)
    assert preview["months"] == [{"month": "2026-07", "leads": 2}, {"month": "2026-08", "leads": 1}]
    assert _stages(engine)["o1"] == ("lead", False)
    applied = _cli(address, "requalify", "--apply", "--json")
    assert (applied["requalified"], applied["applied"]) == (3, True)
    assert _stages(engine)["o4"] == ("mql", True)


def _cli(address: str, *args: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "sla_core", *args],
        capture_output=True, text=True, env={**os.environ, "DATABASE_URL": address}, cwd=ROOT,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    answer: dict[str, object] = json.loads(done.stdout)
    return answer


def test_the_criteria_page_previews_then_requalifies(url: str) -> None:  # noqa: F811
    """The page's fixture: b (Retail, size 10, engagement 5: score 20) and d (Healthcare,
    size 60, engagement 45: 60) wait at `lead`; under the default threshold d alone would
    become an MQL, from this month, and the one placed rep would receive it."""
    at = open_page("marketingmanager", "pages/criteria.py")
    at.button(key="criteria_requalify_preview").click().run()
    assert not at.exception
    assert any("1 of 2 leads at stage lead would become MQLs" in t.value for t in at.text)
    tables = [d.value for d in at.dataframe]
    months = next(t for t in tables if "leads" in t and "month" in t and len(t.columns) == 2)
    assert months["leads"].tolist() == [1]
    load = next(t for t in tables if "would_get" in t)
    assert load["would_get"].sum() == 1
    at.button(key="criteria_requalify_apply").click().run()
    assert not at.exception
    assert any("1 leads re-qualified as MQLs." in s.value for s in at.success)
    with session_scope(engine_for(url)) as session:
        flagged = session.exec(select(Lead.lead_key).where(col(Lead.requalified_at).is_not(None)))
        assert flagged.all() == ["d@x.com"]
        assert session.exec(select(AuditEntry).where(AuditEntry.action == "requalify_leads")).one()


# --- item 2: history is what happened -----------------------------------------------------
# Around the clock (no business hours saved), UTC; default windows: disposition 48 h, work
# within 7 days, 3 follow-ups within the work window. March 2026.

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
MARCH = month_containing(T0)


def _people(engine: Engine) -> tuple[User, User, User]:
    ann = _user(engine, Role.SALES_REP, "ann")
    bob = _user(engine, Role.SALES_REP, "bob")
    boss = _user(engine, Role.SALES_MANAGER, "boss")
    return ann, bob, boss


def _assigned_lead(
    engine: Engine, owner: User, key: str = "L1", at: datetime = T0, **profile: object
) -> int:
    """An MQL meeting the default definition, assigned to `owner` at `at` under the rules
    in force then (as routing and reassignment record them)."""
    with session_scope(engine) as session:
        lead = Lead(lead_key=key, stage="mql", owner_id=owner.id, created_at=at, mql_at=at,
                    assigned_at=at, handoff_rules_id=current_rules_id(session=session),
                    **{**QUALIFYING, **profile})  # fmt: skip
        session.add(lead)
        session.flush()
        return int(lead.id or 0)


def _judged(engine: Engine, ref: datetime) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The snapshot, its clocks at `ref`, and March's levels per owner (kept breaches in)."""
    with session_scope(engine) as session:
        setup = load_setup(session=session)
        content = agreement.governing_version(session=session).content
        kept = kept_breaches(session=session)
    leads = read_leads(engine)
    clocks = lead_clocks(leads, content, ref, setup)
    levels = service_levels(leads, content, MARCH, ref, clocks=clocks, kept=kept)
    return leads, clocks, levels


def _disposition(levels: pd.DataFrame, owner: User) -> tuple[int, int]:
    if owner.id not in levels.index:
        return (0, 0)
    row = levels.loc[owner.id]
    return int(row["disposition_due"]), int(row["dispositioned_in_time"])


def test_a_reassignment_after_the_deadline_leaves_the_breach_with_the_owner_who_missed_it(
    engine: Engine,
) -> None:
    """Ann gets L1 at T0 (due T0 + 48 h) and lets it pass; at T0 + 50 h the manager hands
    it to Bob, who qualifies it at T0 + 51 h, within his fresh 48 h. March: Ann 1 due, 0 in
    time (the kept breach); Bob 1 due, 1 in time. Before the fix Ann's breach vanished."""
    ann, bob, boss = _people(engine)
    lead_id = _assigned_lead(engine, ann)
    with session_scope(engine) as session:
        leads.reassign(session=session, lead_id=lead_id, to_owner=bob.id or 0, actor=boss,
                       seen_owner=ann.id, at=T0 + timedelta(hours=50))  # fmt: skip
        leads.disposition(session=session, lead_id=lead_id, outcome=Disposition.QUALIFY,
                          actor=bob, at=T0 + timedelta(hours=51))  # fmt: skip
    _, clocks, levels = _judged(engine, T0 + timedelta(days=3))
    assert _disposition(levels, ann) == (1, 0)
    assert _disposition(levels, bob) == (1, 1)
    assert clocks["disposition_status"].tolist() == ["met"]
    with session_scope(engine) as session:
        breach = session.exec(select(LeadEvent).where(LeadEvent.kind == "breach")).one()
    assert (breach.actor_id, breach.reason) == (ann.id, "disposition")
    assert breach.at == T0 + timedelta(hours=48)


def test_the_kept_breaches_are_read_again_after_a_reassignment_not_after_a_touch(
    engine: Engine,
) -> None:
    """Pages carry the kept breaches over a write that leaves `KEPT_READS` alone: a touch
    does; the reassignment that records a breach does not; and it is the only writer."""
    ann, bob, boss = _people(engine)
    lead_id = _assigned_lead(engine, ann)
    with Session(engine) as session:
        before = refresh.load(engine, refresh.probe(session=session))
    with session_scope(engine) as session:
        leads.record_touch(session=session, lead_id=lead_id, kind="call", actor=ann,
                           at=T0 + timedelta(hours=1))  # fmt: skip
    with Session(engine) as session:
        touched = refresh.load(engine, refresh.probe(session=session), before)
    assert touched.delta is not None and touched.delta.leaves(touched.frame, KEPT_READS)
    with session_scope(engine) as session:
        leads.reassign(session=session, lead_id=lead_id, to_owner=bob.id or 0, actor=boss,
                       seen_owner=ann.id, at=T0 + timedelta(hours=50))  # fmt: skip
    with Session(engine) as session:
        moved = refresh.load(engine, refresh.probe(session=session), touched)
        assert len(kept_breaches(session=session)) == 1
    assert moved.delta is not None and not moved.delta.leaves(moved.frame, KEPT_READS)
    package = Path(leads.__file__).parent
    writers = [p.name for p in package.rglob("*.py") if "kind=EventKind.BREACH" in p.read_text()]
    assert writers == ["leads.py"]


def test_a_reassignment_before_the_deadline_ends_the_clock_unjudged(engine: Engine) -> None:
    """Ann gets L1 at T0; at T0 + 10 h (38 h left) it goes to Bob, who lets his own 48 h
    pass (due T0 + 58 h). March: Ann nothing due; Bob 1 due, 0 in time."""
    ann, bob, boss = _people(engine)
    lead_id = _assigned_lead(engine, ann)
    with session_scope(engine) as session:
        leads.reassign(session=session, lead_id=lead_id, to_owner=bob.id or 0, actor=boss,
                       seen_owner=ann.id, at=T0 + timedelta(hours=10))  # fmt: skip
    _, clocks, levels = _judged(engine, T0 + timedelta(hours=59))
    assert _disposition(levels, ann) == (0, 0)
    assert _disposition(levels, bob) == (1, 0)
    assert clocks["disposition_deadline"].tolist() == [T0 + timedelta(hours=58)]
    with session_scope(engine) as session:
        assert session.exec(select(LeadEvent).where(LeadEvent.kind == "breach")).all() == []


def test_a_touch_after_the_work_window_never_changes_the_outcome(engine: Engine) -> None:
    """3 follow-ups owed within 7 days. Ann calls on day 1 and day 2, then on day 9: at
    day 8 the duty is breached (2 of 3 inside), and the day-9 call leaves it breached."""
    ann, _, _ = _people(engine)
    lead_id = _assigned_lead(engine, ann)
    with session_scope(engine) as session:
        for day in (1, 2):
            leads.record_touch(session=session, lead_id=lead_id, kind="call", actor=ann,
                               at=T0 + timedelta(days=day))  # fmt: skip
    _, before, _ = _judged(engine, T0 + timedelta(days=8))
    with session_scope(engine) as session:
        leads.record_touch(session=session, lead_id=lead_id, kind="call", actor=ann,
                           at=T0 + timedelta(days=9))  # fmt: skip
    snapshot, after, levels = _judged(engine, T0 + timedelta(days=10))
    assert before["follow_up_status"].tolist() == after["follow_up_status"].tolist() == ["breached"]
    assert int(snapshot["touches"].iloc[0]) == 3
    assert (int(levels.loc[ann.id, "follow_up_due"]), int(levels.loc[ann.id, "follow_up_met"])) == (
        1,
        0,
    )


def test_three_touches_inside_the_window_meet_the_duty(engine: Engine) -> None:
    ann, _, _ = _people(engine)
    lead_id = _assigned_lead(engine, ann)
    with session_scope(engine) as session:
        for day in (1, 2, 6):
            leads.record_touch(session=session, lead_id=lead_id, kind="call", actor=ann,
                               at=T0 + timedelta(days=day))  # fmt: skip
        stamped = session.get(Lead, lead_id)
        assert stamped is not None and stamped.follow_up_done_at == T0 + timedelta(days=6)
    _, clocks, _ = _judged(engine, T0 + timedelta(days=10))
    assert clocks["follow_up_status"].tolist() == ["met"]


def test_a_nurture_with_its_reason_settles_the_follow_up_duty(engine: Engine) -> None:
    """Ann returns L1 to nurture ("Bad timing") on day 1 without a touch: disposition met,
    work met (the disposition ends it), follow-ups settled; no duty is left breached."""
    ann, _, _ = _people(engine)
    lead_id = _assigned_lead(engine, ann)
    with session_scope(engine) as session:
        leads.disposition(session=session, lead_id=lead_id, outcome=Disposition.NURTURE,
                          reason="Bad timing", actor=ann, at=T0 + timedelta(days=1))  # fmt: skip
    _, clocks, _ = _judged(engine, T0 + timedelta(days=10))
    assert clocks[["disposition_status", "work_status", "follow_up_status"]].values.tolist() == [
        ["met", "met", "met"]
    ]


def test_editing_the_draft_after_hand_off_does_not_rejudge_earlier_leads(engine: Engine) -> None:
    """L1 (score 80: engagement 10 misses its 20) is handed off at T0 under 48 h and the
    threshold 60; then the unsigned draft is cut to 1 h and its threshold raised to 100.
    At T0 + 5 h L1 is still on track (due T0 + 48 h) and not exempt; L2, the same profile
    handed off after the edit at T0 + 3 h, is due at T0 + 4 h and exempt (80 < 100)."""
    ann, _, _ = _people(engine)
    _assigned_lead(engine, ann, "L1", engagement=10)
    with session_scope(engine) as session:
        content = agreement.governing_version(session=session).content
    stricter = content.mql.model_copy(update={"threshold": 100})
    windows = content.windows.model_copy(update={"disposition_hours": 1})
    _set_mql(engine, mql=stricter, windows=windows)
    _assigned_lead(engine, ann, "L2", at=T0 + timedelta(hours=3), engagement=10)
    snapshot, clocks, _ = _judged(engine, T0 + timedelta(hours=5))
    judged = clocks.set_axis(snapshot["lead_key"].astype(str))
    assert judged.loc["L1", "disposition_deadline"] == T0 + timedelta(hours=48)
    assert judged.loc["L1", "disposition_status"] == "on_track"
    assert not judged.loc["L1", "exempt"]
    assert judged.loc["L2", "disposition_deadline"] == T0 + timedelta(hours=4)
    assert judged.loc["L2", "exempt"]


def test_the_daily_report_credits_each_event_to_its_actor(engine: Engine) -> None:
    """On March 2 Ann calls L1 twice, then the manager hands it to Bob, who e-mails once:
    Ann 1 lead worked, 2 touches; Bob 1 lead, 1 touch (before: all 3 to Bob)."""
    ann, bob, boss = _people(engine)
    lead_id = _assigned_lead(engine, ann)
    with session_scope(engine) as session:
        for hours in (1, 2):
            leads.record_touch(session=session, lead_id=lead_id, kind="call", actor=ann,
                               at=T0 + timedelta(hours=hours))  # fmt: skip
        leads.reassign(session=session, lead_id=lead_id, to_owner=bob.id or 0, actor=boss,
                       seen_owner=ann.id, at=T0 + timedelta(hours=3))  # fmt: skip
        leads.record_touch(session=session, lead_id=lead_id, kind="email", actor=bob,
                           at=T0 + timedelta(hours=4))  # fmt: skip
    _, table = build_report(engine=engine, day=T0.date())
    rows = {r["rep"]: (r["worked"], r["touches"]) for r in table.to_dict(orient="records")}
    assert rows["Ann"] == (1, 2)
    assert rows["Bob"] == (1, 1)


def test_the_compliance_command_counts_the_kept_breach_for_the_rep_who_missed_it(
    engine: Engine,
) -> None:
    """As in the reassignment case: Ann misses L1's 48 h, Bob gets it at T0 + 50 h and
    qualifies it in time. March's disposition level: Ann 0 of 1, Bob 1 of 1, company 1 of 2."""
    ann, bob, boss = _people(engine)
    lead_id = _assigned_lead(engine, ann)
    with session_scope(engine) as session:
        leads.reassign(session=session, lead_id=lead_id, to_owner=bob.id or 0, actor=boss,
                       seen_owner=ann.id, at=T0 + timedelta(hours=50))  # fmt: skip
        leads.disposition(session=session, lead_id=lead_id, outcome=Disposition.QUALIFY,
                          actor=bob, at=T0 + timedelta(hours=51))  # fmt: skip
    address = engine.url.render_as_string(hide_password=False)

    def disposition(*scope: str) -> tuple[object, object]:
        report = _cli(address, "compliance", *scope, "--period", "2026-03", "--json")
        levels = report["levels"]
        assert isinstance(levels, list)
        row = next(r for r in levels if r["level"] == "disposition")
        return row["done"], row["due"]

    assert disposition("--rep", "ann") == (0, 1)
    assert disposition("--rep", "bob") == (1, 1)
    assert disposition() == (1, 2)


def test_the_daily_report_charges_a_kept_breach_to_the_rep_who_missed_it(engine: Engine) -> None:
    """Ann's 48 h on L1 end on March 4 at 09:00 and pass; on March 5 the lead goes to Bob.
    The report for March 4: Ann 1 breached, Bob none (before: nobody, the breach vanished)."""
    ann, bob, boss = _people(engine)
    lead_id = _assigned_lead(engine, ann)
    with session_scope(engine) as session:
        leads.reassign(session=session, lead_id=lead_id, to_owner=bob.id or 0, actor=boss,
                       seen_owner=ann.id, at=datetime(2026, 3, 5, 9, tzinfo=UTC))  # fmt: skip
    _, table = build_report(engine=engine, day=datetime(2026, 3, 4).date())
    rows = {r["rep"]: r["breached"] for r in table.to_dict(orient="records")}
    assert rows.get("Ann") == 1
    assert rows.get("Bob", 0) == 0


def test_the_routing_page_shows_the_backlog_and_its_age(url: str) -> None:  # noqa: F811
    """The page's fixture: two MQLs with no owner, both MQLs since one day ago."""
    at = open_page("salesmanager", "pages/routing.py")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Unassigned MQLs"] == "2"
    assert metrics["Oldest unassigned MQL waits"] == "1.0 days"
    assert not any("more than the monthly max" in w.value for w in at.warning)


# --- the kept breach on every surface (issue 17 item 2): Ann misses L1's 48 h, the manager
# hands it to Bob at T0 + 50 h, Bob qualifies it at T0 + 51 h (within his own 48 h). March's
# disposition level: Ann 0 of 1, Bob 1 of 1, the company 1 of 2 (as on Compliance above).

APRIL = datetime(2026, 4, 10, 12, tzinfo=UTC)  # last full month: March; last quarter: Q1
PENALTY = 7  # the rulebook below: disposition met +10, missed -7 (the stick on)


def _kept_world(engine: Engine) -> tuple[User, User, User, int]:
    """The case above, with the points rulebook set first and everyone on board since
    January (their accounts existed before March: a board counts only who was there)."""
    rule = LevelRule(level=PointLevel.DISPOSITION, met=10, penalty=PENALTY)
    _set_mql(engine, points=PointRules(levels=(rule,), stick=True))
    ann, bob, boss = _people(engine)
    with session_scope(engine) as session:
        for user in session.exec(select(User)).all():
            user.created_at = datetime(2026, 1, 1, tzinfo=UTC)
            session.add(user)
    lead_id = _assigned_lead(engine, ann)
    with session_scope(engine) as session:
        leads.reassign(session=session, lead_id=lead_id, to_owner=bob.id or 0, actor=boss,
                       seen_owner=ann.id, at=T0 + timedelta(hours=50))  # fmt: skip
        leads.disposition(session=session, lead_id=lead_id, outcome=Disposition.QUALIFY,
                          actor=bob, at=T0 + timedelta(hours=51))  # fmt: skip
    return ann, bob, boss, lead_id


def test_the_pdf_appendix_counts_the_kept_breach(engine: Engine) -> None:
    """March's appendix: 1 of 2 dispositioned within the window (Bob's in time, Ann's kept
    breach), 50.0 %; before, the kept breach was left out: 1 of 1, 100.0 %."""
    _kept_world(engine)
    with session_scope(engine) as session:
        version = agreement.governing_version(session=session).version
        manifest = export.manifest_for(
            session=session, version=version, leads=read_leads(engine), ref=APRIL
        )
    assert manifest.cover.appendix_period == "2026-03"
    rows = dict(manifest.cover.appendix)
    assert rows["Dispositioned within the window"] == "1 of 2"
    assert rows["Dispositioned in time"] == "50.0 %"


def test_the_workshop_history_counts_the_kept_breach(engine: Engine) -> None:
    """Last quarter (Q1) beside the workshop's questions: 1 of the 2 dispositions due were
    in time, 50.0 % (before: 100.0 %, Ann's kept breach left out)."""
    _, _, boss, _ = _kept_world(engine)
    with session_scope(engine) as session:
        content = agreement.governing_version(session=session).content
        setup = load_setup(session=session)
        history = workshop_figures.memo_last_quarter(
            read_leads(engine), actor=boss, memo=no_memo, ref=APRIL, content=content,
            setup=setup, calendar=Calendar.GREGORIAN, session=session,
        )  # fmt: skip
    assert history.period == "2026-Q1"
    assert history.disposition_in_window_pct == pytest.approx(50.0)


def test_the_leaderboard_counts_the_kept_breach_for_the_rep_who_missed_it(
    engine: Engine,
) -> None:
    """March's board, disposition level: Ann 1 due, 0 % (missed: -7 points, the rulebook's
    penalty), Bob 1 due, 100 % (met: +10). Before, Ann's level vanished (nothing due, not
    scored, 0 points). Her points trace lists L1 for her, breached; Bob's lists it met."""
    ann, bob, _, lead_id = _kept_world(engine)
    snapshot = read_leads(engine)
    with session_scope(engine) as session:
        board = service.board_for(session=session, leads=snapshot, period=MARCH, at=APRIL)
        setup = service.work_setup(session=session)
        kept = service.kept_of(session=session, leads=snapshot)  # as the page reads them
    scored = board.scored.set_index(["subject_id", "level"])
    theirs = scored.loc[(ann.id, PointLevel.DISPOSITION.value)]
    assert (theirs["due"], theirs["actual"], theirs["status"]) == (1, 0.0, "missed")
    assert theirs["points"] == -PENALTY
    his = scored.loc[(bob.id, PointLevel.DISPOSITION.value)]
    assert (his["due"], his["actual"], his["status"], his["points"]) == (1, 100.0, "met", 10)
    people = board.people.set_index("subject_id")
    assert people.loc[ann.id, "level_points"] == -PENALTY
    assert (people.loc[ann.id, "disposition_due"], people.loc[ann.id, "dispositioned_in_time"]) == (
        1,
        0,
    )
    for who, counted in ((ann, "breached"), (bob, "met")):
        behind = trace.leads_behind(snapshot, board.rules.content, MARCH, APRIL, who.id or 0,
                                    PointLevel.DISPOSITION, setup, kept)  # fmt: skip
        assert behind["id"].tolist() == [lead_id], who.name
        assert behind["counted"].tolist() == [counted], who.name
        assert not behind["exempt"].any()


def test_the_shared_leaderboard_sees_a_kept_breach_the_next_write_left(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The leaderboard page's path: boards kept in a shared snapshot's memo, brought up to
    date from the leads a write changed. Revision 1: Ann holds L1, past its 48 h (March:
    Ann 1 due, 0 in time). The manager hands it to Bob, who qualifies it in time; revision
    2, carried over from the changed lead only: Ann 1 due, 0 in time (the kept breach, read
    again for L1 alone), Bob 2 of 2 (L1 and his own L2, qualified within the hour)."""
    ann, bob, boss = _people(engine)
    with session_scope(engine) as session:
        for user in session.exec(select(User)).all():
            user.created_at = datetime(2026, 1, 1, tzinfo=UTC)  # on board all March
            session.add(user)
    lead_id = _assigned_lead(engine, ann)
    other = _assigned_lead(engine, bob, "L2", at=T0 + timedelta(days=20))
    with session_scope(engine) as session:  # Bob qualifies his own L2 within the hour
        leads.disposition(session=session, lead_id=other, outcome=Disposition.QUALIFY,
                          actor=bob, at=T0 + timedelta(days=20, hours=1))  # fmt: skip
    set_now(APRIL)
    try:
        first = Shared("r1", read_leads(engine))
        with session_scope(engine) as session:
            board = board_of_march(session, first, boss)
        assert _due_met(board, ann) == (1, 0)
        with session_scope(engine) as session:
            leads.reassign(session=session, lead_id=lead_id, to_owner=bob.id or 0, actor=boss,
                           seen_owner=ann.id, at=T0 + timedelta(hours=50))  # fmt: skip
            leads.disposition(session=session, lead_id=lead_id, outcome=Disposition.QUALIFY,
                              actor=bob, at=T0 + timedelta(hours=51))  # fmt: skip
        frame = read_leads(engine)
        changed = np.flatnonzero(frame["id"].to_numpy() == lead_id)
        delta = Delta(positions=changed, appended_from=len(frame),
                      columns=frozenset(frame.columns))  # fmt: skip
        second = Shared("r2", frame, before=first, delta=delta)
        reread = []
        real = reassign.kept_updated

        def spy(*args: object, **kwargs: object) -> pd.DataFrame:
            reread.append(kwargs.get("lead_ids", args[1] if len(args) > 1 else None))
            return real(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(reassign, "kept_updated", spy)
        with session_scope(engine) as session:
            board = board_of_march(session, second, boss)
    finally:
        set_now(None)
    assert reread == [[lead_id]]  # carried over: only the changed lead's breaches read
    assert _due_met(board, ann) == (1, 0)
    assert _due_met(board, bob) == (2, 2)


def board_of_march(session: Session, shared: Shared, viewer: User) -> Board:
    """March's board as the leaderboard page asks for it (the shared snapshot's memo)."""
    return leaderboard.leaderboard(
        session=session, leads=shared.frame, period=MARCH, viewer=viewer, shared=shared
    ).board


def _due_met(board: Board, who: User) -> tuple[int, int]:
    people = board.people.set_index("subject_id")
    row = people.loc[who.id or 0]
    return int(row["disposition_due"]), int(row["dispositioned_in_time"])


def test_a_kept_work_breach_counts_for_the_rep_who_missed_it_not_the_new_owner() -> None:
    """L1 became an MQL with Ann (1) on March 2; nobody touched it within the 7-day work
    window; on March 12 it went to Bob (2), and the reassignment left Ann the work and
    follow-up breaches. March's worked level: Ann 1 due, 0 in time; Bob none (the duty
    left his cohort). The board, the trace and `service_levels` agree."""
    frame = sla_frame([{"owner_id": 2, "mql_at": "2026-03-02T09:00", "created_at": "2026-03-02T09:00",
                        "assigned_at": "2026-03-12T09:00"}]).assign(id=[1])  # fmt: skip
    since = pd.Timestamp("2026-03-02T09:00", tz="UTC")
    kept = pd.DataFrame({"lead_id": [1, 1], "owner_id": [1, 1], "clock": ["follow_up", "work"],
                         "since": [since, since]})  # fmt: skip
    content = AgreementContent()
    people = pd.DataFrame(
        {
            "id": pd.Series([1, 2], dtype="int64"),
            "name": ["Ann", "Bob"],
            "role": ["sales_rep", "sales_rep"],
            "team_id": pd.Series([1, 1], dtype="Int64"),
            "team": ["North", "North"],
            "joined_at": pd.to_datetime(["2026-01-01"] * 2, utc=True),
        }
    )
    board = compute_board(frame, people, MARCH, PeriodRules(content, 1, 1, True), APRIL, kept=kept)
    rows = board.people.set_index("subject_id")
    assert (rows.loc[1, "worked_due"], rows.loc[1, "worked_in_time"]) == (1, 0)
    assert (rows.loc[2, "worked_due"], rows.loc[2, "worked_in_time"]) == (0, 0)
    levels = service_levels(frame, content, MARCH, APRIL, kept=kept)
    assert (levels.loc[1, "worked_due"], levels.loc[1, "follow_up_due"]) == (1, 1)
    assert 2 not in levels.index or levels.loc[2, "worked_due"] == 0
    for level in (PointLevel.WORKED, PointLevel.FOLLOW_UP):
        ann = trace.leads_behind(frame, content, MARCH, APRIL, 1, level, None, kept)
        assert (ann["id"].tolist(), ann["counted"].tolist()) == ([1], ["breached"]), level
        assert trace.leads_behind(frame, content, MARCH, APRIL, 2, level, None, kept).empty
