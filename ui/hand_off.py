"""The hand-off's state for managers: the unassigned backlog and the reps over the cap.

Read by Routing and Compliance from the routing domain (`route_run.backlog`,
`route_run.reps_over_cap`): one count, one rule, both pages.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.marketing import route_run
from ui import tables
from ui.data import current_snapshot, get_engine
from ui.i18n import _, num


def read(high: int) -> tuple[route_run.Backlog, pd.DataFrame]:
    """The backlog and the reps over the monthly max (`high`, the agreement's), once per
    data revision and minute (the month turns at a minute in the organisation's zone); a
    write that leaves what they count alone (`route_run.HAND_OFF_READS`: a touch) keeps them."""

    def compute() -> tuple[route_run.Backlog, pd.DataFrame]:
        with session_scope(get_engine()) as session:
            return route_run.backlog(session=session), route_run.reps_over_cap(session=session)

    minute = int(now().timestamp() // 60)
    found: tuple[route_run.Backlog, pd.DataFrame] = current_snapshot().memo(
        ("hand_off_state", high), compute, stamp=minute, reads=route_run.HAND_OFF_READS
    )
    return found


def oldest_text(waiting: route_run.Backlog) -> str:
    """How long the oldest unassigned MQL has waited, in words ("—" when none waits)."""
    if waiting.oldest_age_days is None:
        return num(None)
    return _("{days} days").format(days=num(waiting.oldest_age_days, 1))


def show_over_cap(over: pd.DataFrame, high: int, *, key: str) -> None:
    """The reps holding more than the monthly max (`high`), when there are any."""
    if over.empty:
        return
    st.warning(
        _("{n} reps hold more than the monthly max of {high} this month.").format(
            n=num(len(over)), high=num(high)
        )
    )
    tables.dataframe(
        over,
        hide_index=True,
        key=key,
        column_order=["name", "month", "over"],
        column_config={
            "id": None,
            "name": _("Rep"),
            "month": _("Leads this month"),
            "over": _("Above the max by"),
        },
    )


def show_backlog(high: int) -> None:
    """Compliance's view of the hand-off: the backlog, its oldest, the reps over `high`."""
    waiting, over = read(high)
    count_col, oldest_col = st.columns(2)
    count_col.metric(_("Unassigned MQLs"), num(waiting.count), border=True)
    oldest_col.metric(_("Oldest unassigned MQL waits"), oldest_text(waiting), border=True)
    show_over_cap(over, high, key="compliance_over_cap")
