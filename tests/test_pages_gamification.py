"""AppTest: the leaderboard as a rep (own rank, what moves them up) and as a manager."""

from __future__ import annotations

from sqlmodel import select

from sla_core.db import session_scope
from sla_core.models import AuditEntry, PointAdjustment, User
from tests.test_pages import app_url, button, sign_in, template_db  # noqa: F401
from ui.data import engine_for

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
    assert [e.value for e in at.error] == [
        "a bonus or correction needs a reason: say why, in a sentence"
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
