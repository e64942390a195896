"""Shared widgets: the agreement banner and safe text."""

from __future__ import annotations

import re
from typing import NoReturn

import streamlit as st

from sla_core.agreement import Governing

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def plain(text: str) -> str:
    """Data shown inside markdown, with markdown (and HTML) characters escaped."""
    return _MARKDOWN.sub(r"\\\1", text)


def agreement_banner(governing: Governing) -> None:
    """Say which agreement version the page measures against, and if it is only a draft."""
    number = governing.version.number
    if governing.signed:
        st.caption(
            f":material/verified: Measured against agreement v{number}, signed and in force."
        )
    else:
        st.info(
            f"Measured against agreement v{number}, an **unsigned draft**: "
            "the numbers may still change before both teams sign.",
            icon=":material/edit_note:",
        )


def _drawn_above() -> None:
    """Everything on this screen was drawn before the navigation."""


def end_screen() -> NoReturn:
    """Stop after a screen drawn by app.py itself (sign-in, error) behind a hidden navigation.

    Without a navigation call in every run, Streamlit falls back to its old multipage mode
    and lists every file in pages/ in the sidebar.
    """
    st.navigation([st.Page(_drawn_above, title="LeadPact")], position="hidden").run()
    st.stop()
    raise RuntimeError("unreachable")
