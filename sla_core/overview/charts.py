"""Charts as pure functions: data in, an altair chart out (drawing is the page's job)."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from sla_core.charts.parts import ChartParts
from sla_core.i18n.languages import N_

MET = "#2e7d32"
SHORT = "#e07b00"
TRACK = "#e6e6e6"
INK = "#31333f"
MUTED = "#6b6d76"
RADIUS = 100
GAUGE_WIDTH = 2 * RADIUS + 60
GAUGE_HEIGHT = RADIUS + 70


def _clamp(value: float) -> float:
    return max(0.0, min(100.0, value))


def gauge(value: float | None, target: float, title: str) -> ChartParts:
    """A half-donut gauge of a percentage against its target (green when met, orange when not).

    `value` None (nothing due yet) draws an empty track with a dash.
    """
    shown = 0.0 if value is None else _clamp(value)
    met = value is not None and value >= target
    label = "—" if value is None else f"{value:.1f} %"
    return ChartParts(
        shape=("overview_gauge", met, target, title),
        build=lambda: _gauge_shape(met, target, title),
        data={
            "arc": [
                {"part": "value", "share": shown, "order": 0},
                {"part": "rest", "share": 100.0 - shown, "order": 1},
            ],
            "target": [{"t": target}],
            "figure": [{"label": label}],
            "caption": [{"label": f"target {target:g} %"}],
        },
    )


def _gauge_shape(met: bool, target: float, title: str) -> alt.LayerChart:
    # The half donut's centre sits low in the view, with a margin: Streamlit fits the view
    # to the chart's extent, and anything drawn past the view's edge is cut off.
    centre = {"x": alt.value(GAUGE_WIDTH / 2), "y": alt.value(RADIUS + 20)}
    arcs = (
        alt.Chart(alt.NamedData("arc"))
        .mark_arc(innerRadius=RADIUS - 34, outerRadius=RADIUS)
        .encode(
            theta=alt.Theta(
                "share:Q", stack=True, scale=alt.Scale(range=[-math.pi / 2, math.pi / 2])
            ),
            color=alt.Color(
                "part:N",
                scale=alt.Scale(domain=["value", "rest"], range=[MET if met else SHORT, TRACK]),
                legend=None,
            ),
            order=alt.Order("order:Q"),
            tooltip=[alt.Tooltip("share:Q", title="%", format=".1f")],
            **centre,
        )
    )
    # The target as a thin dark tick across the track.
    angle = -math.pi / 2 + math.pi * _clamp(target) / 100
    # at 0 % or 100 % the tick would lie half below the track's flat base: keep it inside
    angle = min(max(angle, -math.pi / 2 + 0.015), math.pi / 2 - 0.015)
    tick = (
        alt.Chart(alt.NamedData("target"))
        .mark_arc(
            innerRadius=RADIUS - 40,
            outerRadius=RADIUS + 6,
            theta=(angle - 0.015) % (2 * math.pi),
            theta2=(angle - 0.015) % (2 * math.pi) + 0.03,
            color=INK,
        )
        .encode(tooltip=[alt.Tooltip("t:Q", title=N_("target %"))], **centre)
    )
    figure = (
        alt.Chart(alt.NamedData("figure"))
        .mark_text(fontSize=26, fontWeight="bold", dy=-32, color=INK)
        .encode(text="label:N", **centre)
    )
    caption = (
        alt.Chart(alt.NamedData("caption"))
        .mark_text(fontSize=12, dy=-8, color=MUTED)
        .encode(text="label:N", **centre)
    )
    layered = alt.LayerChart(layer=[arcs, tick, figure, caption])
    return layered.properties(
        title=alt.TitleParams(title, anchor="middle"), width=GAUGE_WIDTH, height=GAUGE_HEIGHT
    )


def weekly_trend(weeks: pd.DataFrame, title: str = N_("MQLs per week")) -> ChartParts:
    """Bars of MQLs per week from a frame with columns `week` and `mqls`."""
    most = weeks["mqls"].max() if len(weeks) else 0
    top = max(1, int(most) if pd.notna(most) else 0)
    return ChartParts(
        ("weekly_trend", top, title), lambda: _weeks_shape(top, title), {"weeks": weeks}
    )


def _weeks_shape(top: int, title: str) -> alt.Chart:
    chart: alt.Chart = (
        alt.Chart(alt.NamedData("weeks"))
        .mark_bar(color="#4c78a8", cornerRadiusTopLeft=3, cornerRadiusTopRight=3)
        .encode(
            x=alt.X(
                "yearmonthdate(week):O",
                title=N_("week starting"),
                axis=alt.Axis(format="%d %b", labelAngle=0),
            ),
            # whole numbers only: an empty quarter drew "0.000000" on the axis
            y=alt.Y(
                "mqls:Q",
                title="MQLs",
                axis=alt.Axis(format="d", tickMinStep=1),
                scale=alt.Scale(domainMin=0, domainMax=top),
            ),
            tooltip=[
                alt.Tooltip("week:T", title=N_("week of"), format="%d %b %Y"),
                alt.Tooltip("mqls:Q", title="MQLs"),
            ],
        )
        .properties(title=title, height=220)
    )
    return chart
