"""Charts of the marketing reports: data in, an altair chart out."""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import pandas as pd

from sla_core.i18n.languages import N_

STAGES = ("leads", "mqls", "sqls", "opportunities", "won")
# The funnel's columns as a reader calls them (the bars' names).
STAGE_WORDS = {
    "leads": N_("Leads"),
    "mqls": N_("MQLs"),
    "sqls": N_("SQLs"),
    "opportunities": N_("Opportunities"),
    "won": N_("Won"),
}
DEFINITION_WORDS = {"in_force": N_("in force"), "proposed": N_("proposed")}


def _same(text: str) -> str:
    return text


def stage_bars(table: pd.DataFrame, translate: Callable[[str], str] = _same) -> alt.Chart:
    """The funnel's totals: how many leads reached each stage (named through `translate`,
    the page's `_`: the bars' names are data, which the page's chart localising leaves)."""
    names = [translate(STAGE_WORDS[s]) for s in STAGES]
    totals = pd.DataFrame({"stage": names, "leads": [int(table[s].sum()) for s in STAGES]})
    chart: alt.Chart = (
        alt.Chart(totals)
        .mark_bar()
        .encode(
            x=alt.X("leads:Q", title=N_("Leads")),
            y=alt.Y("stage:N", sort=names, title=None),
            tooltip=[
                alt.Tooltip("stage:N", title=N_("Stage")),
                alt.Tooltip("leads:Q", title=N_("Leads")),
            ],
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
            x=alt.X("conversion_pct:Q", title=N_("conversion, won / leads (%)")),
            y=alt.Y("group:N", sort="-x", title=None),
            tooltip=[
                alt.Tooltip("group:N", title=N_("Group")),
                alt.Tooltip("leads:Q", title=N_("Leads")),
                alt.Tooltip("conversion_pct:Q", title=N_("Conversion %")),
            ],
        )
    )
    return chart


def preview_months(by_month: pd.DataFrame, translate: Callable[[str], str] = _same) -> alt.Chart:
    """Qualifying leads per month: the version in force beside the proposal (the two
    definitions named through `translate`, the page's `_`)."""
    long = by_month.melt(
        id_vars="group", value_vars=["in_force", "proposed"], var_name="definition",
        value_name="mqls",
    )  # fmt: skip
    words = {key: translate(text) for key, text in DEFINITION_WORDS.items()}
    long["definition"] = long["definition"].map(words)
    chart: alt.Chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("group:N", title=N_("month created"), axis=alt.Axis(labelAngle=0)),
            xOffset="definition:N",
            y=alt.Y("mqls:Q", title=N_("qualifying leads")),
            color=alt.Color("definition:N", title=None, legend=alt.Legend(orient="top")),
            tooltip=[
                alt.Tooltip("group:N", title=N_("Month")),
                alt.Tooltip("definition:N", title=N_("Definition")),
                alt.Tooltip("mqls:Q", title=N_("Qualifying leads")),
            ],
        )
        .properties(height=220)
    )
    return chart
