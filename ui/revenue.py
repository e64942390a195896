"""The revenue section the Reports and Overview pages share: metric cards, a table per rep,
team or source, and its download. Every figure is `sla_core.overview.revenue`'s."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sla_core import exporting
from sla_core.i18n.languages import N_
from sla_core.models import User
from sla_core.overview import revenue
from sla_core.periods import Period
from ui import tables
from ui.data import current_snapshot
from ui.i18n import _, num, pct, period_name
from ui.tables import for_reading

GROUPINGS = {"rep": N_("Rep"), "team": N_("Team"), "source": N_("Source")}
# The labels sla_core gives leads outside every group, in the reader's words.
OUTSIDE = {
    revenue.NONE_LABEL: N_("(none)"),
    revenue.UNASSIGNED: N_("(unassigned)"),
    revenue.NO_TEAM: N_("(no team)"),
}


def cards(total: revenue.Revenue, currency: str) -> None:
    """Five metric cards: won value, pipeline, average deal, win rate, median cycle."""
    won, pipeline, average, rate, cycle = st.columns(5)
    won.metric(
        _("Won value ({currency})").format(currency=currency),
        num(total.won_value),
        delta=_("{count} deals won").format(count=num(total.won)),
        delta_color="off",
        delta_arrow="off",
        border=True,
    )
    pipeline.metric(
        _("Pipeline value ({currency})").format(currency=currency),
        num(total.pipeline_value),
        delta=_("{count} open at the end").format(count=num(total.open)),
        delta_color="off",
        delta_arrow="off",
        border=True,
    )
    average.metric(
        _("Average deal ({currency})").format(currency=currency),
        num(total.avg_deal),
        border=True,
    )
    rate.metric(
        _("Win rate"),
        pct(total.win_rate_pct),
        delta=_("{won} of {closed} closed").format(
            won=num(total.won), closed=num(total.won + total.lost)
        ),
        delta_color="off",
        delta_arrow="off",
        border=True,
    )
    cycle.metric(
        _("Median sales cycle"),
        "—" if total.cycle_days is None else _("{days} days").format(days=num(total.cycle_days, 1)),
        border=True,
    )


# Figures that may not exist (no deal closed, none won): text, "—" when missing (a grid shows
# a missing number as "None"), in the reader's digits.
MAYBE = {"avg_deal": 2, "win_rate_pct": 1, "cycle_days": 1}


def readable(table: pd.DataFrame, by: str) -> pd.DataFrame:
    """The table in the reader's words and digits: the group column named for the grouping,
    the outside-every-group labels translated, money to the cent, a missing figure "—"."""
    shown = table.assign(
        group=table["group"].map(lambda v: _(OUTSIDE[v]) if v in OUTSIDE else v),
        won_value=table["won_value"].round(2),
        pipeline_value=table["pipeline_value"].round(2),
        **{
            name: table[name].map(lambda v, places=places: num(None if pd.isna(v) else v, places))
            for name, places in MAYBE.items()
        },
    )
    return for_reading(shown.rename(columns={"group": by}))


def section(
    *,
    people: pd.DataFrame,
    period: Period,
    currency: str,
    key: str,
    exportable: bool,
    actor: User,
    team: str | None = None,
) -> None:
    """The revenue of `period` as cards, a table by rep, team or source, and its CSV."""
    st.caption(
        _(
            "{period}, counted by close date. Pipeline: the opportunities still open at the "
            "period's end (now, while it runs). Win rate: won out of won and lost. Sales "
            "cycle: the median days from a won lead's creation to its close."
        ).format(period=period_name(period))
    )
    names = {grouping: _(name) for grouping, name in GROUPINGS.items()}  # in this run's language
    by = (
        st.segmented_control(
            _("Revenue by"),
            list(GROUPINGS),
            format_func=names.__getitem__,
            default="rep",
            key=f"{key}_by",
        )
        or "rep"
    )
    snap = current_snapshot()
    total, table = revenue.memo_figures(
        snap.frame, period, by, people, team=team, actor=actor, memo=snap.memo
    )
    cards(total, currency)
    if table.empty:
        st.info(_("No deal was won, lost or open in this period."))
        return
    tables.dataframe(readable(table, by), hide_index=True, key=f"{key}_table")
    if exportable:
        st.download_button(
            _("Download the revenue table (CSV)"),
            data=lambda: exporting.safe_csv(table),
            file_name=f"revenue_{period.label}_by_{by}.csv",
            mime="text/csv",
            on_click="ignore",
            key=f"{key}_csv",
        )
