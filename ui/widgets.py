"""Shared widgets: the agreement banner and safe text."""

from __future__ import annotations

import re

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
