"""Many periods counted in one pass (`levels.levels_by_period`) equal each period counted
alone (`levels.service_levels`), on random leads: one rule, two ways of summing it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sla_core import periods
from sla_core.sla import views
from sla_core.sla.clocks import lead_clocks
from sla_core.sla.levels import LEVEL_COLUMNS, levels_by_period, service_levels
from sla_core.stages import Stage
from sla_core.terms import AgreementContent, Windows
from tests.slaframes import sla_frame

CONTENT = AgreementContent(windows=Windows(disposition_hours=48, work_within_days=5))
REF = datetime(2026, 3, 20, 12, tzinfo=UTC)
START = datetime(2025, 12, 20, tzinfo=UTC)
MONTHS = periods.recent(periods.parse_period("2026-03"), 4)
WEEKS = views.weeks_up_to(REF, 8, zone="UTC", week_start=0)


def instant() -> st.SearchStrategy[str | None]:
    hours = st.integers(0, 24 * 95).map(lambda h: (START + timedelta(hours=h)).isoformat())
    return st.one_of(st.none(), hours, st.sampled_from([m.start.isoformat() for m in MONTHS]))


@st.composite
def lead(draw: st.DrawFn) -> dict[str, Any]:
    row: dict[str, Any] = {
        column: draw(instant())
        for column in ("mql_at", "assigned_at", "first_touch_at", "dispositioned_at", "sql_at",
                       "opportunity_at", "closed_at")
    }  # fmt: skip
    row["stage"] = draw(st.sampled_from([s.value for s in Stage]))
    row["touches"] = draw(st.integers(0, 4))
    row["owner_id"] = draw(st.sampled_from([1, 2, 3, None]))
    row["engagement"] = draw(st.sampled_from([80, 5]))  # 5: exempt (below the threshold)
    row["requalified_at"] = draw(st.sampled_from([None, None, None, "2026-02-01"]))
    return row


def frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    out = sla_frame(rows)
    out["requalified_at"] = pd.to_datetime(out["requalified_at"], utc=True).astype(
        "datetime64[us, UTC]"
    )
    out["stage"] = out["stage"].astype("category")
    return out.assign(id=range(1, len(out) + 1))


@pytest.mark.parametrize("spans", [MONTHS, WEEKS], ids=["months", "weeks"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(lead(), min_size=1, max_size=25))
def test_one_pass_equals_each_period_alone(
    spans: list[periods.Period], rows: list[dict[str, Any]]
) -> None:
    leads = frame(rows)
    clocks = lead_clocks(leads, CONTENT, REF)
    together = levels_by_period(leads, clocks, spans)
    for position, span in enumerate(spans):
        alone = service_levels(leads, CONTENT, span, REF, None, clocks=clocks)
        got = together.loc[position, list(LEVEL_COLUMNS)].to_dict()
        assert got == pytest.approx(alone.loc["all"].to_dict(), nan_ok=True), span.label


def test_trend_of_no_period_is_empty() -> None:
    leads = frame([{"mql_at": "2026-03-02", "requalified_at": None}])
    assert levels_by_period(leads, lead_clocks(leads, CONTENT, REF), []).empty
