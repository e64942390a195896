"""Charts are specs: check what they encode, without a browser."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pytest

from sla_core.overview import charts


def _layers(value: float | None, target: float) -> list[dict[str, Any]]:
    spec = charts.gauge(value, target, "Dispositioned in time").to_dict()
    assert spec["title"]["text"] == "Dispositioned in time"
    datasets = spec["datasets"]
    return [{**layer, "rows": datasets[layer["data"]["name"]]} for layer in spec["layer"]]


@pytest.mark.parametrize(
    ("value", "target", "shares", "colour", "label"),
    [
        (87.5, 95, [87.5, 12.5], charts.SHORT, "87.5 %"),
        (97.0, 95, [97.0, 3.0], charts.MET, "97.0 %"),
        (95.0, 95, [95.0, 5.0], charts.MET, "95.0 %"),
        (130.0, 95, [100.0, 0.0], charts.MET, "130.0 %"),  # clamped on the dial, not in text
        (None, 95, [0.0, 100.0], charts.SHORT, "—"),
    ],
)
def test_gauge_fills_the_share_and_colours_by_target(
    value: float | None, target: float, shares: list[float], colour: str, label: str
) -> None:
    arcs, _tick, figure, _caption = _layers(value, target)
    assert [row["share"] for row in arcs["rows"]] == shares
    assert arcs["encoding"]["color"]["scale"]["range"][0] == colour
    assert arcs["encoding"]["theta"]["scale"]["range"] == [-math.pi / 2, math.pi / 2]
    assert figure["rows"][0]["label"] == label


@pytest.mark.parametrize(
    ("target", "angle"),
    # at the ends the tick is drawn just inside the track (its half-width, 0.015 rad)
    [(0, -math.pi / 2 + 0.015), (50, 0.0), (80, 0.3 * math.pi), (100, math.pi / 2 - 0.015)],
)
def test_gauge_target_tick_sits_at_the_target_angle(target: float, angle: float) -> None:
    _arcs, tick, _figure, caption = _layers(50, target)
    middle = tick["mark"]["theta"] + 0.015
    assert math.isclose(math.remainder(middle - angle, 2 * math.pi), 0.0, abs_tol=1e-9)
    assert caption["rows"][0]["label"] == f"target {target:g} %"


def test_weekly_trend_encodes_weeks_and_counts() -> None:
    weeks = pd.DataFrame(
        {"week": pd.to_datetime(["2026-03-02", "2026-03-09"], utc=True), "mqls": [3, 5]}
    )
    spec = charts.weekly_trend(weeks).to_dict()
    assert spec["mark"]["type"] == "bar"
    assert spec["encoding"]["y"]["field"] == "mqls"
    assert spec["encoding"]["x"]["field"] == "week"
    assert [row["mqls"] for row in spec["datasets"][spec["data"]["name"]]] == [3, 5]


def test_weekly_trend_of_empty_weeks_counts_in_whole_numbers() -> None:
    weeks = pd.DataFrame({"week": pd.date_range("2026-09-07", periods=3, freq="7D"), "mqls": 0})
    y = charts.weekly_trend(weeks).to_dict()["encoding"]["y"]
    assert y["axis"]["format"] == "d" and y["axis"]["tickMinStep"] == 1
    assert (y["scale"]["domainMin"], y["scale"]["domainMax"]) == (0, 1)
