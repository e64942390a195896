"""Lead frames for the SLA tests: every lead has a profile that meets the default MQL definition."""

from __future__ import annotations

from typing import Any

import pandas as pd

TIMES = (
    "created_at",
    "mql_at",
    "assigned_at",
    "first_touch_at",
    "dispositioned_at",
    "sql_at",
    "opportunity_at",
    "closed_at",
)
# Scores 100 of 100 under terms.default_mql_definition().
QUALIFYING: dict[str, Any] = {
    "industry": "Software",
    "company_size": 200,
    "department": "Sales",
    "job_title": "VP Sales",
    "technographics": "HubSpot",
    "engagement": 80,
}
DEFAULTS: dict[str, Any] = {
    "stage": "mql",
    "owner_id": 1,
    "marketer_id": 9,
    "touches": 0,
    "first_name": None,
    "last_name": None,
    "email": None,
    "company": None,
}


def sla_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """A lead snapshot from dicts; times are ISO strings in UTC or None."""
    full = [{**DEFAULTS, **QUALIFYING, **dict.fromkeys(TIMES), **row} for row in rows]
    out = pd.DataFrame(full)
    for column in TIMES:
        out[column] = pd.to_datetime(out[column], utc=True, format="ISO8601").astype(
            "datetime64[us, UTC]"
        )
    out["owner_id"] = out["owner_id"].astype("Int64")
    return out
