"""First run: create the first admin and, if wanted, load the demo data."""

import importlib.util

import streamlit as st

from sla_core import browse, first_run, users
from sla_core.db import session_scope
from ui.data import get_engine

DEMO_AVAILABLE = importlib.util.find_spec("sla_core.demo") is not None

st.title("Welcome to LeadPact")

done = st.session_state.get("setup_done")
if done is not None:
    st.success(f"The admin account **{done['admin']}** is ready.", icon=":material/check_circle:")
    if done["demo_error"]:
        st.warning(f"The demo data was not loaded: {done['demo_error']}", icon=":material/info:")
    if done["passwords"]:
        st.subheader(f"Demo data loaded: {done['leads']:,} leads")
        st.warning(
            "These are the demo users' passwords. They are shown only this once: save them now.",
            icon=":material/key:",
        )
        with session_scope(get_engine()) as session:
            people = browse.people_frame(session=session)
        st.dataframe(
            first_run.login_sheet(done["passwords"], people),
            hide_index=True,
            key="setup_passwords_table",
        )
    if st.button("Continue to sign in", key="setup_continue", type="primary"):
        st.session_state.pop("setup_done", None)
        st.rerun()
    st.stop()

with session_scope(get_engine()) as session:
    already_set_up = users.has_admin(session=session)
if already_set_up:
    st.info("LeadPact is already set up. Sign in instead.", icon=":material/login:")
    st.stop()

st.write(
    "This database has no administrator yet. Create the first admin account; "
    "there is no built-in default password."
)
with st.form("setup_form"):
    username = st.text_input("Username", key="setup_username", placeholder="e.g. jane.doe")
    name = st.text_input("Full name", key="setup_name")
    email = st.text_input("E-mail", key="setup_email")
    password = st.text_input("Password", type="password", key="setup_password")
    again = st.text_input("Password again", type="password", key="setup_password_again")
    st.caption("At least 8 characters, with a letter and a digit.")
    load_demo = st.checkbox(
        "Load the demo data (six months, about 20,000 leads, demo users)",
        value=DEMO_AVAILABLE,
        disabled=not DEMO_AVAILABLE,
        key="setup_load_demo",
    )
    submitted = st.form_submit_button("Create admin", type="primary", key="setup_submit")

if submitted:
    engine = get_engine()
    try:
        with session_scope(engine) as session:
            admin = first_run.create_first_admin(
                session=session,
                username=username,
                name=name,
                email=email,
                password=password,
                password_again=again,
            )
            admin_name = admin.username
    except users.UserError as exc:
        st.error(f"Could not create the admin: {exc}.", icon=":material/error:")
        st.stop()
    result = {"admin": admin_name, "passwords": {}, "leads": 0, "demo_error": None}
    if load_demo and DEMO_AVAILABLE:
        from sla_core import demo

        try:
            with st.spinner("Loading the demo data…"):
                loaded = demo.load_demo(engine=engine, seed=7, leads=20_000)
        except ValueError as exc:  # the demo says why in one line and keeps nothing
            result["demo_error"] = str(exc)
        else:
            result["passwords"] = dict(loaded.passwords)
            result["leads"] = loaded.leads
    st.session_state["setup_done"] = result
    st.rerun()
