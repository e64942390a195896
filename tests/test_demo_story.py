"""The demo looks like a team at work: v1 signed by both managers and in force with every
workshop answer, v2 a draft under discussion, last quarter closed with badges, and rep
queues holding a handful of live leads and few old breaches (measured at the default size)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from sla_core import agreement, db
from sla_core.access import system_actor
from sla_core.agreement.discussion import comments
from sla_core.agreement.sections import SECTIONS
from sla_core.agreement.versions import VersionStatus, statuses
from sla_core.demo.world import PEOPLE, DemoResult, load_demo
from sla_core.gamification import closing
from sla_core.gamification.rulebook import rules_for
from sla_core.models import AgreementVersion, Role, Signature, User
from sla_core.periods import parse_period
from sla_core.sla.clocks import lead_clocks
from sla_core.sla.context import load_setup
from sla_core.sla.queue import work_queue
from sla_core.store import snapshot
from sla_core.terms import WORKSHOP_QUESTIONS

REF = datetime(2026, 5, 20, 15, 30, tzinfo=UTC)  # a Wednesday afternoon
LAST_QUARTER = "2026-Q1"
STYLES = {p.username: p.style for p in PEOPLE}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, DemoResult, float]]:
    """The demo at its default size (20,000 leads), loaded once; how long the load took."""
    engine = db.make_engine(f"sqlite:///{tmp_path_factory.mktemp('story') / 'demo.db'}")
    db.migrate(engine)
    started = time.perf_counter()
    result = load_demo(actor=system_actor(), engine=engine, seed=7, reference=REF)
    yield engine, result, time.perf_counter() - started
    engine.dispose()


def _versions(session: Session) -> dict[int, AgreementVersion]:
    return {v.number: v for v in session.exec(select(AgreementVersion)).all()}


def test_v1_is_in_force_signed_by_both_managers_with_every_answer(world) -> None:  # type: ignore[no-untyped-def]
    with Session(world[0]) as session:
        v1 = _versions(session)[1]
        governing = agreement.governing_version(session=session)
        signers = {
            (str(s.role), session.get(User, s.user_id).username)  # type: ignore[union-attr]
            for s in session.exec(select(Signature).where(Signature.version_id == v1.id)).all()
            if s.voided_at is None and s.content_hash == v1.content_hash
        }
        frozen = rules_for(session=session, period=parse_period(LAST_QUARTER))
    assert (governing.version.number, governing.signed) == (1, True)
    assert signers == {("sales_manager", "nasrin.f"), ("marketing_manager", "elena.p")}
    content = governing.content
    questions = {key for key, _ in WORKSHOP_QUESTIONS}
    assert set(content.workshop) == questions
    assert all(len(answer) > 40 for answer in content.workshop.values())
    assert content.marketing_commitments and content.sales_commitments
    assert (frozen.version_number, frozen.frozen) == (1, True)  # signed before the demo began


def test_v2_is_a_draft_under_discussion(world) -> None:  # type: ignore[no-untyped-def]
    with Session(world[0]) as session:
        versions = _versions(session)
        state = statuses(session=session)
        said = [r for section in SECTIONS
                for r in comments(session=session, version_id=versions[2].id or 0,
                                  section=section)]  # fmt: skip
        v2 = agreement.load_content(versions[2])
    assert state[versions[2].id or 0] is VersionStatus.DRAFT
    assert v2.windows.disposition_hours == 36  # the change under discussion
    assert len(said) == 4 and len({r.author for r in said}) == 3
    assert all(REF - timedelta(days=7) < r.at < REF for r in said)


def test_last_quarter_is_closed_with_badges(world) -> None:  # type: ignore[no-untyped-def]
    with Session(world[0]) as session:
        close = closing.latest_close(session=session, period=parse_period(LAST_QUARTER))
        assert close is not None and close.id is not None
        badges = closing.stored_badges(session=session, close_id=close.id)
        standings = closing.stored_standings(session=session, close_id=close.id)
        admin = session.get(User, close.closed_by)
    assert admin is not None and admin.role == Role.ADMIN
    assert len(badges) >= 3
    assert len(standings) >= 12  # every rep (and marketer) ranked


def test_each_reps_queue_holds_a_handful_live_and_few_old_breaches(world) -> None:  # type: ignore[no-untyped-def]
    engine = world[0]
    with Session(engine) as session:
        content = agreement.governing_version(session=session).content
        setup = load_setup(session=session)
        people = session.exec(select(User).where(User.role == Role.SALES_REP)).all()
        reps = [u.id for u in people]
        laggards = [u.id for u in people if STYLES.get(u.username) == "laggard"]
    frame = snapshot.read_leads(engine, columns=snapshot.SNAPSHOT_COLUMNS)
    queue = work_queue(frame, lead_clocks(frame, content, REF, setup), REF)
    counts = (
        queue.assign(late=queue["status"] == "breached")
        .groupby("owner_id")["late"]
        .agg(open="size", breached="sum")
        .reindex(reps, fill_value=0)
    )
    live = counts["open"] - counts["breached"]
    assert counts["breached"].drop(laggards).max() <= 3, counts
    assert counts["breached"].max() <= 6 and len(laggards) == 2, counts  # the two laggards
    assert counts["breached"].sum() <= live.sum() / 2, counts
    assert live.median() >= 3 and live.max() <= 15, counts
    opened = frame.set_index("id").loc[
        queue.loc[queue["status"] == "breached", "id"], "assigned_at"
    ]
    assert (opened > pd.Timestamp(REF) - timedelta(days=30)).all()  # none from months ago


def test_the_default_demo_loads_in_reasonable_time(world) -> None:  # type: ignore[no-untyped-def]
    assert world[2] < 120, f"{world[2]:.1f} s"
