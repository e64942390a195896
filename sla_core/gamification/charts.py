"""Leaderboard charts as pure functions: a podium and a points trend (drawing is the page's)."""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import numpy as np
import pandas as pd

from sla_core.charts.parts import ChartParts
from sla_core.i18n.languages import N_

GOLD = "#d4a017"
SILVER = "#9ea3a8"
BRONZE = "#b0703c"
PLACES = {1: (N_("1st"), GOLD, 3.0), 2: (N_("2nd"), SILVER, 2.0), 3: (N_("3rd"), BRONZE, 1.4)}
# Podium order left to right: 2nd, 1st, 3rd.
SLOTS = {2: 0, 1: 1, 3: 2}
OTHERS = N_("others")  # the trend's grey lines: everyone not highlighted


def _same(text: str) -> str:
    return text


def one_side(standings: pd.DataFrame, side: str | None = None) -> pd.DataFrame:
    """The standings of one side (each side is ranked on its own): `side`, or the first
    listed. Stored standings carry no side column: their first block of ranks is one side."""
    if standings.empty:
        return standings
    if "side" in standings.columns:
        sides = list(dict.fromkeys(standings["side"].astype(str)))
        keep = side if side in sides else sides[0]
        return standings[standings["side"].astype(str) == keep]
    ranks = standings["rank"].to_numpy()
    restart = np.flatnonzero(ranks[1:] < ranks[:-1])
    return standings.iloc[: restart[0] + 1] if len(restart) else standings


def reader_first(standings: pd.DataFrame, side: str) -> pd.DataFrame:
    """`standings` with the reader's `side` first (each side keeps its order and ranks): a
    marketer reads marketing's ranking at the top, under a podium of marketing's. Stored
    standings carry no side column and keep their order."""
    if standings.empty or "side" not in standings.columns:
        return standings
    others = (standings["side"].astype(str) != side).to_numpy()
    return standings.iloc[others.argsort(kind="stable")]


def podium_frame(standings: pd.DataFrame, side: str | None = None) -> pd.DataFrame:
    """One side's top three as podium steps: slot (left to right), height, colour, labels.
    Only people with points stand on it: early in a period, when nobody has earned any,
    three names ranked by the tie rule alone would read as winners (empty then)."""
    ranked = one_side(standings, side)
    earned = pd.to_numeric(ranked["points"], errors="coerce").fillna(0) > 0
    top = ranked[(ranked["rank"] <= 3) & earned]
    return pd.DataFrame(
        {
            "slot": top["rank"].map(SLOTS).astype("int64"),
            "place": top["rank"].map(lambda r: PLACES[int(r)][0]),
            "height": top["rank"].map(lambda r: PLACES[int(r)][2]),
            "colour": top["rank"].map(lambda r: PLACES[int(r)][1]),
            "name": top["name"].astype(str),
            "points": top["points"].astype(str),
        }
    ).sort_values("slot")


def podium(standings: pd.DataFrame, side: str | None = None) -> ChartParts:
    """One side's first three on a podium (2nd, 1st, 3rd), names and points above the steps."""
    return ChartParts(("podium",), _podium_shape, {"podium": podium_frame(standings, side)})


def _podium_shape() -> alt.LayerChart:
    x = alt.X("slot:O", axis=None, scale=alt.Scale(domain=[0, 1, 2]))
    steps = (
        alt.Chart(alt.NamedData("podium"))
        .mark_bar(size=110, cornerRadiusTopLeft=4, cornerRadiusTopRight=4)
        .encode(
            x=x,
            y=alt.Y("height:Q", axis=None, scale=alt.Scale(domain=[0, 4.2])),
            color=alt.Color("colour:N", scale=None, legend=None),
            tooltip=[
                alt.Tooltip("name:N", title=N_("Name")),
                alt.Tooltip("points:N", title=N_("Points")),
                alt.Tooltip("place:N", title=N_("Rank")),
            ],
        )
    )
    names = steps.mark_text(dy=-26, fontSize=14, fontWeight="bold").encode(text="name:N")
    scores = steps.mark_text(dy=-10, fontSize=12).encode(text="points:N")
    places = (
        alt.Chart(alt.NamedData("podium"))
        .mark_text(fontSize=16, color="white", fontWeight="bold")
        .encode(x=x, y=alt.value(150), text="place:N")
    )
    layered = alt.LayerChart(layer=[steps, names, scores, places])
    chart: alt.LayerChart = layered.properties(height=200)
    return chart


def trend(
    history: pd.DataFrame, highlight: list[str], translate: Callable[[str], str] = _same
) -> ChartParts:
    """Points per period (x) per person or team (a line each); `highlight` ones in colour,
    the others grey (named through `translate`, the page's `_`: a legend's names are data,
    which the page's chart localising leaves)."""
    others = translate(OTHERS)
    data = history[["period", "name", "points"]].copy()
    data["shown"] = data["name"].where(data["name"].isin(highlight), others)
    lines = tuple(highlight)
    return ChartParts(
        ("points_trend", lines, others), lambda: _trend_shape(lines, others), {"points": data}
    )


def _trend_shape(highlight: tuple[str, ...], others: str) -> alt.Chart:
    chart: alt.Chart = (
        alt.Chart(alt.NamedData("points"))
        .mark_line(point=True)
        .encode(
            x=alt.X("period:O", title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("points:Q", title=N_("Points")),
            detail="name:N",
            color=alt.Color(
                "shown:N",
                title=None,
                scale=alt.Scale(
                    domain=[*highlight, others],
                    range=[*alt_palette(len(highlight)), "#d0d0d0"],
                ),
            ),
            tooltip=[
                alt.Tooltip("period:O", title=N_("Period")),
                alt.Tooltip("name:N", title=N_("Name")),
                alt.Tooltip("points:Q", title=N_("Points")),
            ],
        )
        .properties(height=260)
    )
    return chart


def alt_palette(count: int) -> list[str]:
    """Distinct colours for up to ten highlighted lines."""
    base = ["#1f77b4", "#2e7d32", "#e07b00", "#9467bd", "#d62728",
            "#17becf", "#8c564b", "#e377c2", "#bcbd22", "#7f7f7f"]  # fmt: skip
    return base[:count] if count <= len(base) else base + ["#333333"] * (count - len(base))
