"""AppTest: the leaderboard as a rep (own rank, what moves them up) and as a manager."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlmodel import select

from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.gamification.leaderboard import period_choices
from sla_core.models import AuditEntry, Lead, PointAdjustment, Role, User
from sla_core.periods import Calendar, PeriodKind
from tests.support.apptest import app_url, button, login_name, sign_in, template_db  # noqa: F401
from ui.data import engine_for
from ui.widgets import plain

PAGE = "pages/leaderboard.py"


def open_board(username: str):  # type: ignore[no-untyped-def]
    at = sign_in(username)
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def test_a_rep_sees_their_rank_and_what_would_move_them_up(app_url: str) -> None:  # noqa: F811
    at = open_board("salesrep")
    labels = [m.label for m in at.metric]
    assert labels[:3] == ["Your rank", "Your points", "Points to the next place"]
    assert at.metric[0].value.endswith("/ 2")  # the template's one rep and one marketer
    assert any(s.value == "What would move you up" for s in at.subheader)
    assert not any(b.label == "Close this period" for b in at.button)  # reps cannot close


def test_the_board_has_a_podium_table_and_trend(app_url: str) -> None:  # noqa: F811
    at = open_board("salesmanager")
    # nobody has earned a point this month: nobody stands on the podium as a winner
    nobody = "Nobody on this side has earned points in this period yet."
    assert nobody in [i.value for i in at.info]
    assert not any('"bar"' in chart.proto.spec for chart in at.get("vega_lite_chart"))
    with session_scope(engine_for(app_url)) as session:
        rep = session.exec(select(User).where(User.username == "salesrep")).one()
    at.selectbox(key="leaderboard_adjust_who").set_value(rep.id)
    at.number_input(key="leaderboard_adjust_points").set_value(7)
    at.text_input(key="leaderboard_adjust_reason").input("Took over a colleague's queue")
    button(at, "Record").click().run()
    at.run()
    assert nobody not in [i.value for i in at.info]  # the rep's 7 points: on the podium
    specs = [chart.proto.spec for chart in at.get("vega_lite_chart")]
    assert any('"bar"' in spec for spec in specs)  # the podium
    assert any('"line"' in spec for spec in specs)  # the trend
    table = at.dataframe[0].value
    assert list(table.columns[:4]) == ["Rank", "Name", "Team", "Points"]
    assert any("Ties are broken by" in c.value for c in at.caption)
    assert any("agreement v1" in c.value for c in at.caption)


def test_quarters_are_offered(app_url: str) -> None:  # noqa: F811
    at = open_board("salesmanager")
    at.segmented_control(key="leaderboard_kind").set_value("quarter").run()
    assert not at.exception
    assert "-Q" in at.selectbox(key="leaderboard_quarter").value.label


def test_a_manager_bonus_needs_a_reason_and_is_audited(app_url: str) -> None:  # noqa: F811
    at = open_board("salesmanager")
    with session_scope(engine_for(app_url)) as session:  # a sales manager adjusts sales' side
        rep = session.exec(select(User).where(User.username == "salesrep")).one()
    at.selectbox(key="leaderboard_adjust_who").set_value(rep.id)
    at.number_input(key="leaderboard_adjust_points").set_value(7)
    button(at, "Record").click().run()
    assert [e.value for e in at.error] == [  # errors may quote data: shown escaped
        plain("A bonus or correction needs a reason: say why, in a sentence")
    ]
    at.text_input(key="leaderboard_adjust_reason").input("Took over a colleague's queue")
    button(at, "Record").click().run()
    assert not at.error
    with session_scope(engine_for(app_url)) as session:
        entry = session.exec(select(PointAdjustment)).one()
        assert (entry.points, entry.reason) == (7, "Took over a colleague's queue")
        assert session.exec(select(AuditEntry).where(AuditEntry.action == "point_adjustment")).one()


def test_an_admin_closes_a_settled_month_and_not_a_running_one(app_url: str) -> None:  # noqa: F811
    # a close freezes both teams' standings: no one side's manager is offered it
    assert "Close this period" not in [b.label for b in open_board("salesmanager").button]
    assert "Close this period" not in [b.label for b in open_board("marketingmanager").button]
    at = open_board("admin")
    button(at, "Close this period").click().run()
    assert any("cannot be closed yet" in e.value for e in at.error)
    months = at.selectbox(key="leaderboard_month").options
    at.selectbox(key="leaderboard_month").select_index(len(months) - 1).run()  # a year ago
    button(at, "Close this period").click().run()
    assert not at.error, [e.value for e in at.error]
    assert any("revision 1 stored" in s.value for s in at.success)


def test_a_bonus_reason_with_a_nul_or_a_storage_error_is_one_line(
    app_url: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 18.13: on PostgreSQL a NUL crashed the form; a storage error crashed it anywhere."""
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from sla_core import audit

    at = open_board("salesmanager")
    at.text_input(key="leaderboard_adjust_reason").input("good\x00 work")
    button(at, "Record").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        plain("The reason contains a NUL character at position 5: remove it")  # data is escaped
    ]

    def full(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("INSERT ...", {}, sqlite3.OperationalError("disk I/O error"))

    monkeypatch.setattr(audit, "record", full)
    at.text_input(key="leaderboard_adjust_reason").input("Good work")
    button(at, "Record").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "The database did not save this (disk I/O error). Nothing was changed: "
        "try again, or tell an admin if it happens again."
    ]
    monkeypatch.undo()
    with session_scope(engine_for(app_url)) as session:
        assert session.exec(select(PointAdjustment)).all() == []


