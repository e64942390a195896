"""A Compliance list cut at its first leads shows the same leads, in the same order, as the
whole list's head (`views.attention` picks them before the Work queue's ordering)."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from sla_core.sla import views

REF = datetime(2026, 12, 6, 12, tzinfo=UTC)


def _world(rng: np.random.Generator, n: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    ids = rng.permutation(np.arange(1, n + 1))
    leads = pd.DataFrame(
        {
            "id": ids,
            "first_name": rng.choice(["Ann", "Bob", None], n),
            "last_name": rng.choice(["Lee", ""], n),
            "email": [f"l{i}@x.io" for i in ids],
            "company": rng.choice(["Acme", "Hooli"], n),
            "stage": rng.choice(["mql", "sal"], n),
            "owner_id": pd.array(rng.integers(1, 4, n), dtype="Int64"),
        }
    )
    # deadlines on a coarse grid, so that many share one (then the id decides), some none
    hours = rng.integers(-30, 30, n).astype(float)
    deadline = pd.Series(pd.Timestamp(REF) + pd.to_timedelta(hours, unit="h"))
    deadline[rng.random(n) < 0.1] = pd.NaT
    clocks = pd.DataFrame(
        {
            "open": rng.random(n) < 0.9,
            "next_deadline": deadline,
            "status": rng.choice(["at_risk", "breached", "on_track", None], n),
            "follow_ups_made": rng.integers(0, 3, n),
            "follow_ups_required": 2,
            "reassign": rng.random(n) < 0.1,
        }
    )
    return leads, clocks


@pytest.mark.parametrize("status", ["at_risk", "breached"])
def test_a_cut_list_is_the_head_of_the_whole_list(status: str) -> None:
    rng = np.random.default_rng(abs(hash(status)) % 2**32)
    for _ in range(30):
        n = int(rng.integers(0, 400))
        leads, clocks = _world(rng, n)
        scope = rng.random(n) < 0.8
        whole = views.attention(leads, clocks, REF, scope, status, limit=10**9)
        limit = int(rng.integers(1, 60))
        cut = views.attention(leads, clocks, REF, scope, status, limit=limit)
        assert cut.total == whole.total == len(whole.shown)
        pd.testing.assert_frame_equal(cut.shown, whole.shown.head(limit))
