"""AppTest: the app frame and every page it registers, for every role.

In AppTest a `pages/` folder puts Streamlit in its old multipage mode, so `switch_page`
runs the page file on its own (without app.py around it). The pages therefore defend
themselves: each reads the signed-in user from session state and sla_core checks what
that user may do. Which pages a role sees is read from the navigation app.py registered
in the run that signed the user in.
"""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete
from streamlit.testing.v1 import AppTest

from sla_core import db
from sla_core.access import system_actor
from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.models import Lead, Role, SignInThrottle
from sla_core.overview.in_view import PeriodChoice
from sla_core.people import roster, users
from tests.slaframes import QUALIFYING
from tests.support import apptest
from tests.support.apptest import (  # noqa: F401 (modules that import them from here)
    APP,
    FRAME_STATE,
    PASSWORD,
    ROOT,
    button,
    login_name,
    navigation,
    registered_in_app,
    rerun_frame,
    sign_in,
)
from ui.data import engine_for

# The common template's fixtures (tests/support/apptest.py), used here; other modules
# import them from tests.support.apptest.
template_db = apptest.template_db
app_url = apptest.app_url

IMPORT_PAGE = "pages/import_leads.py"
LEADERBOARD = "pages/leaderboard.py"


ALL = set(Role)
MANAGERS = {Role.ADMIN, Role.SALES_MANAGER, Role.MARKETING_MANAGER}
# Each page and the roles that see it in the navigation: one line per page.
PAGE_ROLES: dict[str, set[Role]] = {
    "pages/overview.py": ALL,
    "pages/leads.py": ALL - {Role.VIEWER},
    "pages/lead.py": ALL - {Role.VIEWER},  # registered out of the menu: opened by links
    "pages/users.py": {Role.ADMIN},
    IMPORT_PAGE: {Role.ADMIN, Role.MARKETING_MANAGER, Role.MARKETER},
    "pages/workshop.py": MANAGERS,
    "pages/criteria.py": MANAGERS | {Role.MARKETER},
    "pages/targets.py": MANAGERS | {Role.MARKETER},
    "pages/reports.py": MANAGERS | {Role.MARKETER},
    "pages/routing.py": {Role.ADMIN, Role.SALES_MANAGER},
    LEADERBOARD: ALL,
    "pages/compliance.py": ALL - {Role.VIEWER},
    "pages/queue.py": {Role.ADMIN, Role.SALES_MANAGER, Role.SALES_REP},
    "pages/work_time.py": {Role.ADMIN},
    "pages/settings.py": {Role.ADMIN},
}
EXPECTED = {role: {page for page, roles in PAGE_ROLES.items() if role in roles} for role in Role}


def test_every_page_file_registered_in_app_exists() -> None:
    pages = registered_in_app()
    assert "pages/overview.py" in pages
    assert [p for p in pages if not (ROOT / p).is_file()] == []


@pytest.mark.parametrize("role", list(Role))
def test_navigation_shows_each_role_its_pages(app_url: str, role: Role) -> None:
    at = sign_in(login_name(role))
    assert not at.exception
    assert navigation(at) == EXPECTED[role]


@pytest.mark.parametrize("role", list(Role))
def test_every_registered_page_runs_for_every_role(app_url: str, role: Role) -> None:
    at = sign_in(login_name(role))
    assert not at.exception
    assert [t.value for t in at.title] == ["Overview"]
    for page in sorted(navigation(at)):
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        assert not at.error, (page, [e.value for e in at.error])


def test_sidebar_says_who_is_signed_in_and_that_the_agreement_is_a_draft(app_url: str) -> None:
    at = sign_in("salesmanager")
    sidebar = [m.value for m in at.sidebar.markdown] + [c.value for c in at.sidebar.caption]
    assert "**Test sales\\_manager**" in sidebar
    assert "Sales manager" in sidebar
    assert any("unsigned draft" in text for text in sidebar)


def test_overview_shows_the_four_metrics_and_the_gauge(app_url: str) -> None:
    at = sign_in("salesmanager")
    assert [m.label for m in at.metric][:4] == [  # the revenue cards follow (test_pages_revenue)
        "MQLs",
        "Dispositioned in time",
        "Conversion",
        "Opportunities",
    ]
    assert at.metric[0].value == "3"
    specs = [chart.proto.spec for chart in at.get("vega_lite_chart")]
    assert any('"arc"' in spec for spec in specs)


