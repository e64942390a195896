"""Chart specs for pages, kept per figure, language and data revision in the shared memo;
every caller gets its own copy to draw. A chart's shape is built by altair once per process
(sla_core.charts.parts): a new figure only fills in its data."""

from __future__ import annotations

import copy
from collections.abc import Callable, Collection, Hashable
from typing import Any

from streamlit.dataframe_util import convert_anything_to_arrow_bytes

from sla_core.charts.parts import ChartParts, spec_of
from sla_core.store.memo import Memo
from ui.i18n import chart_spec, language, org_settings


def memo_chart(
    memo: Memo,
    key: tuple[Hashable, ...],
    build: Callable[[], ChartParts],
    *,
    stamp: Hashable = None,
    reads: Collection[str] | None = None,
) -> dict[str, Any]:
    """The Vega-Lite spec of the chart `build()` makes, in this reader's
    language, kept under `key` (which names the figures it draws). The figures themselves
    come from domain functions that checked who asks. The organisation's calendar and zone
    name the chart's dates."""
    org = org_settings()
    spec = memo(
        (*key, language(), org.calendar, org.time_zone),
        lambda: _drawn(chart_spec(spec_of(build()))),
        stamp=stamp,
        reads=reads,
    )
    return copy.deepcopy(spec)


def _drawn(spec: dict[str, Any]) -> dict[str, Any]:
    """`spec` with its datasets as the Arrow bytes Streamlit sends: Streamlit converts a
    chart's data on every draw (2-3 ms a dataset, a page draws up to 23) unless they are
    bytes already, so they are converted here once per figure, by Streamlit's own code."""
    datasets = spec.get("datasets") or {}
    spec["datasets"] = {
        name: rows if isinstance(rows, bytes) else convert_anything_to_arrow_bytes(rows)
        for name, rows in datasets.items()
    }
    return spec
