"""AppTest: the work queue and the compliance page, for a rep and a manager."""

from __future__ import annotations

import json
import logging
import re
import warnings
from datetime import timedelta

import pyarrow as pa
import pytest
from pandas.errors import Pandas4Warning
from sqlmodel import select

from sla_core import leads
from sla_core.access import system_actor
from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.models import Lead, LeadEvent, Role
from sla_core.people import users
from sla_core.sla import views
from tests.slaframes import QUALIFYING
from tests.support.apptest import app_url, button, sign_in, template_db  # noqa: F401 (fixtures)
from ui.data import engine_for, warm_up
from ui.widgets import plain

QUEUE = "pages/queue.py"
COMPLIANCE = "pages/compliance.py"


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
    own = plain(f"#{_own_lead(url).id} own <b>Lead</b>")
    assert [s.value for s in at.success] == [f"Call logged on {own}."]
    assert _own_lead(url).touches == 1


def test_a_disposition_without_a_reason_is_refused_on_the_page(url: str) -> None:
    at = _queue_as("salesrep")
    button(at, "Save disposition").click().run()
    assert [e.value for e in at.error] == ["A disqualify disposition needs a reason"]  # a sentence
    assert _own_lead(url).stage == "mql"


def test_a_disqualification_with_a_reason_leaves_the_queue(url: str) -> None:
    at = _queue_as("salesrep")
    at.selectbox(key="queue_reason").select("No budget").run()
    button(at, "Save disposition").click().run()
    own = plain(f"#{_own_lead(url).id} own <b>Lead</b>")
    assert at.success[0].value == f"Disposition saved for {own}."
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


def _second_lead(url: str) -> int:
    """A second open lead for the rep, assigned an hour ago: it sorts after "own"."""
    with session_scope(engine_for(url)) as session:
        own = session.exec(select(Lead).where(Lead.lead_key == "own")).one()
        at = now() - timedelta(hours=1)
        lead = Lead(
            lead_key="second", first_name="Babak", last_name="Karimi",
            email="babak@example.com", stage="mql", source="webinar", owner_id=own.owner_id,
            created_at=at, mql_at=at, assigned_at=at, updated_at=at,
            **QUALIFYING,
        )  # fmt: skip
        session.add(lead)
        session.flush()
        return int(lead.id or 0)


def _touches(url: str) -> dict[str, int]:
    with session_scope(engine_for(url)) as session:
        return {lead.lead_key: lead.touches for lead in session.exec(select(Lead)).all()}


def _shown(at) -> str:  # type: ignore[no-untyped-def]
    """The label the browser shows for the picked lead (what it sends back on a click)."""
    picker = at.selectbox(key="queue_lead")
    return str(picker.options[picker.index])


def test_the_picked_lead_stays_picked_after_each_write(url: str) -> None:
    """A rep picks the second lead and logs a call, an e-mail, then qualifies: all on that
    lead, each confirmation naming it. The picker's label used to carry the live countdown,
    so after a write the label the browser held was gone and it fell back to the first lead."""
    second = _second_lead(url)
    at = _queue_as("salesrep")
    at.selectbox(key="queue_lead").select(second).run()
    label = _shown(at)
    button(at, "Call").click().run()
    assert [s.value for s in at.success] == [f"Call logged on {plain(f'#{second}')} Babak Karimi."]
    assert label in at.selectbox(key="queue_lead").options
    assert at.selectbox(key="queue_lead").value == second
    button(at, "E-mail").click().run()
    assert [s.value for s in at.success] == [
        f"E-mail logged on {plain(f'#{second}')} Babak Karimi."
    ]
    assert _touches(url) == {"own": 0, "other": 0, "none": 0, "second": 2}
    button(at, "Qualify").click().run()
    assert [s.value for s in at.success] == [f"{plain(f'#{second}')} Babak Karimi qualified."]
    assert _own_lead(url).stage == "mql"


