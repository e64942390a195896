"""Boards on a real database: frozen rules, reasons, adjustments, closing and its changes."""

from __future__ import annotations

import json
from datetime import timedelta

import pandas as pd
import pytest
from sqlmodel import Session, select

from sla_core import agreement
from sla_core.access import PermissionDenied, system_actor
from sla_core.gamification import adjustments, awards, closing, rulebook, service
from sla_core.models import (
    AgreementVersion,
    AuditEntry,
    BadgeAward,
    Lead,
    Role,
    Signature,
    User,
)
from sla_core.periods import parse_period
from sla_core.store import snapshot
from sla_core.terms import AgreementContent, LevelRule, PointLevel, PointRules
from tests.gamification_world import at, build, edit_lead

MARCH = parse_period("2026-03")
APRIL = parse_period("2026-04")
LATER = at("2026-06-01 00:00")


@pytest.fixture
def world(engine):
    ids = build(engine)
    return engine, ids


def board(engine, period=MARCH, when=LATER):
    with Session(engine) as session:
        return service.board_for(
            session=session, leads=snapshot.read_leads(engine), period=period, at=when
        )


def row(b, name):
    return b.people.set_index("name").loc[name]


def test_dispositions_count_when_made_reason_or_not(world):
    engine, _ = world
    b = board(engine)
    assert (row(b, "Ava")["disposition_due"], row(b, "Ava")["dispositioned_in_time"]) == (2, 2)
    assert (row(b, "Bo")["disposition_due"], row(b, "Bo")["dispositioned_in_time"]) == (2, 1)
    # Cy disqualified in time with no reason: it happened, it counts (the ledger's rule)
    assert (row(b, "Cy")["disposition_due"], row(b, "Cy")["dispositioned_in_time"]) == (1, 1)
    scored = b.scored.set_index(["subject_id", "level"])
    assert scored.loc[(int(row(b, "Ava")["subject_id"]), "disposition"), "points"] == 10
    assert scored.loc[(int(row(b, "Bo")["subject_id"]), "disposition"), "points"] == 0
    assert row(b, "Mo")["mqls"] == 5 and row(b, "Mo")["role"] == "marketer"


def test_the_board_is_the_same_when_recomputed(world):
    engine, _ = world
    first, again = board(engine), board(engine, when=LATER + timedelta(days=40))
    assert closing.fingerprint(first) == closing.fingerprint(again)
    assert list(first.people["name"]) == list(again.people["name"])


def test_a_period_with_no_leads_has_an_empty_but_sensible_board(world):
    engine, _ = world
    b = board(engine, parse_period("2025-06"))
    assert (b.people["points"] == 0).all()
    assert any("No leads reached anyone" in note for note in b.notes)


def _sign(session, version, when):
    for role in ("sales_manager", "marketing_manager"):
        session.add(
            Signature(
                version_id=version.id,
                user_id=1,
                role=Role(role),
                content_hash=version.content_hash,
                signed_at=when,
            )  # fmt: skip
        )


def _new_version(session, number, content):
    first = agreement.ensure_agreement(session=session)
    version = AgreementVersion(
        agreement_id=first.agreement_id,
        number=number,
        content=agreement.canonical_json(content),
        content_hash=agreement.content_hash(content),
    )
    session.add(version)
    session.flush()
    return version


def test_rules_are_frozen_at_the_period_start(world):
    engine, _ = world
    with Session(engine) as session:
        v1 = agreement.ensure_agreement(session=session)
        _sign(session, v1, at("2026-02-15 00:00"))
        stingy = AgreementContent(
            points=PointRules(levels=(LevelRule(level=PointLevel.DISPOSITION, met=99),))
        )
        v2 = _new_version(session, 2, stingy)
        _sign(session, v2, at("2026-03-20 00:00"))  # signed mid-March
        session.commit()
        march = rulebook.rules_for(session=session, period=MARCH)
        april = rulebook.rules_for(session=session, period=APRIL)
    assert (march.version_number, march.frozen) == (1, True)
    assert (april.version_number, april.frozen) == (2, True)
    assert "v1, in force when this period started" in march.describe()
    b = board(engine, APRIL)
    assert row(b, "Ava")["points"] == 99  # April plays by v2: only the disposition rule
    assert any("No point rule in this version for" in note for note in b.notes)


def test_unsigned_rules_say_they_are_not_frozen(world):
    engine, _ = world
    with Session(engine) as session:
        rules = rulebook.rules_for(session=session, period=MARCH)
    assert not rules.frozen and "not frozen yet" in rules.describe()


