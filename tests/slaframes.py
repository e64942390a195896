"""Lead frames for the SLA tests: every lead has a profile that meets the default MQL definition."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sla_core.store.snapshot import Delta

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


def applied(rows: list[dict[str, Any]], changes: Any, added: list[dict[str, Any]]) -> Delta:
    """A random write applied to `rows` in place (`changes`: (where, row) pairs, `where`
    taken modulo the rows there; `added`: new rows at the end): the `Delta` a refresh of
    the snapshot would give for it."""
    before = len(rows)
    changed = set()
    for where, row in changes:
        rows[where % before] = row
        changed.add(where % before)
    rows += added
    positions = np.array(sorted(changed) + list(range(before, len(rows))), dtype=np.int64)
    return Delta(positions=positions, appended_from=before, columns=frozenset({"all"}))