def test_a_closed_month_shows_its_stored_standings_and_what_changed_since(
    app_url: str,  # noqa: F811
) -> None:
    """Closed months are frozen: after a late lead lands in a closed month the page still
    shows the stored standings, says the data changed, lists the lead, offers to close again."""
    at = open_board("admin")  # closing freezes both sides: an admin closes
    months = at.selectbox(key="leaderboard_month").options
    at.selectbox(key="leaderboard_month").select_index(len(months) - 1).run()  # a year ago
    button(at, "Close this period").click().run()
    at.run()
    assert any("the standings and badges below are the ones stored then" in i.value
               for i in at.info)  # fmt: skip
    assert not at.warning
    nobody = "Nobody is on the board for this period."
    assert nobody in [i.value for i in at.info]  # nobody had a lead that month when closed
    month = period_choices(
        PeriodKind.MONTH, ref=pd.Timestamp(now()), zone="UTC", calendar=Calendar.GREGORIAN
    )[-1]
    moment = month.start + pd.Timedelta(days=3)
    with session_scope(engine_for(app_url)) as session:
        rep = session.exec(select(User).where(User.username == login_name(Role.SALES_REP))).one()
        late = Lead(
            lead_key="late", first_name="Late", last_name="Import", stage="won", source="webinar",
            owner_id=rep.id, created_at=moment, mql_at=moment, assigned_at=moment,
            closed_at=moment + pd.Timedelta(days=5), deal_value=9000.0, updated_at=now(),
        )  # fmt: skip
        session.add(late)
        session.flush()
        late_id = late.id
    at.run()
    assert any("changed since it was closed (1 leads changed)" in w.value for w in at.warning)
    [changed] = [d.value for d in at.dataframe if "Changed (UTC)" in d.value.columns]
    assert changed["Lead"].tolist() == [late_id] and changed["Name"].tolist() == ["Late Import"]
    assert nobody in [i.value for i in at.info]  # still what was stored, not the live board
    button(at, "Close again").click().run()
    assert any("revision 2 stored" in s.value for s in at.success)
    at.run()
    assert not at.warning
    assert at.dataframe(key="leaderboard_people").value["Name"].tolist() == ["Test sales_rep"]


def test_each_reader_reads_their_own_sides_ranking_first(app_url: str) -> None:  # noqa: F811
    """Each side is ranked on its own: a marketer's table opens with marketing's ranking (under
    a podium of marketing's), a rep's with sales'."""
    with session_scope(engine_for(app_url)) as session:
        names = {
            role: session.exec(select(User).where(User.username == login_name(role))).one().name
            for role in (Role.MARKETER, Role.SALES_REP)
        }
    for role, other in ((Role.MARKETER, Role.SALES_REP), (Role.SALES_REP, Role.MARKETER)):
        at = open_board(login_name(role))
        assert at.dataframe(key="leaderboard_people").value["Name"].tolist() == [
            names[role],
            names[other],
        ], role
