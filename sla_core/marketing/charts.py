"""Charts of the marketing reports: data in, an altair chart out."""

from __future__ import annotations

import altair as alt
import pandas as pd

STAGES = ("leads", "mqls", "sqls", "opportunities", "won")


def stage_bars(table: pd.DataFrame) -> alt.Chart:
    """The funnel's totals: how many leads reached each stage."""
    totals = pd.DataFrame({"stage": list(STAGES), "leads": [int(table[s].sum()) for s in STAGES]})
    chart: alt.Chart = (
        alt.Chart(totals)
        .mark_bar()
        .encode(
            x=alt.X("leads:Q", title="leads"),
            y=alt.Y("stage:N", sort=list(STAGES), title=None),
            tooltip=["stage", "leads"],
        )
        .properties(height=180)
    )
    return chart


def conversion_bars(table: pd.DataFrame, top: int = 15) -> alt.Chart:
    """Conversion (won / leads, %) of the largest groups."""
    shown = table.nlargest(top, "leads")[["group", "leads", "conversion_pct"]]
    chart: alt.Chart = (
        alt.Chart(shown)
        .mark_bar()
        .encode(
            x=alt.X("conversion_pct:Q", title="conversion, won / leads (%)"),
            y=alt.Y("group:N", sort="-x", title=None),
            tooltip=["group", "leads", "conversion_pct"],
        )
    )
    return chart


def preview_months(by_month: pd.DataFrame) -> alt.Chart:
    """Qualifying leads per month: the version in force beside the proposal."""
    long = by_month.melt(
        id_vars="group", value_vars=["in_force", "proposed"], var_name="definition",
        value_name="mqls",
    )  # fmt: skip
    long["definition"] = long["definition"].map({"in_force": "in force", "proposed": "proposed"})
    chart: alt.Chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("group:N", title="month created", axis=alt.Axis(labelAngle=0)),
            xOffset="definition:N",
            y=alt.Y("mqls:Q", title="qualifying leads"),
            color=alt.Color("definition:N", title=None, legend=alt.Legend(orient="top")),
            tooltip=["group", "definition", "mqls"],
        )
        .properties(height=220)
    )
    return chart
