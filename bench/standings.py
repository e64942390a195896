"""Benchmark: standings for 200 reps over 12 months of 1,000,000 leads.

Run by hand:  .venv/bin/python bench/standings.py [--leads N] [--reps R] [--repeat K]
Target (issue 8): the 12 monthly boards (every rep's and team's standings) within 1 s.
The leads are the demo generator's, two half-years back to back; the work (SLA clocks
once per rules version, then service levels, points and ranks per month) is the same
code the page and `python -m sla_core standings` run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from sla_core.demo.leads import generate  # noqa: E402
from sla_core.demo.life import REP_STYLE, Cast  # noqa: E402
from sla_core.demo.profiles import MARKETER_STYLE  # noqa: E402
from sla_core.gamification import levels  # noqa: E402
from sla_core.gamification.board import Slot, compute_boards  # noqa: E402
from sla_core.gamification.rulebook import PeriodRules  # noqa: E402
from sla_core.periods import parse_period, recent  # noqa: E402
from sla_core.sla import shared_clocks  # noqa: E402
from sla_core.store.bulk import LEAD_TIME_COLUMNS, times_to_utc  # noqa: E402
from sla_core.terms import AgreementContent, Targets  # noqa: E402

REFERENCE = datetime(2026, 12, 31, 23, 0, tzinfo=UTC)
# A million leads over 200 reps is ~400 MQLs per rep a month: lift the routing cap.
BIG_BOOKS = Targets(max_mqls_per_rep=2000)


def make_leads(n: int, reps: int, marketers: int) -> pd.DataFrame:
    """`n` leads over the 12 months before REFERENCE (two demo half-years)."""
    rng = np.random.default_rng(11)
    cast = Cast(
        rep_ids=np.arange(1, reps + 1, dtype=np.int64),
        rep_styles=tuple(rng.choice(list(REP_STYLE), reps)),
        marketer_ids=np.arange(reps + 1, reps + marketers + 1, dtype=np.int64),
        marketer_styles=tuple(rng.choice(list(MARKETER_STYLE), marketers)),
    )
    halves = []
    for seed, ref in ((1, datetime(2026, 7, 1, tzinfo=UTC)), (2, REFERENCE)):
        leads, _ = generate(cast=cast, seed=seed, n=n // 2, reference=ref, targets=BIG_BOOKS)
        halves.append(leads)
    frame = pd.concat(halves, ignore_index=True)
    return times_to_utc(frame, LEAD_TIME_COLUMNS)


def make_people(reps: int, marketers: int) -> pd.DataFrame:
    ids = np.arange(1, reps + marketers + 1)
    return pd.DataFrame(
        {
            "id": ids,
            "name": [f"Person {i:03d}" for i in ids],
            "role": ["sales_rep"] * reps + ["marketer"] * marketers,
            "team_id": pd.array(np.where(ids <= reps, (ids - 1) % 10 + 1, 11), dtype="Int64"),
            "team": [f"Team {t}" for t in np.where(ids <= reps, (ids - 1) % 10 + 1, 11)],
            "joined_at": pd.Timestamp("2025-01-01", tz="UTC"),
        }
    )


def twelve_boards(leads: pd.DataFrame, people: pd.DataFrame, split: list[float]) -> list[int]:
    """The standings of the 12 months of 2026: the measured work (clocks, then the boards)."""
    tic = time.perf_counter()
    rules = PeriodRules(AgreementContent(), 1, 1, True)
    prepared = leads
    clocks = shared_clocks.clocks_for(prepared, rules.content, REFERENCE, None)
    split.append(time.perf_counter() - tic)
    periods = recent(parse_period("2026-12"), 12)
    masks = levels.period_masks(prepared, periods)
    none = pd.Series(dtype="int64")
    slots = [Slot(p, rules, none, clocks, m) for p, m in zip(periods, masks, strict=True)]
    return [len(board.people) for board in compute_boards(prepared, people, slots, REFERENCE)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    leads = make_leads(args.leads, args.reps, 20)
    people = make_people(args.reps, 20)
    print(f"generated {len(leads):,} leads in {time.perf_counter() - started:.1f} s")  # noqa: T201
    timings: list[float] = []
    clocks: list[float] = []
    cpu: list[float] = []
    for _ in range(args.repeat):
        tic, cpu_tic = time.perf_counter(), time.process_time()
        sizes = twelve_boards(leads, people, clocks)
        timings.append(time.perf_counter() - tic)
        cpu.append(time.process_time() - cpu_tic)
    boards = [t - c for t, c in zip(timings, clocks, strict=True)]
    print(  # noqa: T201
        f"12 monthly boards, {args.reps} reps + 20 marketers, {len(leads):,} leads: "
        f"median {statistics.median(timings):.3f} s, best {min(timings):.3f} s (target <= 1 s)\n"
        f"  of which SLA clocks (sla.clocks.lead_clocks): best {min(clocks):.3f} s; "
        f"levels, points and ranks of the 12 months: best {min(boards):.3f} s\n"
        f"  CPU time of the process: best {min(cpu):.3f} s (wall time suffers on a shared box)\n"
        f"  people per board {sizes}; load average {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