def test_overview_of_last_month_shows_every_figure_against_its_target(app_url: str) -> None:
    """Four leads in the middle of last month (org zone UTC), counted by hand: 4 MQLs of
    250 owed (one marketer); dispositions due 4, in time 2 (10 h and 5 h; 60 h is late, one
    never); 1 won of 4 MQLs = 25 % vs 7.0 %; 1 opportunity of 18 (one rep). The leads meet
    the MQL definition (issue 17: the Overview now applies exemptions like Compliance)."""
    first = now().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    mid = (first - timedelta(days=1)).replace(day=10)  # the 10th of last month
    h = timedelta(hours=1)
    with session_scope(engine_for(app_url)) as session:
        session.execute(delete(Lead))
        rep = users.get_by_username(session=session, username="salesrep")
        for key, stage, disposed, opportunity, closed in (
            ("in-time", "sql", 10 * h, None, None),
            ("late", "sql", 60 * h, None, None),
            ("never", "mql", None, None, None),
            ("won", "won", 5 * h, 24 * h, 72 * h),
        ):
            session.add(Lead(lead_key=key, stage=stage, owner_id=rep.id, created_at=mid,  # type: ignore[union-attr]
                             mql_at=mid, assigned_at=mid, updated_at=mid, **QUALIFYING,
                             dispositioned_at=mid + disposed if disposed else None,
                             opportunity_at=mid + opportunity if opportunity else None,
                             closed_at=mid + closed if closed else None))  # fmt: skip
    at = sign_in("salesmanager")
    at.segmented_control(key="overview_period").set_value(PeriodChoice.LAST_MONTH).run()
    assert not at.exception
    shown = {m.label: (m.value, m.proto.delta) for m in at.metric[:4]}
    assert shown == {
        "MQLs": ("4", "-246"),
        "Dispositioned in time": ("50.0 %", "2 of 4 due"),
        "Conversion": ("25.0 %", "+18.0 pts"),
        "Opportunities": ("1", "-17"),
    }


def test_overview_sees_a_new_lead_at_the_next_run(app_url: str) -> None:
    at = sign_in("salesmanager")
    assert at.metric[0].value == "3"
    with session_scope(engine_for(app_url)) as session:
        session.add(Lead(lead_key="late", stage="mql", created_at=now(), mql_at=now()))
    at.switch_page("pages/overview.py").run()
    assert at.metric[0].value == "4"


def test_rep_overview_counts_only_their_own_leads(app_url: str) -> None:
    at = sign_in("salesrep")
    assert at.metric[0].value == "1"


def test_rep_browses_only_their_own_leads(app_url: str) -> None:
    at = sign_in("salesrep")
    at.switch_page("pages/leads.py").run()
    table = at.dataframe[0].value
    assert table["email"].tolist() == ["own@example.com"]
    assert table["name"].tolist() == ["own <b>Lead</b>"]  # shown as text, never as HTML


def test_leads_search_narrows_the_table(app_url: str) -> None:
    at = sign_in("salesmanager")
    at.switch_page("pages/leads.py").run()
    assert len(at.dataframe[0].value) == 3
    at.text_input(key="leads_search").input("OTHER@").run()
    assert at.dataframe[0].value["email"].tolist() == ["other@example.com"]


def test_users_page_refuses_a_rep_even_when_opened_directly(app_url: str) -> None:
    at = sign_in("salesrep")
    rep = at.session_state["user"]
    page = AppTest.from_file(str(ROOT / "pages" / "users.py"), default_timeout=30)
    page.session_state["user"] = rep
    page.session_state["auth_session_id"] = at.session_state["auth_session_id"]
    page.run()
    assert not page.exception
    assert [e.value for e in page.error] == ["Users is for admins."]
    assert not page.dataframe


def test_page_opened_without_signing_in_shows_nothing(app_url: str) -> None:
    page = AppTest.from_file(str(ROOT / "pages" / "leads.py"), default_timeout=30).run()
    assert not page.exception
    assert len(page.error) == 1
    assert not page.dataframe


def test_admin_adds_a_user_and_a_duplicate_is_refused(app_url: str) -> None:
    at = sign_in("admin")
    at.switch_page("pages/users.py").run()
    at.text_input(key="users_add_username").input("newrep")
    at.text_input(key="users_add_name").input("New Rep")
    at.selectbox(key="users_add_role").select("sales_rep")
    at.text_input(key="users_add_password").input("Another#42")
    at.button(key="users_add_submit").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Added newrep."]
    assert "newrep" in at.dataframe[0].value["username"].tolist()

    at.text_input(key="users_add_username").input("newrep")
    at.text_input(key="users_add_name").input("Again")
    at.text_input(key="users_add_password").input("Another#42")
    at.button(key="users_add_submit").click().run()
    assert [e.value for e in at.error] == ["Nothing was changed: username 'newrep' is taken."]


