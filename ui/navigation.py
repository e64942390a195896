"""The page registry: every page once (file, title, icon, section, who may open it, for whom).

`app.py` builds its navigation from `PAGES`; the same entries give the "this page is for"
notices at the addresses a role may not open, and the placeholders drawn under the sign-in
form. Signed out, `/leads` shows the sign-in form (no "Page not found") and, once signed in,
the same address opens Leads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import streamlit as st

from sla_core.access import Permission, can
from sla_core.i18n.languages import N_
from sla_core.models import User
from ui.i18n import _

DAILY, AGREEMENT, PIPELINE, ADMINISTRATION = (
    N_("Daily work"),
    N_("The agreement"),
    N_("Leads in and out"),
    N_("Administration"),
)
SECTIONS = (DAILY, AGREEMENT, PIPELINE, ADMINISTRATION)


def _any(*permissions: Permission) -> Callable[[User], bool]:
    """Who holds at least one of `permissions`."""
    return lambda user: any(can(user, p) for p in permissions)


def _everyone(_user: User) -> bool:
    return True


@dataclass(frozen=True)
class PageSpec:
    """One page: its file under pages/, its title and icon, its section, who opens it."""

    path: str
    title: str
    icon: str
    section: str
    audience: str  # for whom, in words: "{title} is for {audience}."
    opens: Callable[[User], bool]
    hidden: bool = False  # out of the menu: opened by links from other pages

    @property
    def url_path(self) -> str:
        return PurePosixPath(self.path).stem


PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "pages/overview.py",
        N_("Overview"),
        ":material/dashboard:",
        DAILY,
        N_("everyone who signs in"),
        _everyone,
    ),
    PageSpec(
        "pages/leads.py",
        N_("Leads"),
        ":material/table_rows:",
        DAILY,
        N_("sales and marketing"),
        _any(Permission.VIEW_ALL_LEADS, Permission.WORK_OWN_QUEUE),
    ),
    PageSpec(
        "pages/lead.py",
        N_("Lead"),
        ":material/person:",
        DAILY,
        N_("sales and marketing"),
        _any(Permission.VIEW_ALL_LEADS, Permission.WORK_OWN_QUEUE),
        hidden=True,  # one lead: opened from Leads, the queue, Compliance and the Leaderboard
    ),
    PageSpec(
        "pages/compliance.py",
        N_("Compliance"),
        ":material/speed:",
        DAILY,
        N_("sales and marketing"),
        _any(Permission.VIEW_ALL_LEADS, Permission.WORK_OWN_QUEUE),
    ),
    PageSpec(
        "pages/queue.py",
        N_("Work queue"),
        ":material/checklist:",
        DAILY,
        N_("sales reps and sales managers"),
        _any(Permission.WORK_LEADS),
    ),
    PageSpec(
        "pages/leaderboard.py",
        N_("Leaderboard"),
        ":material/trophy:",
        DAILY,
        N_("everyone on the dashboard"),
        _any(Permission.VIEW_DASHBOARD),
    ),
    PageSpec(
        "pages/workshop.py",
        N_("SLA workshop"),
        ":material/handshake:",
        AGREEMENT,
        N_("managers and admins"),
        _any(Permission.EDIT_AGREEMENT),
    ),
    PageSpec(
        "pages/criteria.py",
        N_("MQL criteria"),
        ":material/tune:",
        AGREEMENT,
        N_("managers, marketers and admins"),
        _any(Permission.EDIT_AGREEMENT, Permission.VIEW_ALL_LEADS),
    ),
    PageSpec(
        "pages/targets.py",
        N_("Targets & quotas"),
        ":material/flag:",
        AGREEMENT,
        N_("managers, marketers and admins"),
        _any(Permission.EDIT_AGREEMENT, Permission.VIEW_ALL_LEADS),
    ),
    PageSpec(
        "pages/import_leads.py",
        N_("Import"),
        ":material/upload:",
        PIPELINE,
        N_("marketers, marketing managers and admins"),
        _any(Permission.IMPORT_LEADS),
    ),
    PageSpec(
        "pages/routing.py",
        N_("Routing"),
        ":material/alt_route:",
        PIPELINE,
        N_("sales managers and admins"),
        _any(Permission.ROUTE_LEADS),
    ),
    PageSpec(
        "pages/reports.py",
        N_("Reports"),
        ":material/query_stats:",
        PIPELINE,
        N_("managers, marketers and admins"),
        _any(Permission.VIEW_ALL_LEADS),
    ),
    PageSpec(
        "pages/work_time.py",
        N_("Work time"),
        ":material/schedule:",
        ADMINISTRATION,
        N_("admins"),
        _any(Permission.MANAGE_SETTINGS),
    ),
    PageSpec(
        "pages/users.py",
        N_("Users"),
        ":material/group:",
        ADMINISTRATION,
        N_("admins"),
        _any(Permission.MANAGE_USERS),
    ),
    PageSpec(
        "pages/settings.py",
        N_("Settings"),
        ":material/settings:",
        ADMINISTRATION,
        N_("admins"),
        _any(Permission.MANAGE_SETTINGS),
    ),
)
HOME = PAGES[0]
SETUP = PageSpec(
    "pages/setup.py",
    N_("Set up LeadPact"),
    ":material/rocket_launch:",
    ADMINISTRATION,
    N_("the first admin"),
    _everyone,
)


def page(spec: PageSpec, **options: Any) -> Any:
    """The `st.Page` of one registry entry, titled in the reader's language."""
    if spec.hidden:
        options.setdefault("visibility", "hidden")
    return st.Page(spec.path, title=_(spec.title), icon=spec.icon, **options)


def pages_for(user: User) -> dict[str, list[Any]]:
    """The pages `user`'s role may open, in sections, Overview first; the others say for whom
    they are (hidden pages at their addresses)."""
    sections: dict[str, list[Any]] = {section: [] for section in SECTIONS}
    opened = set()
    for spec in PAGES:
        if spec.opens(user):
            sections[spec.section].append(page(spec, default=spec is HOME))
            opened.add(spec.url_path)
    sections[DAILY].extend(refusals(opened))
    return {_(title): pages for title, pages in sections.items() if pages}


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
        st.Page(
            _refusal(spec.title, spec.audience),
            title=spec.title,
            url_path=spec.url_path,
            visibility="hidden",
        )
        for spec in PAGES
        if spec.url_path not in allowed
    ]


def _drawn_above() -> None:
    """Everything on this screen was drawn before the navigation."""


def placeholders() -> list[Any]:
    """A page drawing nothing at every known address (the sign-in form is drawn above)."""
    first = st.Page(_drawn_above, title=_("LeadPact"), default=True)
    return [first] + [
        st.Page(_drawn_above, title=spec.title, url_path=spec.url_path, visibility="hidden")
        for spec in PAGES
        if spec is not HOME
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
