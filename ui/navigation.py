"""Links to pages: every page's address is known even when it may not be opened.

Signed out, `/leads` shows the sign-in form (no "Page not found") and, once signed in, the
same address opens Leads. A page the role may not open says for whom it is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from sla_core.i18n.languages import N_
from ui.i18n import _

# url path -> (title, who may open it); the frame registers the pages themselves.
AUDIENCE: dict[str, tuple[str, str]] = {
    "overview": (N_("Overview"), N_("everyone who signs in")),
    "leads": (N_("Leads"), N_("sales and marketing")),
    "compliance": (N_("Compliance"), N_("sales and marketing")),
    "queue": (N_("Work queue"), N_("sales reps and sales managers")),
    "import_leads": (N_("Import"), N_("marketers, marketing managers and admins")),
    "workshop": (N_("SLA workshop"), N_("managers and admins")),
    "criteria": (N_("MQL criteria"), N_("managers, marketers and admins")),
    "targets": (N_("Targets & quotas"), N_("managers, marketers and admins")),
    "reports": (N_("Reports"), N_("managers, marketers and admins")),
    "routing": (N_("Routing"), N_("sales managers and admins")),
    "leaderboard": (N_("Leaderboard"), N_("everyone on the dashboard")),
    "work_time": (N_("Work time"), N_("admins")),
    "users": (N_("Users"), N_("admins")),
    "settings": (N_("Settings"), N_("admins")),
}


def _refusal(title: str, audience: str) -> Callable[[], None]:
    def refuse() -> None:
        st.error(
            _("{title} is for {audience}.").format(title=_(title), audience=_(audience)),
            icon=":material/block:",
        )

    return refuse


def refusals(allowed: set[str]) -> list[Any]:
    """Hidden pages at the addresses (url paths) the role may not open, each saying for whom."""
    return [
        st.Page(_refusal(title, who), title=title, url_path=path, visibility="hidden")
        for path, (title, who) in AUDIENCE.items()
        if path not in allowed
    ]


def _drawn_above() -> None:
    """Everything on this screen was drawn before the navigation."""


def placeholders() -> list[Any]:
    """A page drawing nothing at every known address (the sign-in form is drawn above)."""
    first = st.Page(_drawn_above, title=_("LeadPact"), default=True)
    return [first] + [
        st.Page(_drawn_above, title=title, url_path=path, visibility="hidden")
        for path, (title, _who) in AUDIENCE.items()
        if path != "overview"
    ]


def framed() -> None:
    """Run this page inside app.py's frame (sign-in, roles, sidebar), never on its own.

    Until some session has called `st.navigation`, Streamlit treats the `pages/` folder as
    an old-style multipage app: the very first request to a fresh server at `/users` ran
    pages/users.py alone, with every file listed in the sidebar. Every page calls this
    first; it switches Streamlit to app.py's navigation (the flag `st.navigation` itself
    clears) and reruns, so the frame signs the person in and then opens the same address.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
