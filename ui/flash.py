"""The one message after a rerun (a "flash"): an action stores it, the next run shows it once.

A page that writes and then calls `st.rerun()` loses what it drew; `flash(where, text)`
keeps the outcome for the next run and `show_flash(where)` draws it there and forgets it.
`where` names the spot (the page, or a section of it), so two pages never show each
other's message. The text is shown as Markdown: data in it goes through `plain` first.
"""

from __future__ import annotations

from typing import Literal

import streamlit as st

Kind = Literal["success", "info", "warning", "error"]

_PREFIX = "flash:"
_ICONS: dict[str, str] = {
    "success": ":material/check_circle:",
    "info": ":material/info:",
    "warning": ":material/warning:",
    "error": ":material/error:",
}


def _key(where: str) -> str:
    """The session-state key of the message waiting at `where`."""
    return _PREFIX + where


def flash(where: str, text: str, *, kind: Kind = "success", icon: str | None = None) -> None:
    """Keep `text` to show at `where` on the next run (replaces a message waiting there).

    `icon`: a Material icon (":material/name:"); by default the kind's own.
    """
    st.session_state[_key(where)] = (kind, text, icon or _ICONS[kind])


def pending(where: str) -> bool:
    """Whether a message waits at `where` (an action of this run left one)."""
    return _key(where) in st.session_state


def show_flash(where: str) -> None:
    """Draw the message waiting at `where`, if any, and forget it."""
    waiting = st.session_state.pop(_key(where), None)
    if waiting is None:
        return
    kind, text, icon = waiting
    {"success": st.success, "info": st.info, "warning": st.warning, "error": st.error}[kind](
        text, icon=icon
    )
