"""Benchmark: SLA clocks and every gauge for 200 reps from an in-memory lead snapshot.

Run by hand:  .venv/bin/python bench/compliance.py [--leads N] [--reps R] [--office]
Target (issue 7): 1,000,000 leads, clocks and all gauges for 200 reps <= 500 ms.
`--office` runs the clocks on business hours with holidays and a few reps away.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from sla_core import periods  # noqa: E402
from sla_core.demo.leads import generate  # noqa: E402
from sla_core.demo.life import Cast  # noqa: E402
from sla_core.sla.clocks import lead_clocks  # noqa: E402
from sla_core.sla.exemptions import Exemptions, exempt_leads  # noqa: E402
from sla_core.sla.gauges import gauge_table  # noqa: E402
from sla_core.sla.levels import levels_by_scope  # noqa: E402
from sla_core.sla.worktime import AwayPeriod, BusinessHours, WorkSetup, WorkTime  # noqa: E402
from sla_core.store.bulk import LEAD_TIME_COLUMNS, times_to_utc  # noqa: E402
from sla_core.terms import AgreementContent  # noqa: E402

REF = datetime(2026, 5, 20, 15, 0, tzinfo=UTC)


def snapshot(n: int, reps: int) -> tuple[pd.DataFrame, dict[int, int | None]]:
    styles = ("star", "steady", "laggard")
    cast = Cast(
        rep_ids=np.arange(100, 100 + reps, dtype=np.int64),
        rep_styles=tuple(styles[i % 3] for i in range(reps)),
        marketer_ids=np.arange(10, 30, dtype=np.int64),
        marketer_styles=tuple(("volume", "quality", "steady", "junior")[i % 4] for i in range(20)),
    )
    frame, _ = generate(cast=cast, seed=3, n=n, reference=REF)
    team_of: dict[int, int | None] = {100 + i: 1 + i % 8 for i in range(reps)}
    return times_to_utc(frame, LEAD_TIME_COLUMNS), team_of


def everything(
    leads: pd.DataFrame,
    content: AgreementContent,
    setup: WorkSetup,
    team_of: dict[int, int | None],
    exemptions: Exemptions | None = None,
) -> pd.DataFrame:
    """What the compliance page computes: clocks once, then levels and gauges at 3 scopes."""
    period = periods.month_containing(REF)
    clocks = lead_clocks(leads, content, REF, setup, exemptions=exemptions)
    scopes = levels_by_scope(leads, content, period, REF, team_of=team_of, clocks=clocks)
    per_team = pd.Series(team_of).value_counts()
    none = pd.Series(dtype="int64")
    return pd.concat(
        [
            gauge_table(scopes.reps, content, reps=pd.Series(1, scopes.reps.index), marketers=none),
            gauge_table(scopes.teams, content, reps=per_team, marketers=none),
            gauge_table(
                scopes.everyone, content, reps=pd.Series({"all": len(team_of)}), marketers=none
            ),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--office", action="store_true")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    leads, team_of = snapshot(args.leads, args.reps)
    setup = WorkSetup(team_of=team_of)
    if args.office:
        holidays = tuple(date(2026, 1, 1) + timedelta(days=d) for d in range(0, 150, 30))
        away = tuple(
            AwayPeriod(user_id=100 + i, start=date(2026, 5, 4), end=date(2026, 5, 8))
            for i in range(0, args.reps, 20)
        )
        setup = WorkSetup(
            work_time=WorkTime(hours=BusinessHours(), holidays=holidays, away=away),
            zone="Europe/Berlin",
            team_of=team_of,
        )
    content = AgreementContent()
    timings: list[float] = []
    clock_only: list[float] = []
    cached: list[float] = []
    scoring: list[float] = []
    cpu: list[float] = []
    for _ in range(args.runs):
        start = time.perf_counter()
        found = exempt_leads(leads, content, setup)
        scoring.append(time.perf_counter() - start)
        start = time.perf_counter()
        lead_clocks(leads, content, REF, setup)
        clock_only.append(time.perf_counter() - start)
        start = time.perf_counter()
        gauges = everything(leads, content, setup, team_of)
        timings.append(time.perf_counter() - start)
        start, start_cpu = time.perf_counter(), time.process_time()
        everything(leads, content, setup, team_of, found)
        cached.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    print(f"leads {len(leads):,}, reps {args.reps}, calendar {'office' if args.office else '24/7'}")
    print(f"MQL scoring (exemptions): median {statistics.median(scoring) * 1000:.0f} ms")
    print(f"clocks only:          median {statistics.median(clock_only) * 1000:.0f} ms")
    print(
        f"clocks + all gauges:  median {statistics.median(timings) * 1000:.0f} ms "
        f"(min {min(timings) * 1000:.0f}, max {max(timings) * 1000:.0f}); {len(gauges):,} gauges"
    )
    print(
        f"the same, exemptions cached per data revision: median "
        f"{statistics.median(cached) * 1000:.0f} ms (min {min(cached) * 1000:.0f}; "
        f"CPU time median {statistics.median(cpu) * 1000:.0f} ms)"
    )
    print(f"load average while running: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")  # fmt: skip


if __name__ == "__main__":
    main()
