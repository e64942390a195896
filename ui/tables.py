"""Tables for people: headers, stages, clock states and times in the reader's words and
language, columns in reading order (sla_core's frames use column names and state keys).

Every table a page shows goes through `dataframe` / `data_editor` here (tests/test_house.py
checks it): Persian and Arabic readers get their digits and separators, their calendar and
the organisation's zone in every cell, the code's default words translated, "—" for nothing,
the columns right to left; English readers keep real numbers and datetimes (they sort).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from sla_core.gamification import badges
from sla_core.i18n.languages import N_
from sla_core.i18n.message import Message
from sla_core.marketing.closed_loop import LATER
from sla_core.stages import DEFAULT_REASONS, STAGE_LABELS, Stage
from ui import cells
from ui.i18n import _, each_once, local_times, messages_in_words, reading_order, stage_label

# Column names sla_core frames use, as a reader calls them.
HEADERS = {
    "id": N_("ID"),
    "name": N_("Name"),
    "email": N_("E-mail"),
    "company": N_("Company"),
    "owner": N_("Owner"),
    "stage": N_("Stage"),
    "source": N_("Source"),
    "status": N_("Status"),
    "met": N_("Met"),
    "disposition": N_("Disposition"),
    "worked": N_("Worked"),
    "follow_up": N_("Follow-up"),
    "touches": N_("Touches"),
    "next_deadline": N_("Deadline"),
    "hours_left": N_("Hours left"),
    "follow_ups_required": N_("Required"),
    "created_at": N_("Created"),
    "mql_at": N_("MQL since"),
    "assigned_at": N_("Assigned"),
    "rep_away": N_("Rep away"),
    "countdown": N_("Countdown"),
    "reassign": N_("Reassign"),
    # the closed-loop reports (sla_core.marketing.closed_loop)
    "group": N_("Group"),
    "leads": N_("Leads"),
    "mqls": N_("MQLs"),
    "sqls": N_("SQLs"),
    "opportunities": N_("Opportunities"),
    "won": N_("Won"),
    "lost": N_("Lost"),
    "nurture": N_("Nurture"),
    "disqualified": N_("Disqualified"),
    "conversion_pct": N_("Conversion %"),
    "mql_to_won_pct": N_("MQL to won %"),
    "win_rate_pct": N_("Win rate %"),
    "milestone": N_("Milestone"),
    "median_days": N_("Median days"),
    "mean_days": N_("Mean days"),
    "reason": N_("Reason"),
    "share_pct": N_("Share %"),
    "marketer": N_("Marketer"),
    "dispositioned": N_("Dispositioned"),
    "accepted": N_("Accepted"),
    "target": N_("Target"),
    "target_pct": N_("% of target"),
    "acceptance_pct": N_("Acceptance %"),
    # revenue (sla_core.overview.revenue)
    "rep": N_("Rep"),
    "team": N_("Team"),
    "won_value": N_("Won value"),
    "open": N_("Open at the end"),
    "pipeline_value": N_("Pipeline value"),
    "avg_deal": N_("Average deal"),
    "cycle_days": N_("Median cycle (days)"),
    # the points trace (sla_core.gamification.trace)
    "dispositioned_at": N_("Dispositioned"),
    "disposition_reason": N_("Reason"),
    "opportunity_at": N_("Opportunity opened"),
    "closed_at": N_("Closed"),
    "counted": N_("Counted as"),
    "exempt": N_("Exempt"),
    "at": N_("When"),
    "kind": N_("What"),
    "touch": N_("Touch"),
    "from": N_("From"),
    "to": N_("To"),
    "by": N_("By"),
    # the daily report (sla_core.sla.daily)
    "opened": N_("Opportunities opened"),
    "breached": N_("Breached"),
}
# States of the SLA clocks (sla_core.sla.clocks.ClockStatus).
STATES = {
    "not_started": N_("not started"),
    "exempt": N_("exempt"),
    "met": N_("met"),
    "on_track": N_("on track"),
    "at_risk": N_("at risk"),
    "breached": N_("breached"),
}
STATE_COLUMNS = ("status", "disposition", "worked", "follow_up", "counted")
STAGE_COLUMNS = ("stage", "from", "to")
# Columns of disposition reasons (sla_core.stages.DEFAULT_REASONS or the team's own).
REASON_COLUMNS = ("reason", "disposition_reason")
# What a lead's history records (sla_core.stages.EventKind) and the ways a rep reaches a
# lead (TouchKind), as a reader calls them.
EVENTS = {
    "created": N_("Created"),
    "assigned": N_("Assigned"),
    "touch": N_("Touch"),
    "stage": N_("Stage change"),
    "disposition": N_("Disposition"),
    "breach": N_("Missed before a reassignment"),
}
TOUCHES = {
    "call": N_("Call"),
    "email": N_("E-mail"),
    "meeting": N_("Meeting"),
    "voicemail": N_("Voicemail"),
}


def _in_words(values: pd.Series, words: dict[str, str]) -> pd.Series:
    """`values` whose keys `words` knows, in the reader's words (the others as they are)."""
    return each_once(values.astype("string"), lambda v: _(words[v]) if v in words else v)


