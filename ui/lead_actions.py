"""The actions on one lead the work queue and the lead page share: log a touch, disposition.

Both pages draw the same boxes with the same domain calls (`leads.record_touch`,
`leads.disposition`), each keyed by its own `prefix`; every confirmation names the lead, and
the outcome waits for the next run at the page's flash spot (`where`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from sla_core import leads
from sla_core.access import PermissionDenied
from sla_core.db import session_scope
from sla_core.stages import DEFAULT_REASONS, Disposition, IllegalTransition, Stage, TouchKind
from ui.data import STORAGE_ERRORS, current_user, get_engine, storage_problem
from ui.flash import flash
from ui.i18n import _, stage_label
from ui.tables import TOUCHES
from ui.widgets import plain


def run(where: str, action: Callable[..., Any], done: str, **kwargs: Any) -> None:
    """One lead action for the signed-in user (a button's callback); the outcome, `done` or
    the refusal, waits at `where` for the next run."""
    try:
        with session_scope(get_engine()) as session:
            action(session=session, actor=current_user(session), **kwargs)
        flash(where, done)
    except (leads.StaleLead, PermissionDenied, IllegalTransition, ValueError, LookupError) as exc:
        flash(where, plain(exc), kind="error")  # may quote data
    except STORAGE_ERRORS as exc:
        flash(where, storage_problem(exc), kind="error")


def touch_box(where: str, prefix: str, *, lead_id: int, lead_name: str) -> None:
    """A button per kind of touch; `lead_name` is shown through Markdown (escape it first)."""
    with st.container(border=True):
        st.markdown(_("**Log a touch**"))
        kinds = {touch: _(TOUCHES[touch.value]) for touch in TouchKind}
        for column, (touch, label) in zip(st.columns(4), kinds.items(), strict=True):
            column.button(
                label,
                key=f"{prefix}_touch_{touch.value}",
                width="stretch",
                on_click=run,
                args=(
                    where,
                    leads.record_touch,
                    _("{kind} logged on {lead}.").format(kind=label, lead=lead_name),
                ),
                kwargs={"lead_id": lead_id, "kind": touch},
            )


def disposition_box(
    where: str, prefix: str, *, lead_id: int, lead_name: str, stage: Stage, seen: Any
) -> None:
    """Qualify, or disqualify / return to nurture with a reason; `seen`: the lead's state as
    the page showed it (`leads.seen_of`), so a change made meanwhile is refused."""
    with st.container(border=True):
        st.markdown(_("**Disposition** (now {stage})").format(stage=stage_label(stage)))
        qualify, decline = st.columns([1, 3])
        qualify.button(
            _("Qualify"),
            key=f"{prefix}_qualify",
            type="primary",
            on_click=run,
            args=(where, leads.disposition, _("{lead} qualified.").format(lead=lead_name)),
            kwargs={"lead_id": lead_id, "outcome": Disposition.QUALIFY, "seen": seen},
        )
        with decline:
            outcome = st.radio(
                _("Or"),
                [Disposition.DISQUALIFY, Disposition.NURTURE],
                format_func={
                    Disposition.DISQUALIFY: _("Disqualify"),
                    Disposition.NURTURE: _("Return to nurture"),
                }.__getitem__,
                horizontal=True,
                key=f"{prefix}_outcome",
            )
            write_it = _("Other (write it below)")
            # The agreed reasons are stored in English (reports group by them), shown translated.
            said = {r: _(r) for r in DEFAULT_REASONS[outcome]} | {write_it: write_it}
            reason = st.selectbox(
                _("Reason"),
                list(said),
                format_func=said.__getitem__,
                index=None,
                placeholder=_("Choose a reason"),
                key=f"{prefix}_reason",
            )
            other = st.text_input(_("Other reason"), key=f"{prefix}_other_reason")
            given = other if reason == write_it else reason
            st.button(
                _("Save disposition"),
                key=f"{prefix}_decline",
                on_click=run,
                args=(
                    where,
                    leads.disposition,
                    _("Disposition saved for {lead}.").format(lead=lead_name),
                ),
                kwargs={"lead_id": lead_id, "outcome": outcome, "reason": given, "seen": seen},
            )
