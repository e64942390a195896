"""The workshop's "Changes and diff" view: what changed between two versions or between
two saved revisions of one draft, section by section and word by word, and who changed what.

The runs come from `sla_core.agreement.changes`; every word people wrote is escaped
(`plain`) before it is marked: added words on green, removed ones struck through on red.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
import streamlit as st

from sla_core.agreement import changes, discussion, resign
from sla_core.agreement.discussion import Change
from sla_core.agreement.wording import Wording
from sla_core.db import session_scope
from sla_core.terms import AgreementContent
from ui import tables
from ui.data import STORAGE_ERRORS, current_user, get_engine, storage_problem
from ui.flash import flash
from ui.i18n import _, _n, language, num, when
from ui.widgets import plain


@dataclass(frozen=True)
class SavedText:
    """One text to compare: a version, or one saved revision of the working draft."""

    label: str
    content: AgreementContent


def _mark(kind: changes.Kind, piece: str) -> str:
    """One line's piece of a run, escaped, marked by kind (spaces kept outside the marks)."""
    core = piece.strip()
    if not core or kind is changes.Kind.SAME:
        return plain(piece)
    lead, tail = piece[: len(piece) - len(piece.lstrip())], piece[len(piece.rstrip()) :]
    if kind is changes.Kind.ADDED:
        return f"{lead}:green-background[{plain(core)}]{tail}"
    return f"{lead}:red-background[~~{plain(core)}~~]{tail}"


def marked(runs: tuple[changes.Run, ...]) -> str:
    """The runs as Markdown, line breaks kept, each line's changed words marked."""
    lines: list[str] = [""]
    for run in runs:
        first, *rest = run.text.split("\n")
        lines[-1] += _mark(run.kind, first)
        lines += [_mark(run.kind, piece) for piece in rest]
    return "  \n".join(lines)


def show_changes(old: SavedText, new: SavedText) -> None:
    """Every section that differs between `old` and `new`, word by word."""
    found = changes.compare(old.content, new.content, Wording(language()))
    if not found:
        st.caption(_("The two texts say the same."))
        return
    said = _n(
        "{count} section changed from {old} to {new}: added words on green, removed ones struck through.",
        "{count} sections changed from {old} to {new}: added words on green, removed ones struck through.",
        len(found),
    )  # fmt: skip
    st.caption(said.format(count=num(len(found)), old=old.label, new=new.label))
    for change in found:
        st.markdown(f"**{plain(change.title)}**")
        st.markdown(marked(change.runs))


def pick_and_compare(choices: list[SavedText], prefix: str) -> None:
    """Two pickers (from, to: the oldest and the newest by default) and their changes."""
    labels = [c.label for c in choices]
    left, right = st.columns(2)
    old = left.selectbox(_("From"), range(len(labels)), index=len(labels) - 1,
                         format_func=labels.__getitem__, key=f"{prefix}_old")  # fmt: skip
    new = right.selectbox(_("To"), range(len(labels)), index=0,
                          format_func=labels.__getitem__, key=f"{prefix}_new")  # fmt: skip
    show_changes(choices[old or 0], choices[new or 0])


def revision_label(number: int, revision: int, who: str | None, at: datetime) -> str:
    """ "Version 2, revision 5 (Mia Marketing, 3 Dec 2026 10:00)"."""
    return _("Version {number}, revision {revision} ({who}, {when})").format(
        number=num(number), revision=num(revision), who=who or "—", when=when(at)
    )


def who_changed_what(log: list[Change]) -> None:
    """The audit of the workshop: when, who, which version, what."""
    st.subheader(_("Who changed what"))
    tables.dataframe(
        pd.DataFrame(
            [
                {
                    _("When"): when(c.at),
                    _("Who"): c.who,
                    _("Version"): c.version,
                    _("What"): _(discussion.action_words(c.action)),
                    _("Detail"): c.detail,
                }
                for c in log
            ]
        ),
        hide_index=True,
        key="ws_changes",
    )


def voided_notices(notices: list[resign.ResignNotice]) -> None:
    """The reader's signatures voided by an edit: what changed since they signed, and a
    button to put the notice away."""
    for notice in notices:
        st.warning(
            _("Version {number} was changed on {when}, after you signed it: your signature was voided. Read what changed, then sign again.").format(
                number=num(notice.version_number), when=when(notice.voided_at)
            ),
            icon=":material/history_edu:",
        )  # fmt: skip
        with st.expander(_("What changed since I signed"), expanded=True):
            if notice.signed is None:
                st.caption(_("The text you signed was saved before each revision was kept: compare the versions under Changes and diff."))  # fmt: skip
            else:
                show_changes(
                    SavedText(_("what you signed"), notice.signed),
                    SavedText(_("version {number} now").format(number=num(notice.version_number)), notice.now),
                )  # fmt: skip
            st.button(_("Got it"), key=f"ws_notice_{notice.id}", on_click=_dismiss,
                      args=(notice.id,))  # fmt: skip


def _dismiss(notice_id: int) -> None:
    try:
        with session_scope(get_engine()) as session:
            resign.dismiss(session=session, notice_id=notice_id, actor=current_user(session))
    except (LookupError, PermissionError) as exc:
        flash("workshop", plain(exc), kind="error")
    except STORAGE_ERRORS as exc:
        flash("workshop", storage_problem(exc), kind="error")
