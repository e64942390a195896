"""LeadPact: the frame. Page config, first-run setup, sign-in, navigation by role, sidebar."""

from pathlib import Path

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from sla_core import agreement, db, org
from sla_core.agreement.wording import ROLE_NAMES
from sla_core.db import database_url, session_scope
from sla_core.i18n import languages
from sla_core.models import Role
from sla_core.people import first_run
from sla_core.store.process import freeze_imports, give_back_soon
from ui.auth import request_logout, sign_in
from ui.data import current_user, newest_revision, open_engine, warm_up
from ui.i18n import _, remember_org_settings, rtl, use_language
from ui.language import language_switch
from ui.navigation import SETUP, page, pages_for
from ui.rtl import apply_direction
from ui.widgets import agreement_status, end_screen, plain

# the tab icon is a file the app serves itself: a ":material/...:" icon is fetched from Google
FAVICON = Path(__file__).parent / "static" / "favicon.png"
st.set_page_config(page_title="LeadPact", page_icon=str(FAVICON), layout="wide")
freeze_imports()  # the modules' objects stay for good: the collector need not walk them


def main() -> None:
    apply_direction(rtl())  # the browser's or this session's language, for sign-in and setup
    engine = open_engine()
    if engine is None:
        end_screen()
    warm_up(database_url())

    with session_scope(engine) as session:
        set_up = first_run.is_set_up(session=session)
    if not set_up or "setup_done" in st.session_state:
        st.navigation([page(SETUP)], position="hidden").run()
        st.stop()

    _authenticator, signed_in = sign_in(engine)
    if signed_in is None:
        end_screen()

    with session_scope(engine) as session:
        user = current_user(session)
        # the first agreement is drafted with its default texts in this reader's language
        governing = agreement.governing_version(
            session=session, language=languages.parse_language(user.language)
        )
        remember_org_settings(org.load_org_settings(session=session))
    was_rtl = rtl()
    use_language(user.language)
    if rtl() and not was_rtl:
        apply_direction(True)
    chosen = st.navigation(pages_for(user), expanded=True)

    with st.sidebar:
        st.markdown(f"**{plain(user.name)}**")
        st.caption(_(ROLE_NAMES[Role(user.role)]))
        st.caption(agreement_status(governing))
        language_switch(engine, user)
        st.button(
            _("Sign out"), key="sidebar_logout", on_click=request_logout, icon=":material/logout:"
        )

    chosen.run()


try:
    main()
except (SQLAlchemyError, db.DatabaseUnavailable) as exc:
    # The database went away (or refused a write) after start: one line, never a traceback.
    st.error(
        _("The database cannot be used right now: {reason}").format(reason=plain(db.one_line(exc))),
        icon=":material/error:",
    )
finally:
    # what this run's figures freed goes back to the system (not kept for the next peak);
    # at once when the data changed since the last hand-back
    give_back_soon(newest_revision())
