"""Charts of the marketing reports: data in, a chart's parts out (sla_core.charts.parts)."""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import pandas as pd

from sla_core.charts.parts import ChartParts
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


def stage_bars(table: pd.DataFrame, translate: Callable[[str], str] = _same) -> ChartParts:
    """The funnel's totals: how many leads reached each stage (named through `translate`,
    the page's `_`: the bars' names are data, which the page's chart localising leaves)."""
    names = tuple(translate(STAGE_WORDS[s]) for s in STAGES)
    totals = pd.DataFrame({"stage": names, "leads": [int(table[s].sum()) for s in STAGES]})
    return ChartParts(("stage_bars", names), lambda: _stages_shape(names), {"stages": totals})


def _stages_shape(names: tuple[str, ...]) -> alt.Chart:
    chart: alt.Chart = (
        alt.Chart(alt.NamedData("stages"))
        .mark_bar()
        .encode(
            x=alt.X("leads:Q", title=N_("Leads")),
            y=alt.Y("stage:N", sort=list(names), title=None),
            tooltip=[
                alt.Tooltip("stage:N", title=N_("Stage")),
                alt.Tooltip("leads:Q", title=N_("Leads")),
            ],
        )
        .properties(height=180)
    )
    return chart


def conversion_bars(table: pd.DataFrame, top: int = 15) -> ChartParts:
    """Conversion (won / leads, %) of the largest groups."""
    shown = table.nlargest(top, "leads")[["group", "leads", "conversion_pct"]]
    return ChartParts(("conversion_bars",), _conversion_shape, {"groups": shown})


def _conversion_shape() -> alt.Chart:
    chart: alt.Chart = (
        alt.Chart(alt.NamedData("groups"))
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


def preview_months(by_month: pd.DataFrame, translate: Callable[[str], str] = _same) -> ChartParts:
    """Qualifying leads per month: the version in force beside the proposal (the two
    definitions named through `translate`, the page's `_`)."""
    long = by_month.melt(
        id_vars="group", value_vars=["in_force", "proposed"], var_name="definition",
        value_name="mqls",
    )  # fmt: skip
    words = {key: translate(text) for key, text in DEFINITION_WORDS.items()}
    long["definition"] = long["definition"].map(words)
    return ChartParts(("preview_months",), _preview_shape, {"months": long})


def _preview_shape() -> alt.Chart:
    chart: alt.Chart = (
        alt.Chart(alt.NamedData("months"))
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
