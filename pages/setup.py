"""First run: create the first admin and, if wanted, load the demo data."""

import streamlit as st

from sla_core.access import system_actor
from sla_core.db import session_scope
from sla_core.demo import world
from sla_core.exporting import safe_csv
from sla_core.people import first_run, users
from sla_core.people.roster import people_frame
from ui import tables
from ui.data import get_engine
from ui.i18n import _, language, num
from ui.navigation import framed
from ui.widgets import clause, plain

framed()

st.title(_("Welcome to LeadPact"))

done = st.session_state.get("setup_done")
if done is not None:
    st.success(
        _("The admin account **{admin}** is ready.").format(admin=plain(done["admin"])),
        icon=":material/check_circle:",
    )
    if done["demo_error"]:
        st.warning(
            _("The demo data was not loaded: {reason}").format(reason=plain(done["demo_error"])),
            icon=":material/info:",
        )
    if done["passwords"]:
        st.subheader(_("Demo data loaded: {count} leads").format(count=num(done["leads"])))
        st.warning(
            _("These are the demo users' passwords. They are shown only this once: save them now."),
            icon=":material/key:",
        )
        with session_scope(get_engine()) as session:
            people = people_frame(session=session)
        sheet = first_run.login_sheet(done["passwords"], people)
        tables.dataframe(sheet, hide_index=True, key="setup_passwords_table")
        st.caption(_("Copy them with the copy button of the box below, or download them."))
        st.code(first_run.login_text(sheet), language=None)
        st.download_button(
            _("Download the passwords (CSV)"), data=safe_csv(sheet),
            file_name="leadpact-demo-passwords.csv", mime="text/csv",
            key="setup_passwords_csv", on_click="ignore", icon=":material/download:",
        )  # fmt: skip
    if st.button(_("Continue to sign in"), key="setup_continue", type="primary"):
        st.session_state.pop("setup_done", None)
        st.rerun()
    st.stop()

with session_scope(get_engine()) as session:
    already_set_up = first_run.is_set_up(session=session)
if already_set_up:
    st.info(_("LeadPact is already set up. Sign in instead."), icon=":material/login:")
    st.stop()

st.write(
    _(
        "This database has no administrator yet. Create the first admin account; "
        "there is no built-in default password."
    )
)
with st.form("setup_form"):
    username = st.text_input(_("Username"), key="setup_username", placeholder=_("e.g. jane.doe"))
    name = st.text_input(_("Full name"), key="setup_name")
    email = st.text_input(_("E-mail"), key="setup_email")
    password = st.text_input(_("Password"), type="password", key="setup_password")
    again = st.text_input(_("Password again"), type="password", key="setup_password_again")
    st.caption(_("At least 8 characters, with a letter and a digit."))
    load_demo = st.checkbox(
        _("Load the demo data (six months, about 20,000 leads, demo users)"),
        value=True,
        key="setup_load_demo",
    )
    submitted = st.form_submit_button(_("Create admin"), type="primary", key="setup_submit")

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
                actor=system_actor(),
            )
            admin_name = admin.username
    except users.UserError as exc:
        st.error(
            _("Could not create the admin: {reason}.").format(reason=clause(exc)),
            icon=":material/error:",
        )
        st.stop()
    result = {"admin": admin_name, "passwords": {}, "leads": 0, "demo_error": None}
    if load_demo:
        try:
            with st.spinner(_("Loading the demo data…")):
                loaded = world.load_demo(
                    engine=engine,
                    actor=system_actor(),
                    seed=7,
                    leads=20_000,
                    language=language(),
                )
        except ValueError as exc:  # the demo says why in one line and keeps nothing
            result["demo_error"] = str(exc)
        else:
            result["passwords"] = dict(loaded.passwords)
            result["leads"] = loaded.leads
    st.session_state["setup_done"] = result
    st.rerun()
