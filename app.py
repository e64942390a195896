"""LeadPact: the frame. Page config, first-run setup, sign-in, navigation by role, sidebar."""

from pathlib import Path
from typing import Any

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from sla_core import agreement, db, org
from sla_core.access import Permission, can
from sla_core.agreement.wording import ROLE_NAMES
from sla_core.db import database_url, session_scope
from sla_core.models import Role, User
from sla_core.people import first_run
from ui.auth import request_logout, sign_in
from ui.data import current_user, open_engine, warm_up
from ui.i18n import _, remember_org_settings, rtl, use_language
from ui.language import language_switch
from ui.navigation import refusals
from ui.rtl import apply_direction
from ui.widgets import agreement_status, end_screen, plain

# the tab icon is a file the app serves itself: a ":material/...:" icon is fetched from Google
FAVICON = Path(__file__).parent / "static" / "favicon.png"
st.set_page_config(page_title="LeadPact", page_icon=str(FAVICON), layout="wide")


def pages_for(user: User) -> dict[str, list[Any]]:
    """The pages `user`'s role may open, in sections, Overview first; the others say for whom
    they are (hidden pages at their addresses)."""
    daily = [
        st.Page(
            "pages/overview.py", title=_("Overview"), icon=":material/dashboard:", default=True
        ),
    ]
    if can(user, Permission.VIEW_ALL_LEADS) or can(user, Permission.WORK_OWN_QUEUE):
        daily.append(st.Page("pages/leads.py", title=_("Leads"), icon=":material/table_rows:"))
        daily.append(st.Page("pages/compliance.py", title=_("Compliance"), icon=":material/speed:"))
    if can(user, Permission.WORK_LEADS):
        daily.append(st.Page("pages/queue.py", title=_("Work queue"), icon=":material/checklist:"))
    if can(user, Permission.VIEW_DASHBOARD):
        daily.append(
            st.Page("pages/leaderboard.py", title=_("Leaderboard"), icon=":material/trophy:")
        )
    pact = []
    if can(user, Permission.EDIT_AGREEMENT):
        pact.append(
            st.Page("pages/workshop.py", title=_("SLA workshop"), icon=":material/handshake:")
        )
    if can(user, Permission.EDIT_AGREEMENT) or can(user, Permission.VIEW_ALL_LEADS):
        pact.append(st.Page("pages/criteria.py", title=_("MQL criteria"), icon=":material/tune:"))
        pact.append(
            st.Page("pages/targets.py", title=_("Targets & quotas"), icon=":material/flag:")
        )
    pipeline = []
    if can(user, Permission.IMPORT_LEADS):
        pipeline.append(
            st.Page("pages/import_leads.py", title=_("Import"), icon=":material/upload:")
        )
    if can(user, Permission.ROUTE_LEADS):
        pipeline.append(
            st.Page("pages/routing.py", title=_("Routing"), icon=":material/alt_route:")
        )
    if can(user, Permission.VIEW_ALL_LEADS):
        pipeline.append(
            st.Page("pages/reports.py", title=_("Reports"), icon=":material/query_stats:")
        )
    admin = []
    if can(user, Permission.MANAGE_SETTINGS):
        admin.append(
            st.Page("pages/work_time.py", title=_("Work time"), icon=":material/schedule:")
        )
    if can(user, Permission.MANAGE_USERS):
        admin.append(st.Page("pages/users.py", title=_("Users"), icon=":material/group:"))
    if can(user, Permission.MANAGE_SETTINGS):
        admin.append(st.Page("pages/settings.py", title=_("Settings"), icon=":material/settings:"))
    sections = {
        _("Daily work"): daily,
        _("The agreement"): pact,
        _("Leads in and out"): pipeline,
        _("Administration"): admin,
    }
    opened = {p.url_path for pages in sections.values() for p in pages} | {"overview"}
    daily.extend(refusals(opened))
    return {title: pages for title, pages in sections.items() if pages}


def main() -> None:
    apply_direction(rtl())  # the browser's or this session's language, for sign-in and setup
    engine = open_engine()
    if engine is None:
        end_screen()
    warm_up(database_url())

    with session_scope(engine) as session:
        set_up = first_run.is_set_up(session=session)
    if not set_up or "setup_done" in st.session_state:
        setup = st.Page(
            "pages/setup.py", title=_("Set up LeadPact"), icon=":material/rocket_launch:"
        )
        st.navigation([setup], position="hidden").run()
        st.stop()

    _authenticator, signed_in = sign_in(engine)
    if signed_in is None:
        end_screen()

    with session_scope(engine) as session:
        user = current_user(session)
        governing = agreement.governing_version(session=session)
        remember_org_settings(org.load_org_settings(session=session))
    was_rtl = rtl()
    use_language(user.language)
    if rtl() and not was_rtl:
        apply_direction(True)
    page = st.navigation(pages_for(user), expanded=True)

    with st.sidebar:
        st.markdown(f"**{plain(user.name)}**")
        st.caption(_(ROLE_NAMES[Role(user.role)]))
        st.caption(agreement_status(governing))
        language_switch(engine, user)
        st.button(
            _("Sign out"), key="sidebar_logout", on_click=request_logout, icon=":material/logout:"
        )

    page.run()


try:
    main()
except (SQLAlchemyError, db.DatabaseUnavailable) as exc:
    # The database went away (or refused a write) after start: one line, never a traceback.
    st.error(
        _("The database cannot be used right now: {reason}").format(reason=plain(db.one_line(exc))),
        icon=":material/error:",
    )