def test_admin_cannot_demote_the_last_admin(app_url: str) -> None:
    at = sign_in("admin")
    at.switch_page("pages/users.py").run()
    at.selectbox(key="users_role_user").select("admin")
    at.selectbox(key="users_role_value").select("viewer")
    at.button(key="users_role_submit").click().run()
    assert "last admin" in at.error[0].value
    with session_scope(engine_for(app_url)) as session:
        assert users.get_by_username(session=session, username="admin").role == Role.ADMIN  # type: ignore[union-attr]


def test_admin_resets_a_password_and_deactivates_a_user(app_url: str) -> None:
    at = sign_in("admin")
    at.switch_page("pages/users.py").run()
    at.selectbox(key="users_password_user").select("salesrep")
    at.text_input(key="users_password_value").input("Fresh#2026")
    at.button(key="users_password_submit").click().run()
    assert [s.value for s in at.success] == ["New password set for salesrep."]
    at.selectbox(key="users_active_user").select("viewer")
    at.radio(key="users_active_value").set_value(False)
    at.button(key="users_active_submit").click().run()
    assert [s.value for s in at.success] == ["viewer is deactivated."]

    assert [t.value for t in sign_in("salesrep", "Fresh#2026").title] == ["Overview"]
    assert sign_in("viewer").error[0].value == "Username or password is incorrect."


def test_admin_adds_a_team_places_a_rep_and_a_twin_name_is_refused(app_url: str) -> None:
    at = sign_in("admin")
    at.switch_page("pages/users.py").run()
    table = at.dataframe[0].value.set_index("username")
    assert table.loc["salesrep", ["team", "email"]].tolist() == ["", ""]  # not "None"
    at.text_input(key="users_new_team_name").input("North")
    at.button(key="users_new_team_submit").click().run()
    assert [s.value for s in at.success] == ["Team North added."]
    at.selectbox(key="users_team_user").select("salesrep")
    at.selectbox(key="users_team_value").select("North")
    at.button(key="users_team_submit").click().run()
    assert [s.value for s in at.success] == ["salesrep: team North."]
    at.text_input(key="users_new_team_name").input("NORTH")
    at.button(key="users_new_team_submit").click().run()
    assert [e.value for e in at.error] == [
        "Nothing was changed: a team named 'North' already exists."
    ]
    with session_scope(engine_for(app_url)) as session:
        frame = roster.people_frame(session=session).set_index("username")
        assert frame.loc["salesrep", "team"] == "North"


def test_wrong_password_shows_the_normal_message_and_is_counted(app_url: str) -> None:
    at = sign_in("salesrep", "Wrong#1234")
    assert not at.exception
    assert [e.value for e in at.error] == ["Username or password is incorrect."]
    assert "user" not in at.session_state
    with session_scope(engine_for(app_url)) as session:
        row = session.get(SignInThrottle, "user:salesrep")
        assert row is not None and row.failures == 1


def test_repeated_failures_are_answered_ever_more_slowly(app_url: str) -> None:
    at = AppTest.from_file(APP, default_timeout=30).run()
    took = []
    for _ in range(4):
        at.text_input[0].input("viewer")
        at.text_input[1].input("Wrong#1234")
        started = time.monotonic()
        button(at, "Sign in").click().run()
        took.append(time.monotonic() - started)
    assert at.error[0].value == "Username or password is incorrect."
    assert took[3] >= 1.0  # free for three failures, then 1 s, 2 s, 4 s, up to 8 s
    with session_scope(engine_for(app_url)) as session:
        row = session.get(SignInThrottle, "user:viewer")
        assert row is not None and row.failures == 4


def test_unknown_user_gets_the_same_message(app_url: str) -> None:
    at = sign_in("nobody", "Wrong#1234")
    assert [e.value for e in at.error] == ["Username or password is incorrect."]


