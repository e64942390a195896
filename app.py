"""LeadPact: the frame. Page config, first-run setup, sign-in, navigation by role, sidebar."""

from pathlib import Path

import streamlit as st

from sla_core import agreement, users
from sla_core.access import Permission, can
from sla_core.db import session_scope
from sla_core.models import Role
from ui.auth import request_logout, sign_in
from ui.data import current_user, open_engine
from ui.widgets import end_screen, plain

ROOT = Path(__file__).resolve().parent

st.set_page_config(page_title="LeadPact", page_icon=":material/handshake:", layout="wide")

engine = open_engine()
if engine is None:
    end_screen()

with session_scope(engine) as session:
    first_run = not users.has_admin(session=session)
if first_run or "setup_done" in st.session_state:
    setup = st.Page("pages/setup.py", title="Set up LeadPact", icon=":material/rocket_launch:")
    st.navigation([setup], position="hidden").run()
    st.stop()

_, signed_in = sign_in(engine)
if signed_in is None:
    end_screen()

with session_scope(engine) as session:
    user = current_user(session)
    governing = agreement.governing_version(session=session)

pages = [
    st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
]
if can(user, Permission.VIEW_ALL_LEADS) or can(user, Permission.WORK_OWN_QUEUE):
    pages.append(st.Page("pages/leads.py", title="Leads", icon=":material/table_rows:"))
if can(user, Permission.IMPORT_LEADS) and (ROOT / "pages" / "import_leads.py").exists():
    pages.append(st.Page("pages/import_leads.py", title="Import", icon=":material/upload:"))
if can(user, Permission.MANAGE_USERS):
    pages.append(st.Page("pages/users.py", title="Users", icon=":material/group:"))
page = st.navigation(pages)

with st.sidebar:
    st.markdown(f"**{plain(user.name)}**")
    st.caption(Role(user.role).value.replace("_", " ").capitalize())
    version = governing.version.number
    if governing.signed:
        st.caption(f":material/verified: Agreement v{version}, signed and in force")
    else:
        st.caption(f":material/edit_note: Agreement v{version}: unsigned draft")
    st.button("Sign out", key="sidebar_logout", on_click=request_logout, icon=":material/logout:")

page.run()
