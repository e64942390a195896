"""A chart as its shape and its data: the shape is built with altair once per process, and a
new figure only fills in its data.

Building an altair chart costs 30-130 ms: altair wraps every channel in its schema classes
and validates the whole against the Vega-Lite schema. A gauge drawn again after each write
(a touch moves its figure) cannot pay that seven times per page. So a chart builder
returns its parts: the chart over named data (`alt.NamedData`), the `shape` that names
everything that chart is built from (a title, a band's colour, a scale's top), and the
data frames it draws. The same shape is the same spec; only the data differ.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, cast

import altair as alt
import pandas as pd

MOST_SHAPES = 512  # specs kept per process; past it they are all built again as asked


@dataclass(frozen=True)
class ChartParts:
    """A chart: `build()` makes it over the named data in `data`, and makes the same chart
    for the same `shape` (which therefore names all it reads but `data`)."""

    shape: tuple[Hashable, ...]
    build: Callable[[], alt.TopLevelMixin]
    data: Mapping[str, pd.DataFrame | list[dict[str, Any]]]

    def records(self) -> dict[str, list[dict[str, Any]]]:
        """The data as the spec's datasets: a frame converted by altair as it converts
        inline data (dates as text, no NaN); rows of plain numbers and words as they are."""
        out: dict[str, list[dict[str, Any]]] = {}
        for name, rows in self.data.items():
            if isinstance(rows, pd.DataFrame):
                rows = cast(list[dict[str, Any]], alt.to_values(rows)["values"])
            out[name] = rows
        return out

    def chart(self) -> alt.TopLevelMixin:
        """The whole chart with its data (built and validated by altair every time)."""
        return self.build().properties(datasets=self.records())

    def to_dict(self) -> dict[str, Any]:
        """The Vega-Lite spec a page draws (`spec_of`)."""
        return spec_of(self)


_SHAPES: dict[tuple[Hashable, ...], dict[str, Any]] = {}


def spec_of(parts: ChartParts) -> dict[str, Any]:
    """The Vega-Lite spec of `parts.chart()`: its shape's spec, built and validated by
    altair the first time this process draws that shape, with the data filled in."""
    template = _SHAPES.get(parts.shape)
    if template is None:
        if len(_SHAPES) >= MOST_SHAPES:
            _SHAPES.clear()
        template = _SHAPES[parts.shape] = parts.build().to_dict()
    spec = copy.deepcopy(template)
    spec["datasets"] = parts.records()
    return spec
