"""The revenue section the Reports and Overview pages share: metric cards, a table per rep,
team or source, and its download. Every figure is `sla_core.overview.revenue`'s."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sla_core import exporting
from sla_core.i18n.languages import N_
from sla_core.overview import revenue
from sla_core.periods import (
    Calendar,
    Period,
    PeriodKind,
    month_containing,
    quarter_containing,
)
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


def figures(
    people: pd.DataFrame, period: Period, by: str, team: str | None = None
) -> tuple[revenue.Revenue, pd.DataFrame]:
    """The period's totals and its table by `by` (one team's leads only when `team` is
    given), computed once per data revision (`Shared.memo`)."""
    snap = current_snapshot()
    staff = tuple(zip(people["id"], people["name"], people["team"], strict=True))

    def compute() -> tuple[revenue.Revenue, pd.DataFrame]:
        leads = revenue.deal_rows(snap.frame)
        if team is not None:
            leads = leads[revenue.group_labels(leads, "team", people) == team]
        return revenue.totals(leads, period), revenue.revenue_table(leads, period, by, people)

    return snap.memo(("revenue", period.start, period.end, by, team, staff), compute)


def period_options(
    kind: PeriodKind, ref: pd.Timestamp, zone: str, calendar: Calendar
) -> list[Period]:
    """The months or quarters the Reports offer (`revenue.period_choices`), once per data
    revision and running period."""
    snap = current_snapshot()
    containing = month_containing if kind is PeriodKind.MONTH else quarter_containing
    running = containing(ref, zone=zone, calendar=calendar)
    return snap.memo(
        ("revenue.periods", kind, zone, calendar),
        lambda: revenue.period_choices(snap.frame, kind, ref, zone=zone, calendar=calendar),
        stamp=running.label,
    )


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
    total, table = figures(people, period, by, team)
    cards(total, currency)
    if table.empty:
        st.info(_("No deal was won, lost or open in this period."))
        return
    st.dataframe(readable(table, by), hide_index=True, key=f"{key}_table")
    if exportable:
        st.download_button(
            _("Download the revenue table (CSV)"),
            data=lambda: exporting.safe_csv(table),
            file_name=f"revenue_{period.label}_by_{by}.csv",
            mime="text/csv",
            on_click="ignore",
            key=f"{key}_csv",
        )
