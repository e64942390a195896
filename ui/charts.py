"""Chart specs for pages: built (altair validates, 0.1-0.3 s) once per figure, language and
data revision in the shared memo; every caller gets its own copy to draw."""

from __future__ import annotations

import copy
from collections.abc import Callable, Collection, Hashable
from typing import Any

from sla_core.store.memo import Memo
from ui.i18n import chart_spec, language, org_settings


def memo_chart(
    memo: Memo,
    key: tuple[Hashable, ...],
    build: Callable[[], Any],
    *,
    stamp: Hashable = None,
    reads: Collection[str] | None = None,
) -> dict[str, Any]:
    """The Vega-Lite spec of the chart `build()` makes (an altair chart), in this reader's
    language, kept under `key` (which names the figures it draws). The figures themselves
    come from domain functions that checked who asks. The organisation's calendar and zone
    name the chart's dates."""
    org = org_settings()
    spec = memo(
        (*key, language(), org.calendar, org.time_zone),
        lambda: chart_spec(build().to_dict()),
        stamp=stamp,
        reads=reads,
    )
    return copy.deepcopy(spec)