def _adjust(engine, actor, user_id, points, reason):
    with Session(engine) as session:
        entry = adjustments.add_adjustment(
            session=session, period=MARCH, user_id=user_id, points=points, reason=reason,
            actor=actor,
        )  # fmt: skip
        session.commit()
        return entry.id


def _user(engine, user_id):
    with Session(engine) as session:
        return session.get(User, user_id)


@pytest.mark.parametrize(
    ("who", "target", "points", "reason", "error"),
    [
        ("boss", "bo", 5, "", adjustments.AdjustmentError),
        ("boss", "bo", 5, "   ", adjustments.AdjustmentError),
        ("boss", "bo", 0, "nothing", adjustments.AdjustmentError),
        ("boss", "boss", 5, "myself", adjustments.AdjustmentError),
        ("ava", "bo", 5, "helping a friend", PermissionDenied),
    ],
)
def test_bad_adjustments_are_refused(world, who, target, points, reason, error):
    engine, ids = world
    with pytest.raises(error):
        _adjust(engine, _user(engine, ids[who]), ids[target], points, reason)


def test_an_adjustment_needs_a_reason_is_audited_and_counts(world):
    engine, ids = world
    _adjust(engine, _user(engine, ids["boss"]), ids["bo"], 25, "Covered Cy's queue for a week")
    with Session(engine) as session:
        entry = session.exec(
            select(AuditEntry).where(AuditEntry.action == "point_adjustment")
        ).one()
    assert entry.actor_id == ids["boss"] and "Covered Cy's queue" in (entry.detail or "")
    b = board(engine)
    assert row(b, "Bo")["adjustment"] == 25
    quarter = board(engine, parse_period("2026-Q1"))
    assert row(quarter, "Bo")["adjustment"] == 25  # a month's bonus counts in its quarter


def _close(engine, period=MARCH, when=LATER, actor=None):
    with Session(engine, expire_on_commit=False) as session:
        outcome = closing.close_period(
            session=session, leads=snapshot.read_leads(engine), period=period,
            actor=actor or system_actor(), at=when,
        )  # fmt: skip
        session.commit()
        return outcome


def test_closing_stores_once_and_changes_only_with_the_data(world):
    engine, ids = world
    first = _close(engine)
    assert first.stored and first.close.revision == 1
    again = _close(engine, when=LATER + timedelta(days=30))
    assert not again.stored and again.close.revision == 1
    # An edit to an April lead and a signed new agreement do not touch March
    edit_lead(engine, "x1", dispositioned_at=at("2026-04-20 10:00"))
    assert not _close(engine).stored
    # A late correction to a March lead does: a new revision, and what moved is shown
    edit_lead(engine, "b2", dispositioned_at=at("2026-03-05 12:00"))
    changed = _close(engine)
    assert changed.stored and changed.close.revision == 2
    moved = {c["name"]: c for c in changed.change}
    assert moved["Bo"]["points_after"] > moved["Bo"]["points_before"]
    with Session(engine) as session:
        stored = closing.stored_standings(session=session, close_id=changed.close.id)
        assert json.loads(changed.close.change)[0]["name"] in set(stored["name"])


def test_closing_is_refused_before_the_period_settles(world):
    engine, _ = world
    with pytest.raises(closing.ClosingError, match="cannot be closed yet"):
        _close(engine, when=at("2026-03-20 12:00"))


def test_a_rep_may_not_close(world):
    engine, ids = world
    with pytest.raises(PermissionDenied):
        _close(engine, actor=_user(engine, ids["ava"]))


def test_a_moved_rep_keeps_the_closed_team(world):
    engine, ids = world
    _close(engine)
    with Session(engine) as session:
        bo = session.get(User, ids["bo"])
        cy = session.get(User, ids["cy"])
        bo.team_id = cy.team_id
        session.add(bo)
        session.commit()
    assert not _close(engine).stored  # moving team is not a change to March's data
    assert row(board(engine), "Bo")["team"] == "South"  # open boards use the team now


def test_badges_are_stored_with_the_close_and_in_the_history(world):
    engine, ids = world
    _close(engine)
    with Session(engine) as session:
        earned = session.exec(select(BadgeAward)).all()
        history = awards.badge_history(session=session, user_id=ids["ava"])
    assert {(a.user_id, a.badge, a.tier) for a in earned} >= {
        (ids["ava"], "every_lead_in_time", "bronze")
    }
    assert list(history["badge"]) == ["Every lead in time"]


def _frozen(engine, period=MARCH, when=LATER):
    with Session(engine) as session:
        leads = snapshot.read_leads(engine)
        live = service.board_for(session=session, leads=leads, period=period, at=when)
        return live, closing.frozen(session=session, period=period, board=live, leads=leads)


