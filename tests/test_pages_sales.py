"""AppTest: the work queue and the compliance page, for a rep and a manager."""

from __future__ import annotations

import json
import re

import pyarrow as pa
import pytest
from sqlmodel import select

from sla_core import leads
from sla_core.access import system_actor
from sla_core.db import session_scope
from sla_core.models import Lead, LeadEvent
from tests.slaframes import QUALIFYING
from tests.test_pages import app_url, button, sign_in, template_db  # noqa: F401 (fixtures)
from ui.data import engine_for

QUEUE = "pages/queue.py"


@pytest.fixture
def url(app_url: str) -> str:  # noqa: F811
    """The test database, its leads given a profile that meets the MQL definition (leads
    below it at hand-off are exempt and never queued)."""
    with session_scope(engine_for(app_url)) as session:
        for lead in session.exec(select(Lead)).all():
            for field, value in QUALIFYING.items():
                setattr(lead, field, value)
            session.add(lead)
    return app_url


def _own_lead(url: str) -> Lead:
    with session_scope(engine_for(url)) as session:
        lead = session.exec(select(Lead).where(Lead.lead_key == "own")).one()
        session.expunge(lead)
        return lead


def _queue_as(username: str):  # type: ignore[no-untyped-def]
    at = sign_in(username)
    at.switch_page(QUEUE).run()
    assert not at.exception
    return at


def test_a_rep_sees_their_open_lead_and_logs_a_call_in_one_click(url: str) -> None:
    at = _queue_as("salesrep")
    assert [m.label for m in at.metric] == [
        "Open leads",
        "At risk",
        "Overdue",
        "Waiting for reassignment",
    ]
    assert at.metric[0].value == "1"
    table = at.dataframe[0].value
    assert table["name"].tolist() == ["own <b>Lead</b>"]
    button(at, "Call").click().run()
    assert [s.value for s in at.success] == ["Call logged."]
    assert _own_lead(url).touches == 1


def test_a_disposition_without_a_reason_is_refused_on_the_page(url: str) -> None:
    at = _queue_as("salesrep")
    button(at, "Save disposition").click().run()
    assert [e.value for e in at.error] == ["a disqualify disposition needs a reason"]
    assert _own_lead(url).stage == "mql"


def test_a_disqualification_with_a_reason_leaves_the_queue(url: str) -> None:
    at = _queue_as("salesrep")
    at.selectbox(key="queue_reason").select("No budget").run()
    button(at, "Save disposition").click().run()
    assert at.success[0].value == "Disposition saved."
    lead = _own_lead(url)
    assert (lead.stage, lead.disposition_reason) == ("disqualified", "No budget")
    assert at.metric[0].value == "0"


def test_a_form_made_stale_by_someone_else_is_refused_and_nothing_is_lost(url: str) -> None:
    at = _queue_as("salesrep")
    lead_id = _own_lead(url).id
    with session_scope(engine_for(url)) as session:  # the manager acts in between
        leads.disposition(session=session, lead_id=lead_id, outcome=leads.Disposition.NURTURE,
                          actor=system_actor(), reason="Bad timing")  # fmt: skip
    button(at, "Qualify").click().run()
    assert len(at.error) == 1 and "changed since you opened it" in at.error[0].value
    lead = _own_lead(url)
    assert (lead.stage, lead.disposition_reason) == ("nurture", "Bad timing")
    with session_scope(engine_for(url)) as session:
        kinds = session.exec(select(LeadEvent.kind).where(LeadEvent.lead_id == lead_id)).all()
    assert kinds == ["disposition"]


def test_a_manager_opens_a_reps_queue_and_an_opportunity(url: str) -> None:
    at = _queue_as("salesmanager")
    assert at.selectbox(key="queue_rep").value is not None
    assert at.metric[0].value == "1"
    at.number_input(key="queue_deal_value").set_value(12_000.0).run()
    button(at, "Open opportunity").click().run()
    assert at.success[0].value == "Opportunity opened."
    lead = _own_lead(url)
    assert (lead.stage, lead.deal_value) == ("opportunity", 12_000.0)


COMPLIANCE = "pages/compliance.py"


def _gauges(at) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Each gauge's title and the figure it shows, from the vega-lite specs."""
    shown = {}
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        title = spec.get("title")
        if isinstance(title, dict) and "layer" in spec:
            title = title["text"]
            tables = {
                d.name: pa.ipc.open_stream(d.data.data).read_all() for d in chart.proto.datasets
            }
            figure = tables[spec["layer"][1]["data"]["name"]]  # the big number
            shown[title] = figure.column("t")[0].as_py()
    return shown


