"""Shared widgets: the agreement banner and safe text."""

from __future__ import annotations

import re
from typing import NoReturn

import streamlit as st

from sla_core.agreement import Governing
from sla_core.i18n.message import Message
from ui.i18n import _, digits

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: object) -> str:
    """Data shown inside Markdown, every Markdown, HTML and Streamlit-directive character escaped.

    The one way user data (names, file names, values from files, error messages quoting
    them) enters st.markdown, st.info, st.error and the like: `![x](http://...)` stays text
    and never makes the browser fetch anything. A domain error (an exception) reads as a
    sentence: sla_core writes its messages for the command line too, starting in lower case.
    """
    shown = str(text)
    if isinstance(text, BaseException):
        shown = said(text)
        shown = shown[:1].upper() + shown[1:]
    return _MARKDOWN.sub(r"\\\1", shown)


def clause(exc: BaseException) -> str:
    """A domain error quoted inside a sentence of the page ("Nothing was changed: {reason}."):
    escaped like `plain`, but as written, not capitalised."""
    return plain(said(exc))


def said(exc: BaseException) -> str:
    """A domain error's reason in the reader's language: sla_core raises a translatable
    Message where it can (the CLI prints the English), anything else as written."""
    reason = exc.args[0] if len(exc.args) == 1 else None
    return _(reason) if isinstance(reason, Message) else str(exc)


def agreement_status(governing: Governing) -> str:
    """The one line saying which agreement version is in force, or that it is a draft."""
    number = governing.version.number
    version = digits(str(number))
    if governing.signed:
        return ":material/verified: " + _("Agreement v{version}, signed and in force").format(
            version=version
        )
    return ":material/edit_note: " + _("Agreement v{version}: unsigned draft").format(
        version=version
    )


def agreement_banner(governing: Governing) -> None:
    """Say which agreement version the page measures against, and if it is only a draft."""
    if governing.signed:
        st.caption(_("Measured against: {status}.").format(status=agreement_status(governing)))
    else:
        st.info(
            _(
                "Measured against: {status}. The numbers may still change before both teams sign."
            ).format(status=agreement_status(governing))
        )


def end_screen() -> NoReturn:
    """Stop after a screen drawn by app.py itself (sign-in, error) behind a hidden navigation.

    Without a navigation call in every run, Streamlit falls back to its old multipage mode
    and lists every file in pages/ in the sidebar.
    """
    from ui.navigation import placeholders

    st.navigation(placeholders(), position="hidden").run()
    st.stop()
    raise RuntimeError("unreachable")