def test_the_page_keeps_its_place_between_the_sign_in_run_and_the_next(app_url: str) -> None:
    """The run that signs someone in draws the page at the same places as the next run (the
    one the sign-in cookie's component asks for in a browser). Otherwise the browser keeps
    the first run's elements beside the second's while the second waits (at a million leads,
    the first load): the Overview's period and team controls showed twice."""

    def title_at(at: AppTest) -> int:
        return next(
            i
            for i, node in at.main.children.items()
            if node.type == "title" and node.value == "Overview"  # type: ignore[attr-defined]
        )

    at = apptest.sign_in(login_name(Role.SALES_MANAGER))
    assert not at.exception
    signed_in_run = title_at(at)
    at.run()
    assert not at.exception and title_at(at) == signed_in_run


def test_sign_out_shows_the_sign_in_form(app_url: str) -> None:
    at = sign_in("viewer")
    at = rerun_frame(at.button(key="sidebar_logout").click().run())
    assert not at.exception
    assert "user" not in at.session_state
    assert [t.label for t in at.text_input] == ["Username", "Password"]


def test_deactivated_user_is_signed_out_at_the_next_run(app_url: str) -> None:
    at = sign_in("marketer")
    with session_scope(engine_for(app_url)) as session:
        users.set_active(actor=system_actor(), session=session, username="marketer", active=False)
    at = rerun_frame(at)
    assert not at.exception
    assert not at.metric
    assert [e.value for e in at.error] == [
        "You were signed out (your password changed, or your account or session ended)."
    ]


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("postgresql://nobody@127.0.0.1:1/nothing", "cannot reach the database"),
        ("mysql://someone@localhost/leads", "unsupported database 'mysql'"),
        ("this is not a url", "is not a database URL"),
    ],
)
def test_unusable_database_is_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, url: str, says: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert len(at.error) == 1
    assert says in at.error[0].value
    assert "\n" not in at.error[0].value
    assert not at.text_input  # no sign-in form over a database that cannot be used


@pytest.fixture
def empty_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def fill_setup(at: AppTest, password: str, again: str, demo: bool = False) -> AppTest:
    at.text_input(key="setup_username").input("Boss")
    at.text_input(key="setup_name").input("Bea Boss")
    at.text_input(key="setup_email").input("bea@example.com")
    at.text_input(key="setup_password").input(password)
    at.text_input(key="setup_password_again").input(again)
    at.checkbox(key="setup_load_demo").set_value(demo)
    return at.button(key="setup_submit").click().run()


def test_first_run_setup_creates_the_admin_who_then_signs_in(empty_url: str) -> None:
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert [t.value for t in at.title] == ["Welcome to LeadPact"]
    fill_setup(at, "Boss#2026x", "Boss#2026x")
    assert not at.exception
    assert "boss" in at.success[0].value
    with session_scope(engine_for(empty_url)) as session:
        assert users.signable_admins(session=session)
    at = rerun_frame(at)
    at.button(key="setup_continue").click().run()
    at = rerun_frame(at)
    at.text_input[0].input("boss")
    at.text_input[1].input("Boss#2026x")
    button(at, "Sign in").click().run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Overview"]
    assert "pages/users.py" in navigation(at)


@pytest.mark.parametrize(
    ("password", "again", "message"),
    [
        ("Boss#2026x", "Boss#2026y", "the two passwords differ"),
        ("short1", "short1", "at least 8 characters"),
    ],
)
def test_setup_refuses_bad_passwords(
    empty_url: str, password: str, again: str, message: str
) -> None:
    at = fill_setup(AppTest.from_file(APP, default_timeout=30).run(), password, again)
    assert not at.exception
    assert message in at.error[0].value
    with session_scope(engine_for(empty_url)) as session:
        assert not users.signable_admins(session=session)


def test_setup_says_why_the_demo_was_not_loaded_and_keeps_the_admin(empty_url: str) -> None:
    engine = db.make_engine(empty_url)
    db.migrate(engine)
    with session_scope(engine) as session:
        session.add(Lead(lead_key="mine", stage="lead", created_at=now()))
    engine.dispose()
    at = fill_setup(
        AppTest.from_file(APP, default_timeout=60).run(), "Boss#2026x", "Boss#2026x", True
    )
    assert not at.exception
    assert "already holds 1 leads" in at.warning[0].value
    assert not at.dataframe
    with session_scope(engine_for(empty_url)) as session:
        assert users.signable_admins(session=session)


def test_setup_page_opened_directly_after_setup_only_says_so(app_url: str) -> None:
    page = AppTest.from_file(str(ROOT / "pages" / "setup.py"), default_timeout=30).run()
    assert not page.exception
    assert [i.value for i in page.info] == ["LeadPact is already set up. Sign in instead."]
    assert not page.text_input
