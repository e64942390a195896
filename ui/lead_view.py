"""The lead page's tables in the reader's words: no stored code (snake_case, enum values)
reaches the screen; instants read in the organisation's zone and the reader's calendar."""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Real
from typing import Any

import pandas as pd
import streamlit as st

from sla_core.agreement.wording import CRITERION_NAMES
from sla_core.i18n.languages import N_
from sla_core.sla.lead_file import LeadFile
from sla_core.stages import EventKind
from sla_core.terms import CriterionField
from ui.i18n import _, num, stage_label, when
from ui.tables import TOUCHES, reason_words

LEAD_PAGE = "pages/lead.py"


def open_picked(event: Any, ids: Sequence[int]) -> None:
    """Open the lead page on the row the reader clicked in a single-row selection table."""
    rows = event.selection.rows if event else []
    if rows:
        st.switch_page(LEAD_PAGE, query_params={"id": str(int(ids[rows[0]]))})


def clock_names() -> dict[str, str]:
    return {
        "disposition": _("Disposition"),
        "work": _("First touch"),
        "follow_up": _("Follow-ups"),
    }


def _stage(value: object) -> str:
    return stage_label(str(value)) if value is not None and not pd.isna(value) else "—"


def _event_words(row: pd.Series) -> str:
    """What one event did, in words."""
    kind = EventKind(row["kind"])
    if kind is EventKind.CREATED:
        if row["file"]:
            return _("Imported from {file}").format(file=row["file"])
        return _("Created")
    if kind is EventKind.ASSIGNED:
        if row["owner"]:
            return _("Assigned to {owner}").format(owner=row["owner"])
        return _("Assigned")
    if kind is EventKind.TOUCH:
        touch = row["touch_kind"]
        said = _(TOUCHES[touch]) if touch in TOUCHES else None
        return _("Touch: {kind}").format(kind=said) if said else _("Touch")
    if kind is EventKind.BREACH:
        clock = clock_names().get(str(row["reason"]), "")
        return _("{clock} deadline missed before the lead was reassigned").format(clock=clock)
    moved = _("{before} to {after}").format(
        before=_stage(row["from_stage"]), after=_stage(row["to_stage"])
    )
    if kind is EventKind.DISPOSITION:
        return _("Disposition: {move}").format(move=moved)
    return _("Stage: {move}").format(move=moved)


def events_table(found: LeadFile) -> pd.DataFrame:
    """Every event, newest first: when, what, who, reason."""
    events = found.events.iloc[::-1]
    reason = events["reason"].where(events["kind"] != EventKind.BREACH.value)
    return pd.DataFrame(
        {
            _("When"): [when(t) for t in events["at"]],
            _("What"): [_event_words(row) for _i, row in events.iterrows()],
            _("Who"): [a if a else _("the system") for a in events["actor"].fillna("")],
            _("Reason"): [reason_words(r) for r in reason.fillna("").astype(str)],
        }
    )


def clocks_table(found: LeadFile) -> pd.DataFrame:
    """Each SLA clock: which, whose, its deadline, its state in words."""
    names = clock_names()
    clocks = found.clocks
    return pd.DataFrame(
        {
            _("Clock"): [names.get(c, "") for c in clocks["clock"]],
            _("Owner"): clocks["owner"].fillna("—").tolist(),
            _("Deadline"): [when(t) for t in clocks["deadline"]],
            _("State"): [_(s) for s in clocks["state"]],
        }
    )


def owners_table(found: LeadFile) -> pd.DataFrame:
    """Who owned the lead when."""
    owners = found.owners
    return pd.DataFrame(
        {
            _("Owner"): owners["owner"].tolist(),
            _("From"): [when(t) for t in owners["since"]],
            _("Until"): [when(t) if not pd.isna(t) else _("still") for t in owners["until"]],
        }
    )


def score_table(found: LeadFile) -> pd.DataFrame:
    """The MQL criteria: the lead's value, whether it met each, the points it gave."""
    score = found.score
    return pd.DataFrame(
        {
            _("Criterion"): [_(CRITERION_NAMES[CriterionField(f)]) for f in score["field"]],
            _("Lead's value"): [
                "—" if v is None else (num(float(v)) if isinstance(v, Real) else str(v))
                for v in score["value"]
            ],
            _("Met"): [_("yes") if m else _("no") for m in score["met"]],
            _("Points"): [
                _("{points} of {weight}").format(points=num(p), weight=num(w))
                for p, w in zip(score["points"], score["weight"], strict=True)
            ],
        }
    )


PROFILE = (
    ("lead_key", N_("ID in the CRM")),
    ("email", N_("E-mail")),
    ("company", N_("Company")),
    ("job_title", N_("Job title")),
    ("country", N_("Country")),
    ("source", N_("Source")),
    ("campaign", N_("Campaign")),
    ("created_at", N_("Created")),
    ("mql_at", N_("MQL since")),
    ("assigned_at", N_("Assigned")),
    ("touches", N_("Touches")),
    ("deal_value", N_("Deal value")),
)


def profile_table(found: LeadFile) -> pd.DataFrame:
    """The lead's profile as two columns: what, value (empty values left out)."""
    rows = []
    for field, label in PROFILE:
        value = found.lead.get(field)
        if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
            continue
        if isinstance(value, pd.Timestamp):
            shown = when(value)
        elif isinstance(value, Real):
            shown = num(float(value))  # numpy's integers too
        else:
            shown = str(value)
        rows.append({_("What"): _(label), _("Value"): shown})
    return pd.DataFrame(rows, columns=[_("What"), _("Value")])
