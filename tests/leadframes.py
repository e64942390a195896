"""Small hand-made lead snapshot frames, shaped like `snapshot.read_leads` returns them."""

from __future__ import annotations

from typing import Any

import pandas as pd

TIME_COLUMNS = (
    "created_at",
    "mql_at",
    "assigned_at",
    "first_touch_at",
    "dispositioned_at",
    "opportunity_at",
    "closed_at",
)
DEFAULTS: dict[str, Any] = {
    "lead_key": "k",
    "stage": "lead",
    "owner_id": None,
    "first_name": None,
    "last_name": None,
    "email": None,
    "company": None,
    "source": None,
    "touches": 0,
}


def frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """A lead frame from dicts; times are ISO strings (UTC) or None."""
    full = [{**DEFAULTS, **dict.fromkeys(TIME_COLUMNS), **row} for row in rows]
    out = pd.DataFrame(full, columns=[*DEFAULTS, *TIME_COLUMNS])
    for column in TIME_COLUMNS:
        out[column] = pd.to_datetime(out[column], utc=True, format="ISO8601").astype(
            "datetime64[us, UTC]"
        )
    out["owner_id"] = out["owner_id"].astype("Int64")
    return out
