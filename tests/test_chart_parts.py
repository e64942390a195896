"""A chart drawn from its kept shape with new data is the chart altair builds whole.

The pages draw `spec_of(parts)`: altair builds a shape once per process, later figures of
the same shape only fill in the data. If a builder's shape left out something its chart
is built from (a band's colour, a scale's top, a highlighted name), the second figure
would be drawn with the first one's look: these tests draw figures in a row through the
kept shapes and compare each with altair's whole build of the same figure.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

import pandas as pd
import pytest

from sla_core.charts import parts as chart_parts
from sla_core.charts.parts import ChartParts, spec_of
from sla_core.gamification import charts as board_charts
from sla_core.overview import charts as overview_charts
from sla_core.sla import charts as sla_charts

BANDS = ("green", "amber", "red", "none")
LEVELS = ("disposition", "follow_up", "unworked", "opportunities", "conversion")


def _level_gauge(rng: random.Random) -> ChartParts:
    level = rng.choice(LEVELS)
    value = rng.choice([None, 0.0, 12.5, 87.0, 100.0, 340.0])
    row = {"level": level, "value": value, "target": rng.choice([0, 90, 250]),
           "band": rng.choice(BANDS), "percent": rng.random() < 0.5}  # fmt: skip
    return sla_charts.level_gauge(row, rng.choice(["Dispositioned in time", "Unworked"]))


def _level_trend(rng: random.Random) -> ChartParts:
    periods = [f"2026-{m:02d}" for m in range(1, rng.randint(2, 8))]
    trend = pd.DataFrame(
        {
            "period": [p for p in periods for _ in LEVELS[:2]],
            "level": [lv for _ in periods for lv in LEVELS[:2]],
            "value": [rng.uniform(0, 100) for _ in periods for _ in LEVELS[:2]],
        }
    )
    titles = {"disposition": "Dispositioned", "follow_up": rng.choice(["Followed up", "F"])}
    return sla_charts.trend_lines(trend, titles, rng.choice(["", "By month"]))


def _overview_gauge(rng: random.Random) -> ChartParts:
    value = rng.choice([None, 0.0, 55.5, 90.0, 100.0])
    return overview_charts.gauge(value, rng.choice([0.0, 80.0, 90.0, 100.0]), "In time")


def _weeks(rng: random.Random) -> ChartParts:
    weeks = pd.date_range("2026-10-05", periods=rng.randint(0, 6), freq="W-MON")
    frame = pd.DataFrame({"week": weeks, "mqls": [rng.randint(0, 40) for _ in weeks]})
    return overview_charts.weekly_trend(frame)


def _history(rng: random.Random) -> pd.DataFrame:
    names = ["Ann", "Bob", "Cy", "Di"][: rng.randint(1, 4)]
    return pd.DataFrame(
        {
            "period": [p for p in ("2026-Q3", "2026-Q4") for _ in names],
            "name": names * 2,
            "points": [rng.randint(-5, 60) for _ in range(2 * len(names))],
            "rank": list(range(1, len(names) + 1)) * 2,
        }
    )


def _podium(rng: random.Random) -> ChartParts:
    return board_charts.podium(_history(rng).head(rng.randint(1, 4)))


def _points_trend(rng: random.Random) -> ChartParts:
    history = _history(rng)
    names = history["name"].unique().tolist()
    return board_charts.trend(history, rng.sample(names, rng.randint(1, len(names))))


BUILDERS: dict[str, Callable[[random.Random], ChartParts]] = {
    "level gauge": _level_gauge,
    "level trend": _level_trend,
    "overview gauge": _overview_gauge,
    "weekly trend": _weeks,
    "podium": _podium,
    "points trend": _points_trend,
}


@pytest.fixture(autouse=True)
def _no_kept_shapes() -> Iterator[None]:
    chart_parts._SHAPES.clear()  # noqa: SLF001 - each test starts with nothing built
    yield
    chart_parts._SHAPES.clear()  # noqa: SLF001


@pytest.mark.parametrize("name", BUILDERS)
def test_a_figure_drawn_through_a_kept_shape_is_the_whole_chart(name: str) -> None:
    rng = random.Random(name)
    for _ in range(40):
        parts = BUILDERS[name](rng)
        assert spec_of(parts) == parts.chart().to_dict()


def test_a_new_figure_of_a_kept_shape_is_not_built_again() -> None:
    rng = random.Random(7)
    built: list[tuple[object, ...]] = []
    for _ in range(30):
        parts = _level_gauge(rng)

        def counted(parts: ChartParts = parts) -> object:
            built.append(parts.shape)
            return parts.build()

        spec_of(ChartParts(parts.shape, counted, parts.data))  # type: ignore[arg-type]
    assert len(built) == len(set(built)) < 30


def test_a_drawn_spec_is_the_callers_own() -> None:
    parts = _overview_gauge(random.Random(1))
    first = spec_of(parts)
    first["layer"][0]["mark"]["type"] = "bar"
    first["datasets"]["arc"].clear()
    assert spec_of(parts) == parts.chart().to_dict()