def test_the_pick_survives_the_countdown_changing_between_runs(url: str) -> None:
    """The clock's minute turning between picking and clicking keeps the label the browser
    shows among the options, so the pick stays where the rep put it."""
    second = _second_lead(url)
    at = _queue_as("salesrep")
    at.selectbox(key="queue_lead").select(second).run()
    label = _shown(at)
    with session_scope(engine_for(url)) as session:  # seven minutes pass for every lead
        for lead in session.exec(select(Lead)).all():
            if lead.assigned_at is not None:
                lead.assigned_at -= timedelta(minutes=7)
                lead.updated_at = now()
                session.add(lead)
    button(at, "Voicemail").click().run()
    assert label in at.selectbox(key="queue_lead").options
    assert _shown(at) == label
    button(at, "Call").click().run()
    assert _touches(url)["second"] == 2 and _touches(url)["own"] == 0


def test_a_manager_opens_a_reps_queue_and_an_opportunity(url: str) -> None:
    at = _queue_as("salesmanager")
    assert at.selectbox(key="queue_rep").value is not None
    assert at.metric[0].value == "1"
    at.number_input(key="queue_deal_value").set_value(12_000.0).run()
    button(at, "Open opportunity").click().run()
    own = plain(f"#{_own_lead(url).id} own <b>Lead</b>")
    assert at.success[0].value == f"Opportunity opened on {own}."
    lead = _own_lead(url)
    assert (lead.stage, lead.deal_value) == ("opportunity", 12_000.0)


def test_the_queue_puts_saveable_leads_first_and_late_ones_in_their_own_section(
    url: str,
) -> None:
    """A lead missed weeks ago sits under "Already late", after the lead that can still be
    saved; time left reads in words ("in 23 h", "28 days late"), never signed hours."""
    with session_scope(engine_for(url)) as session:
        own = session.exec(select(Lead).where(Lead.lead_key == "own")).one()
        at = now() - timedelta(days=30)
        session.add(
            Lead(lead_key="old", first_name="Long", last_name="Gone", email="old@example.com",
                 stage="mql", source="webinar", owner_id=own.owner_id, created_at=at, mql_at=at,
                 assigned_at=at, updated_at=at, **QUALIFYING)
        )  # fmt: skip
    at = _queue_as("salesrep")
    assert [h.value for h in at.subheader] == ["Already late"]
    first, late = (d.value for d in at.dataframe)
    assert first["name"].tolist() == ["own <b>Lead</b>"]
    assert late["name"].tolist() == ["Long Gone"]
    assert re.fullmatch(r"in \d+ h", first["countdown"].iloc[0])
    assert re.fullmatch(r"\d+ days late", late["countdown"].iloc[0])
    assert first["status"].tolist() == ["On track"] and late["status"].tolist() == ["Late"]
    picker = at.selectbox(key="queue_lead")
    assert [o.split(" · ")[1] for o in picker.options] == ["own <b>Lead</b>", "Long Gone"]


def _imported_owner(url: str) -> None:
    """A sales rep an import created (no login, no team), owning one open lead."""
    with session_scope(engine_for(url)) as session:
        person = users.create_unplaced_person(
            session=session, username="imported", name="Aaron Imported", role=Role.SALES_REP,
            actor=system_actor(), email=None,
        )  # fmt: skip
        lead = session.exec(select(Lead).where(Lead.lead_key == "none")).one()
        lead.owner_id, lead.assigned_at = person.id, lead.created_at
        session.add(lead)


def test_pickers_offer_only_reps_who_can_sign_in(url: str) -> None:
    """The queue opens on a rep who works, not on an owner an import created."""
    _imported_owner(url)
    at = _queue_as("salesmanager")
    picker = at.selectbox(key="queue_rep")
    assert picker.options == ["Test sales_rep"] and picker.value is not None
    assert at.metric[0].value == "1"
    at.switch_page(COMPLIANCE).run()
    at.selectbox(key="compliance_scope").select(views.ScopeKind.REP).run()
    assert at.selectbox(key="compliance_rep").options == ["Test sales_rep"]


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


