"""AppTest: the Compliance page's "All reps" section, against the reps' own gauges, and
its view of the hand-off (the backlog, the reps over the cap), as Routing shows it."""

from __future__ import annotations

import io
import math
from datetime import timedelta

import openpyxl
import pytest
from sqlmodel import select

from sla_core import leads
from sla_core.access import system_actor
from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.exporting import safe_xlsx
from sla_core.models import Lead, Role, User
from sla_core.people import users
from tests.slaframes import QUALIFYING
from tests.test_pages import app_url, sign_in, template_db  # noqa: F401 (fixtures)
from tests.test_pages_sales import _gauges
from tests.test_side_by_side import DATA, HEADS
from ui.data import engine_for

COMPLIANCE = "pages/compliance.py"
SALES_COLUMNS = [
    "Name",
    "Dispositioned within the window",
    "Worked within the window",
    "Follow-up attempts made",
    "Conversion",
    "Opportunities opened",
    "MQLs left unworked",
    "Still running",
]


@pytest.fixture
def url(app_url: str) -> str:  # noqa: F811
    """The test database: its leads qualify, the rep's own lead dispositioned in time."""
    with session_scope(engine_for(app_url)) as session:
        for lead in session.exec(select(Lead)).all():
            for field, value in QUALIFYING.items():
                setattr(lead, field, value)
            session.add(lead)
    with session_scope(engine_for(app_url)) as session:
        own = session.exec(select(Lead).where(Lead.lead_key == "own")).one()
        leads.disposition(session=session, lead_id=own.id, outcome=leads.Disposition.QUALIFY,
                          actor=system_actor())  # fmt: skip
    with session_scope(engine_for(app_url)) as session:  # a second rep, a lead gone late
        zed = users.create_user(actor=system_actor(), session=session, username="zed",
                                name="Zed", role=Role.SALES_REP, password="Zed#12345x")  # fmt: skip
        late = now() - timedelta(hours=60)
        session.add(Lead(lead_key="zed1", stage="mql", owner_id=zed.id, created_at=late,
                         mql_at=late, assigned_at=late, updated_at=late, **QUALIFYING))  # fmt: skip
    return app_url


def _table(at):  # type: ignore[no-untyped-def]
    found = [d.value for d in at.dataframe if "Still running" in d.value.columns]
    assert len(found) == 1
    return found[0]


def _as_gauge(level: str, value: float) -> str:
    """How a gauge writes a value (charts._label)."""
    if value is None or math.isnan(value):
        return "—"
    percent = level not in ("Opportunities opened", "MQLs left unworked")
    return f"{value:.1f} %" if percent else f"{value:,.0f}"


def test_all_reps_equals_each_reps_own_gauges(url: str) -> None:
    at = sign_in("salesmanager")
    at.switch_page(COMPLIANCE).run()
    assert not at.exception and not at.error
    table = _table(at)
    assert list(table.columns) == SALES_COLUMNS
    with session_scope(engine_for(url)) as session:
        reps = {u.name: u.id for u in session.exec(select(User)).all() if u.role == "sales_rep"}
    assert list(table["Name"]) == list(reps) == ["Test sales_rep", "Zed"]  # who counts
    assert table.iloc[0]["Dispositioned within the window"] == 100.0
    for _, row in table.iterrows():  # every rep against the rep's own gauges
        at.selectbox(key="compliance_scope").set_value("rep").run()
        at.selectbox(key="compliance_rep").set_value(reps[row["Name"]]).run()
        gauges = _gauges(at)
        for level in SALES_COLUMNS[1:-1]:
            assert gauges[level] == _as_gauge(level, row[level]), level
    assert {b.key for b in at.get("download_button")} >= {
        "compliance_all_csv",
        "compliance_all_xlsx",
    }


def test_marketers_have_their_own_table_and_teams_say_when_there_are_none(url: str) -> None:
    at = sign_in("salesmanager")
    at.switch_page(COMPLIANCE).run()
    at.segmented_control(key="compliance_all_side").set_value("marketing").run()
    assert not at.exception and not at.error
    table = _table(at)
    assert list(table.columns) == ["Name", "MQL volume", "MQL quality (accepted by sales)",
                                   "Still running"]  # fmt: skip
    assert list(table["Name"]) == ["Test marketer"]
    at.segmented_control(key="compliance_all_rows").set_value("teams").run()
    assert not at.exception and not at.error
    assert any("place people in a team" in i.value for i in at.info)


def test_a_rep_has_no_all_reps_section(url: str) -> None:
    at = sign_in("salesrep")
    at.switch_page(COMPLIANCE).run()
    assert not at.exception
    assert not [d for d in at.dataframe if "Still running" in d.value.columns]


def test_the_sections_export_opens_and_neutralises_a_formula_name() -> None:
    from sla_core.sla.side_by_side import Grouping, Side, board, wide
    from ui.side_by_side import export_table

    titles = {lv: lv.value for lv in board(DATA, HEADS, side=Side.SALES,
                                           grouping=Grouping.PEOPLE).levels}  # fmt: skip
    found = board(DATA, HEADS, side=Side.SALES, grouping=Grouping.PEOPLE)
    table = wide(found, {1: "@SUM(A1:A9)", 2: "Bo", 3: "Cy", 5: "Di"})
    sheet = openpyxl.load_workbook(
        io.BytesIO(safe_xlsx({"All reps": export_table(table, found, titles)}))
    )
    cells = list(sheet["All reps"].iter_rows(values_only=True))
    assert cells[0][:3] == ("Name", "disposition", "disposition: band")
    assert cells[1][0] == "'@SUM(A1:A9)"
    assert {c[2] for c in cells[1:]} <= {"green", "amber", "red", "nothing judged yet"}


def _overload(url: str, extra: int) -> None:
    """`extra` more MQLs handed to the rep this month."""
    with session_scope(engine_for(url)) as session:
        rep = session.exec(select(User).where(User.username == "salesrep")).one()
        at = now() - timedelta(minutes=5)
        session.add_all(
            Lead(lead_key=f"load{i}", stage="mql", owner_id=rep.id, created_at=at, mql_at=at,
                 assigned_at=at, updated_at=at, **QUALIFYING)
            for i in range(extra)
        )  # fmt: skip


def test_compliance_shows_the_backlog_and_the_reps_over_the_cap_as_routing_does(url: str) -> None:
    _overload(url, 150)  # with their own lead: 151 this month, the max is 150
    shown = {}
    for page in (COMPLIANCE, "pages/routing.py"):
        at = sign_in("salesmanager")
        at.switch_page(page).run()
        assert not at.exception and not at.error
        metrics = {m.label: m.value for m in at.metric}
        over = next(d.value for d in at.dataframe if "over" in d.value.columns)
        over = over.drop(columns="id")
        warned = [w.value for w in at.warning if "more than the monthly max" in w.value]
        shown[page] = (metrics["Oldest unassigned MQL waits"], over.to_dict("records"), warned)
        assert metrics["Unassigned MQLs"] == "1"  # the template's lead with no owner
    assert shown[COMPLIANCE] == shown["pages/routing.py"]
    oldest, over, warned = shown[COMPLIANCE]
    assert oldest == "1.0 days"
    assert over == [{"name": "Test sales_rep", "month": 151, "over": 1}]
    assert warned == ["1 reps hold more than the monthly max of 150 this month."]
