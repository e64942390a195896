"""Service-level charts as pure functions: a banded gauge per level, trend lines."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import altair as alt
import pandas as pd

from sla_core.charts.parts import ChartParts
from sla_core.i18n.languages import N_

BAND_COLOURS = {"green": "#2e7d32", "amber": "#f0a202", "red": "#c62828", "none": "#9e9e9e"}
TRACK = "#e6e6e6"
INK = "#31333f"
MUTED = "#6b6d76"
RADIUS = 80
WIDTH = 2 * RADIUS + 50
HEIGHT = RADIUS + 62
PICK = "pick"  # the gauge's selection: a click on it selects its level


def _fill(row: Mapping[str, Any]) -> float:
    """How much of the arc is filled: a percentage, or a count against its target."""
    value, target = row["value"], row["target"]
    if value is None or pd.isna(value):
        return 0.0
    if row["level"] == "unworked":
        return 100.0 if value > 0 else 0.0
    if row["level"] in ("opportunities", "mql_volume"):
        return 100.0 if target <= 0 else min(100.0, 100.0 * value / target)
    return max(0.0, min(100.0, float(value)))


def _label(row: Mapping[str, Any]) -> tuple[str, str]:
    value, target = row["value"], row["target"]
    if value is None or pd.isna(value):
        return "—", f"target {target:g}" + (" %" if row.get("percent") else "")
    if row.get("percent"):
        return f"{value:.1f} %", f"target {target:g} %"
    if row["level"] == "unworked":
        return f"{value:,.0f}", "goal 0"
    return f"{value:,.0f}", f"target {target:,.0f}"


def level_gauge(row: Mapping[str, Any], title: str) -> ChartParts:
    """A half-donut gauge of one service level, coloured by its band (green/amber/red).

    `row`: one row of `gauges.gauge_table` plus `percent` (whether the value is a
    percentage). The arc carries a point selection named "pick" so a click can select it.
    """
    shown = _fill(row)
    figure, caption = _label(row)
    level = row["level"]
    colour = BAND_COLOURS[str(row["band"])]
    return ChartParts(
        shape=("level_gauge", colour, title),
        build=lambda: _gauge_shape(colour, title),
        data={
            "arc": [
                {"part": "value", "share": shown, "order": 0, "level": level},
                {"part": "rest", "share": 100.0 - shown, "order": 1, "level": level},
            ],
            "figure": [{"t": figure}],
            "caption": [{"t": caption}],
        },
    )


def _gauge_shape(colour: str, title: str) -> alt.LayerChart:
    centre = {"x": alt.value(WIDTH / 2), "y": alt.value(RADIUS + 16)}
    pick = alt.selection_point(name=PICK, fields=["level"], on="click")
    arcs = (
        alt.Chart(alt.NamedData("arc"))
        .mark_arc(innerRadius=RADIUS - 26, outerRadius=RADIUS, cursor="pointer")
        .encode(
            theta=alt.Theta(
                "share:Q", stack=True, scale=alt.Scale(range=[-math.pi / 2, math.pi / 2])
            ),
            color=alt.Color(
                "part:N",
                scale=alt.Scale(domain=["value", "rest"], range=[colour, TRACK]),
                legend=None,
            ),
            order=alt.Order("order:Q"),
            **centre,
        )
        .add_params(pick)
    )
    texts = [
        alt.Chart(alt.NamedData("figure"))
        .mark_text(fontSize=22, fontWeight="bold", dy=-26, color=INK)
        .encode(text="t:N", **centre),
        alt.Chart(alt.NamedData("caption"))
        .mark_text(fontSize=11, dy=-6, color=MUTED)
        .encode(text="t:N", **centre),
    ]
    return alt.LayerChart(layer=[arcs, *texts]).properties(
        title=alt.TitleParams(title, anchor="middle", fontSize=13), width=WIDTH, height=HEIGHT
    )


def trend_lines(trend: pd.DataFrame, titles: Mapping[str, str], title: str) -> ChartParts:
    """Lines of the percentage levels per period (from `views.trend`)."""
    data = trend.assign(name=trend["level"].map(titles))
    return ChartParts(("trend_lines", title), lambda: _trend_shape(title), {"trend": data})


def _trend_shape(title: str) -> alt.Chart:
    chart: alt.Chart = (
        alt.Chart(alt.NamedData("trend"))
        .mark_line(point=True)
        .encode(
            x=alt.X("period:O", title=None, sort=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", title="%", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color("name:N", title=None, legend=alt.Legend(orient="bottom")),
            tooltip=[
                alt.Tooltip("period:O", title=N_("Period")),
                alt.Tooltip("name:N", title=N_("Service level")),
                alt.Tooltip("value:Q", title="%", format=".1f"),
            ],
        )
        .properties(title=title, height=240)
    )
    return chart