def test_a_closed_period_shows_what_was_stored_and_names_the_leads_changed_since(world):
    """After closing March, a late correction moves Bo's live points; March still shows the
    stored standings and badges, says its data changed, and lists the lead that changed."""
    engine, ids = world
    assert _frozen(engine)[1] is None  # never closed: nothing frozen
    closed = _close(engine)
    live, frozen = _frozen(engine)
    assert frozen is not None and not frozen.changed and frozen.leads.empty
    assert list(frozen.people["name"]) == list(live.people["name"])
    assert list(frozen.people["points"]) == list(live.people["points"].astype(float))
    assert (ids["ava"], "Every lead in time") in set(
        zip(frozen.badges["subject_id"], frozen.badges["badge"], strict=True)
    )
    stored_bo = frozen.people.set_index("name").loc["Bo", "points"]
    later = closed.close.closed_at + timedelta(days=2)
    edit_lead(engine, "x1", dispositioned_at=at("2026-04-20 10:00"), updated_at=later)
    edit_lead(engine, "b2", dispositioned_at=at("2026-03-05 12:00"), updated_at=later)
    live, frozen = _frozen(engine)
    assert frozen is not None and frozen.changed
    assert frozen.close.revision == 1
    assert frozen.people.set_index("name").loc["Bo", "points"] == stored_bo
    assert row(live, "Bo")["points"] > stored_bo  # the live board moved; the stored did not
    with Session(engine) as session:
        b2 = session.exec(select(Lead).where(Lead.lead_key == "b2")).one().id
    assert list(frozen.leads["id"]) == [b2]  # the April lead is not March's
    again = _close(engine)  # closing again stores the new standings; nothing is left changed
    assert again.stored and again.close.revision == 2
    assert not _frozen(engine)[1].changed


def test_a_closed_periods_trend_and_trace_read_what_was_stored(world):
    """Issue 17: after closing March, a late correction moves Bo's live points; March's
    trend point and Bo's points per level still read what was stored at closing, and the
    notice lists the changed lead."""
    from sla_core.gamification import leaderboard as lb

    engine, ids = world

    def view():
        with Session(engine) as session:
            boss = session.get(User, ids["boss"])
            shown = lb.leaderboard(
                session=session, leads=snapshot.read_leads(engine), period=MARCH, viewer=boss
            )
            levels = lb.levels_of(shown.board, ids["bo"], session=session, frozen=shown.frozen)
            return shown, levels

    def march(trend, who):
        return trend[(trend["period"] == "2026-03") & (trend["name"] == who)]["points"].item()

    closed = _close(engine)
    before, stored_levels = view()
    assert stored_levels is not None and list(stored_levels["Points"]) == list(
        lb.levels_of(before.board, ids["bo"])["Points"]
    )
    bo_points, north_points = march(before.trend_people, "Bo"), march(before.trend_teams, "North")
    later = closed.close.closed_at + timedelta(days=2)
    edit_lead(engine, "b2", dispositioned_at=at("2026-03-05 12:00"), updated_at=later)
    after, levels_after = view()
    assert row(after.board, "Bo")["points"] > bo_points  # the live board moved
    assert march(after.trend_people, "Bo") == bo_points  # the trend did not
    assert march(after.trend_teams, "North") == north_points
    pd.testing.assert_frame_equal(levels_after, stored_levels)  # nor the trace's levels
    assert not lb.levels_of(after.board, ids["bo"]).equals(stored_levels)
    assert after.frozen is not None and after.frozen.changed
    with Session(engine) as session:
        b2 = session.exec(select(Lead).where(Lead.lead_key == "b2")).one().id
    assert list(after.frozen.leads["id"]) == [b2]


def test_a_close_stored_before_levels_were_kept_says_so(world):
    """A revision stored before closes kept the levels has none: `levels_of` says so (None)
    and the page then labels the levels it shows as today's."""
    from sla_core.gamification import leaderboard as lb
    from sla_core.models import ClosedStanding

    engine, ids = world
    closed = _close(engine)
    with Session(engine) as session:
        for standing in session.exec(select(ClosedStanding)).all():
            metrics = json.loads(standing.metrics)
            metrics.pop("levels", None)
            standing.metrics = json.dumps(metrics, sort_keys=True)
            session.add(standing)
        session.commit()
        live, frozen = _frozen(engine)
        assert (
            closing.stored_levels(session=session, close_id=closed.close.id, subject_id=ids["bo"])
            is None
        )
        assert lb.levels_of(live, ids["bo"], session=session, frozen=frozen) is None
        assert not frozen.changed  # the standings themselves are untouched