def test_compliance_runs_without_pandas_deprecation_warnings(url: str) -> None:
    """A page runs as `__main__`, where Python shows deprecation warnings: the server's log
    had one from pandas on every rerun (a frame's instants turned into a memo key's JSON)."""
    at = sign_in("salesmanager")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", Pandas4Warning)
        at.switch_page(COMPLIANCE).run()
    assert not at.exception
    assert [str(w.message) for w in caught if issubclass(w.category, Pandas4Warning)] == []


def test_the_warm_up_loads_the_leads_without_a_warning_in_the_log(url: str) -> None:
    """The background load at a server's start runs outside any page: it shows no spinner
    (Streamlit logged "missing ScriptRunContext" at every start); a page waiting for the
    load says so itself, in the reader's language (`ui.data.current_snapshot`)."""
    logged: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: logged.append(record.getMessage())  # type: ignore[method-assign]
    logger = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    logger.addHandler(handler)
    try:
        at = sign_in("salesmanager")
        warm_up(url).join()
    finally:
        logger.removeHandler(handler)
    assert not at.exception and at.metric
    assert [m for m in logged if "leadpact-warm-up" in m] == []


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
    behind, at_risk, _late, *_all_reps = (d.value for d in at.dataframe)
    assert list(behind.columns) == ["ID", "Name", "Company", "Stage", "Met", "Disposition",
                                    "Worked", "Follow-up", "Touches", "Owner"]  # fmt: skip
    assert list(at_risk.columns) == ["ID", "Countdown", "Name", "Company", "Stage", "Status",
                                     "Deadline", "Touches", "Required",
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
    assert [e.value for e in at.error] == [  # it quotes what was typed: shown escaped
        plain("Holiday 2 ('Christmas') is not a date: write 2026-12-25")
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
    report = at.dataframe[-1].value
    assert list(report.columns) == [
        "Rep", "Worked", "Touches", "Dispositioned", "Opportunities opened", "Breached"
    ]  # fmt: skip
    assert report["Rep"].tolist()[-1] == "All reps"
    at.button(key="compliance_daily_send").click().run()
    assert [e.value for e in at.error] == ["E-mail is not set up (no SMTP host in the settings)."]


def _decline_with(at, reason: str):  # type: ignore[no-untyped-def]
    at.selectbox(key="queue_reason").select("Other (write it below)").run()
    at.text_input(key="queue_other_reason").input(reason).run()
    return button(at, "Save disposition").click().run()


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("x" * 301, "The reason may be at most 300 characters (301 given)"),
        ("no\x00budget", "The reason contains a NUL character at position 3: remove it"),
    ],
)
def test_a_reason_the_database_cannot_keep_is_one_clear_line(
    url: str, reason: str, message: str
) -> None:
    """Issue 18.13: on PostgreSQL these crashed the callback; SQLite kept them silently."""
    at = _decline_with(_queue_as("salesrep"), reason)
    assert not at.exception
    assert [e.value for e in at.error] == [plain(message)]  # a domain error may quote data
    lead = _own_lead(url)
    assert (lead.stage, lead.disposition_reason) == ("mql", None)


def test_a_storage_error_on_call_is_one_line_not_a_crash(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 18.13: a full disk while logging a call showed Streamlit's crash box."""
    import sqlite3

    from sqlalchemy.exc import OperationalError

    def full(*_args: object, **_kwargs: object) -> None:
        raise OperationalError(
            "UPDATE lead ...", {}, sqlite3.OperationalError("database or disk is full")
        )

    at = _queue_as("salesrep")
    monkeypatch.setattr(leads, "_write", full)
    button(at, "Call").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "The database did not save this (database or disk is full). Nothing was changed: "
        "try again, or tell an admin if it happens again."
    ]
    monkeypatch.undo()
    assert _own_lead(url).touches == 0