def test_compliance_shows_a_gauge_per_service_level(url: str) -> None:
    at = sign_in("salesmanager")
    at.switch_page(COMPLIANCE).run()
    assert not at.exception and not at.error
    gauges = _gauges(at)
    assert list(gauges) == [
        "Dispositioned within the window",
        "Worked within the window",
        "Follow-up attempts made",
        "Conversion",
        "Opportunities opened",
        "MQLs left unworked",
        "MQL volume",
    ]
    # two MQLs assigned a day ago (48 h window): neither due yet; three MQLs this month
    assert gauges["Dispositioned within the window"] == "—"
    assert gauges["MQL volume"] == "3"


def test_compliance_moves_when_a_rep_dispositions_a_lead(url: str) -> None:
    at = sign_in("salesmanager")
    at.switch_page(COMPLIANCE).run()
    assert _gauges(at)["Dispositioned within the window"] == "—"
    lead_id = _own_lead(url).id
    with session_scope(engine_for(url)) as session:
        leads.disposition(session=session, lead_id=lead_id, outcome=leads.Disposition.QUALIFY,
                          actor=system_actor())  # fmt: skip
    at.switch_page(COMPLIANCE).run()
    assert _gauges(at)["Dispositioned within the window"] == "100.0 %"


def test_a_rep_sees_only_their_own_compliance(url: str) -> None:
    at = sign_in("salesrep")
    at.switch_page(COMPLIANCE).run()
    assert not at.exception and not at.error
    assert "compliance_scope" not in [s.key for s in at.selectbox]
    assert _gauges(at)["MQL volume"] == "1"


def test_compliance_tables_read_in_words_and_conversion_counts_deals(url: str) -> None:
    at = sign_in("salesmanager")
    at.switch_page(COMPLIANCE).run()
    behind, at_risk, _late = (d.value for d in at.dataframe)
    assert list(behind.columns) == ["ID", "Name", "Company", "Stage", "Met", "Disposition",
                                    "Worked", "Follow-up", "Touches", "Owner"]  # fmt: skip
    assert list(at_risk.columns) == ["ID", "Countdown", "Name", "Company", "Stage", "Status",
                                     "Deadline", "Hours left", "Touches", "Required",
                                     "Reassign", "Owner"]  # fmt: skip
    captions = [c.value for c in at.caption]
    assert any(
        re.fullmatch(r"\d+ won of \d+ MQLs handed off; \d+ won in the period", c) for c in captions
    ), captions


WORK_TIME = "pages/work_time.py"


def test_the_admin_sets_business_hours_and_holidays(url: str) -> None:
    from datetime import date

    from sla_core.sla.worktime import load_work_time

    at = sign_in("admin")
    at.switch_page(WORK_TIME).run()
    assert not at.exception
    at.toggle(key="work_time_office").set_value(True)
    at.text_area(key="work_time_holidays").input("2026-12-25\n2026-12-26")
    at.button(key="work_time_save").click().run()
    assert [s.value for s in at.success] == ["Work time saved: the clocks use it from now on."]
    with session_scope(engine_for(url)) as session:
        stored = load_work_time(session=session)
    assert stored.hours is not None and stored.hours.weekdays == (0, 1, 2, 3, 4)
    assert stored.holidays == (date(2026, 12, 25), date(2026, 12, 26))


def test_a_bad_holiday_is_named_and_nothing_is_saved(url: str) -> None:
    from sla_core.sla.worktime import WorkTime, load_work_time

    at = sign_in("admin")
    at.switch_page(WORK_TIME).run()
    at.text_area(key="work_time_holidays").input("2026-12-25\nChristmas")
    at.button(key="work_time_save").click().run()
    assert [e.value for e in at.error] == [
        "holiday 2 ('Christmas') is not a date: write 2026-12-25"
    ]
    with session_scope(engine_for(url)) as session:
        assert load_work_time(session=session) == WorkTime()


def test_the_daily_report_shows_and_says_when_e_mail_is_off(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LEADPACT_SMTP_HOST", raising=False)
    at = sign_in("salesmanager")
    at.switch_page(COMPLIANCE).run()
    at.toggle(key="compliance_daily").set_value(True).run()
    assert not at.exception
    assert at.dataframe[-1].value["rep"].tolist()[-1] == "All reps"
    at.button(key="compliance_daily_send").click().run()
    assert [e.value for e in at.error] == ["E-mail is not set up (no SMTP host in the settings)."]
