"""The sidebar's language switch: English, فارسی, العربية; the choice is saved on the user."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.engine import Engine

from sla_core.db import session_scope
from sla_core.i18n import preference
from sla_core.i18n.languages import NATIVE_NAMES, Language
from sla_core.models import User
from sla_core.people import sessions
from ui.auth import SID
from ui.i18n import _, language, use_language

SWITCH_KEY = "sidebar_language"


def _save(engine: Engine, user_id: int) -> None:
    chosen = Language(st.session_state[SWITCH_KEY])
    with session_scope(engine) as session:
        actor = session.get(User, user_id)
        # a callback runs before the sign-in check: an ended session saves nothing
        live = sessions.live_user_id(session=session, session_id=st.session_state.get(SID) or "")
        if actor is not None and live == user_id:
            preference.set_language(session=session, user_id=user_id, language=chosen, actor=actor)
    use_language(chosen)


def language_switch(engine: Engine, user: User) -> None:
    """A select box of the three languages, each named in itself; a change is saved at once."""
    st.session_state[SWITCH_KEY] = language().value
    st.selectbox(
        _("Language"),
        options=[lang.value for lang in Language],
        format_func=lambda code: NATIVE_NAMES[Language(code)],
        key=SWITCH_KEY,
        on_change=_save,
        args=(engine, user.id),
    )