_DEFAULT_REASONS = frozenset(r for listed in DEFAULT_REASONS.values() for r in listed)


def reason_words(value: object) -> object:
    """A disposition reason for this reader: the code's own reasons (DEFAULT_REASONS) in the
    reader's words; a team's own reason stays as typed."""
    return _(value) if isinstance(value, str) and value in _DEFAULT_REASONS else value


def _text(values: pd.Series) -> bool:
    """Whether a column holds text (words to translate), not ticks, numbers or times."""
    dtype = values.dtype
    return bool(
        pd.api.types.is_object_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
        or isinstance(dtype, pd.CategoricalDtype)
    )


def for_reading(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` for this reader: headers, stages and clock states as words ("follow_up" ->
    "Follow-up", "at_risk" -> "at risk"), translated for fa and ar, the default disposition
    reasons translated, instants as local text (`dataframe` puts the columns in reading
    order). Only text columns take words: ticks and numbers stay what they are."""
    names = {s.value: stage_label(s.value) for s in Stage}
    names.update({label: stage_label(s.value) for s, label in STAGE_LABELS.items()})
    names.update({state: _(text) for state, text in STATES.items()})
    changed = {
        column: each_once(frame[column].astype("string"), lambda v: names.get(v, v))
        for column in (*STAGE_COLUMNS, *STATE_COLUMNS)
        if column in frame and _text(frame[column])
    }
    milestones = {name: name for name, _column in LATER}  # the closed-loop's later steps
    for column, words in (("kind", EVENTS), ("touch", TOUCHES), ("milestone", milestones)):
        if column in frame and _text(frame[column]):
            changed[column] = _in_words(frame[column], words)
    if "countdown" in frame:  # "in 10 h", "3 days late": Messages, in the reader's words
        changed["countdown"] = messages_in_words(frame["countdown"])
    for column in REASON_COLUMNS:
        if column in frame:
            changed[column] = frame[column].map(reason_words)
    instants = [c for c in frame.columns if isinstance(frame[c].dtype, pd.DatetimeTZDtype)]
    out = local_times(frame.assign(**changed), instants)
    return out.rename(columns={c: _(HEADERS[c]) for c in out.columns if c in HEADERS})


def _prepared(
    data: object,
    column_config: Mapping[str, Any] | None,
    column_order: Sequence[str] | None,
    editable: Sequence[str] = (),
) -> tuple[object, dict[str, Any] | None, list[str] | None]:
    """The data, column configs and column order a grid shows this reader."""
    if isinstance(data, Styler):  # the caller formats its own cells (and colours them)
        columns = [str(c) for c in data.data.columns]
        order = list(column_order) if column_order is not None else columns
        return data, dict(column_config) if column_config else None, reading_order(order)
    frame = data if isinstance(data, pd.DataFrame) else pd.DataFrame(data)
    formats = {name: cells.format_of(config) for name, config in (column_config or {}).items()}
    frame, shown = frame.copy(), frame.copy()
    if frame.columns.is_unique:  # (a file's own headers may repeat: shown as they are)
        # what a reader edits stays as given: the editor hands it back
        fixed = _in_reader_words(frame.drop(columns=[c for c in editable if c in frame]))
        ids = ("id", "line", _(HEADERS["id"]))
        for column, values in cells.localised(fixed, formats, ids=ids).items():
            frame[column], shown[column] = fixed[column], values
    config = cells.configs(column_config, shown)
    hidden = {name for name, value in (column_config or {}).items() if value is None}
    order = (
        list(column_order)
        if column_order is not None
        else [str(c) for c in shown.columns if c not in hidden]
    )
    return shown, config, reading_order(order)


def _in_reader_words(frame: pd.DataFrame) -> pd.DataFrame:
    """Stages, clock states, events and default reasons in the reader's words (headers kept:
    the column configs name columns by their keys)."""
    return for_reading(frame).set_axis(list(frame.columns), axis="columns")


def _empty_note() -> None:
    st.caption(_("Nothing to show in this table yet."))


def dataframe(
    data: object,
    *,
    where: Any = None,
    column_config: Mapping[str, Any] | None = None,
    column_order: Sequence[str] | None = None,
    instants: Mapping[str, pd.Series] | None = None,
    **options: Any,
) -> Any:
    """`st.dataframe` for this reader (`where` a container such as a tab, else `st`): cells
    in the reader's digits, calendar and words, columns in reading order, "—" for nothing.

    `instants` are the aware instants behind columns `data` already holds as UTC text
    ("2026-05-03 14:05"): fa and ar readers get them in their calendar and digits (in UTC
    still, as the text and its header say). Right to left, the grid opens scrolled to its
    right end (ui/rtl.py), where the first columns stand. An empty table in fa or ar is a
    line of text: the grid writes "empty".
    """
    if instants and not cells.plain() and isinstance(data, pd.DataFrame):
        data = data.assign(**{c: cells.utc_text(v) for c, v in instants.items() if c in data})
    shown, config, order = _prepared(data, column_config, column_order)
    if not cells.plain() and isinstance(shown, pd.DataFrame) and shown.empty:
        _empty_note()
        return None
    options.setdefault("placeholder", cells.NOTHING)
    return (where or st).dataframe(shown, column_config=config, column_order=order, **options)


def data_editor(
    data: pd.DataFrame,
    *,
    where: Any = None,
    column_config: Mapping[str, Any] | None = None,
    column_order: Sequence[str] | None = None,
    disabled: Sequence[str] | bool = False,
    **options: Any,
) -> pd.DataFrame:
    """`st.data_editor` for this reader: the columns nobody edits (`disabled`) read in the
    reader's digits and calendar like `dataframe`; the edited frame comes back with their
    own values, so the caller reads what it gave."""
    locked = list(data.columns) if disabled is True else list(disabled or [])
    editable = [str(c) for c in data.columns if c not in locked]
    shown, config, order = _prepared(data, column_config, column_order, editable)
    edited = (where or st).data_editor(
        shown, column_config=config, column_order=order, disabled=disabled, **options
    )
    kept = [c for c in locked if c in data and c in edited]
    return edited.assign(**{str(c): data[c] for c in kept}) if kept else edited


def _badge_reason(detail: object) -> object:
    """A badge's reason in the reader's words: a stored English reason that a badge sentence
    gives is read back as that sentence (`badges.stored_detail`)."""
    sentence = detail if isinstance(detail, Message) else badges.stored_detail(str(detail))
    return _(sentence) if isinstance(sentence, Message) else detail


def badge_words(frame: pd.DataFrame) -> pd.DataFrame:
    """A badges table's titles, tiers and reasons in the reader's words (a reason a close
    stored as English text is read back as its sentence; any other stays as stored)."""
    words: dict[str, Callable[[Any], object]] = {
        "badge": lambda b: _(b),
        "tier": lambda t: _(badges.TIER_NAMES.get(str(t), str(t))),
        "detail": _badge_reason,
    }
    return frame.assign(**{c: frame[c].map(f) for c, f in words.items() if c in frame})
