"""Benchmark: the criteria preview and routing at scale (issue 6).

Run by hand:  .venv/bin/python bench/rescore.py [--rows N ...]
Targets: rescoring + re-aggregating the preview after a threshold change on 1,000,000 leads
<= 250 ms (printed beside 10,000); routing 100,000 unassigned MQLs to 200 reps <= 2 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from sla_core.marketing import preview, routing  # noqa: E402
from sla_core.terms import default_mql_definition  # noqa: E402

INDUSTRIES = ["Software", "Retail", "Healthcare", "Manufacturing", "Financial Services",
              "Education", "Energy", "Logistics", "Media", "Government"]  # fmt: skip
DEPARTMENTS = ["Sales", "Marketing", "IT", "Operations", "Finance", "HR", "Legal"]
TITLES = ["VP Sales", "Head of IT", "Marketing Manager", "Analyst", "Engineer", "Director Ops",
          "Intern", "Chief Revenue Officer", "Consultant", "Founder"]  # fmt: skip
TECH = ["Salesforce", "HubSpot", "Dynamics 365", "Pipedrive", "Mailchimp", "Zoho; Slack",
        "Salesforce; Slack", "None"]  # fmt: skip
SOURCES = ["Web form", "Paid search", "Webinar", "Event", "Referral", "Content download"]


def leads(n: int, seed: int = 1) -> pd.DataFrame:
    """A synthetic snapshot with the columns the preview reads."""
    rng = np.random.default_rng(seed)

    def pick(values: list[str]) -> pd.Series:
        return pd.Series(np.array(values, dtype=object)[rng.integers(0, len(values), n)],
                         dtype="str")  # fmt: skip

    start = pd.Timestamp("2026-01-01", tz="UTC").value // 1000
    created = start + rng.integers(0, 300 * 86_400_000_000, n)
    return pd.DataFrame(
        {
            "industry": pick(INDUSTRIES),
            "company_size": rng.integers(1, 20_000, n),
            "department": pick(DEPARTMENTS),
            "job_title": pick(TITLES),
            "technographics": pick(TECH),
            "engagement": rng.integers(0, 101, n),
            "source": pick(SOURCES),
            "marketer_id": pd.array(rng.integers(1, 40, n), dtype="Int64"),
            "created_at": pd.to_datetime(created, unit="us", utc=True),
        }
    )


def best_ms(work: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        work()
        times.append((time.perf_counter() - began) * 1000)
    return min(times), statistics.median(times)  # type: ignore[return-value]


def rescore(n: int) -> None:
    frame = leads(n)
    began = time.perf_counter()
    base = preview.prepare(frame, marketers={i: f"Marketer {i}" for i in range(1, 40)})
    prepare_ms = (time.perf_counter() - began) * 1000
    mql = default_mql_definition()
    in_force = preview.scores(base, mql)
    moved = mql.model_copy(update={"threshold": 45})

    def threshold_change() -> object:
        return preview.compare(base, in_force, mql.threshold, preview.scores(base, moved), 45)

    best, median = best_ms(threshold_change)
    print(f"{n:>9,} leads  prepare once {prepare_ms:8.0f} ms   "  # noqa: T201
          f"rescore + re-aggregate: best {best:6.1f} ms, median {median:6.1f} ms")  # fmt: skip


def route(mqls: int, reps: int) -> None:
    rng = np.random.default_rng(2)
    queue = pd.DataFrame(
        {"id": np.arange(mqls), "score": rng.integers(0, 101, mqls),
         "since": rng.integers(0, 10**12, mqls)}
    )  # fmt: skip
    team = pd.DataFrame(
        {"id": np.arange(1, reps + 1), "month": rng.integers(0, 200, reps)}
    )  # fmt: skip
    best, median = best_ms(lambda: routing.plan(queue, team, 40, 1000))
    given = routing.plan(queue, team, 40, 1000)
    after = team["month"] + team["id"].map(given["rep_id"].value_counts()).fillna(0)
    print(f"routing {mqls:,} MQLs to {reps} reps: best {best:.1f} ms, median {median:.1f} ms; "  # noqa: T201
          f"{len(given):,} assigned, loads after {int(after.min())}..{int(after.max())}")  # fmt: skip


def route_in_database(mqls: int, reps: int) -> None:
    """The whole run on SQLite: read the queue, score, plan, claim, write the events."""
    import sqlite3
    import tempfile

    from sla_core import db
    from sla_core.access import system_actor
    from sla_core.clock import now, to_micros
    from sla_core.marketing.route_run import route as route_run

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "route.db"
        engine = db.make_engine(f"sqlite:///{path}")
        db.migrate(engine)
        frame = leads(mqls)
        at = to_micros(now()) - 3_600_000_000
        con = sqlite3.connect(path)
        # routing hands MQLs only to reps placed in a sales team
        team = con.execute("INSERT INTO team (name, kind) VALUES ('Bench', 'sales')").lastrowid
        con.executemany(
            "INSERT INTO user (username, name, role, team_id, active, failed_logins, created_at)"
            " VALUES (?, ?, 'sales_rep', ?, 1, 0, ?)",
            [(f"rep{i}", f"Rep {i}", team, at) for i in range(reps)],
        )
        rows = zip(
            (f"k{i}" for i in range(mqls)), frame["industry"], frame["company_size"].tolist(),
            frame["engagement"].tolist(), strict=True,
        )  # fmt: skip
        con.executemany(
            "INSERT INTO lead (lead_key, industry, company_size, engagement, stage, touches,"
            f" created_at, mql_at) VALUES (?, ?, ?, ?, 'mql', 0, {at}, {at})",
            rows,
        )
        con.commit()
        con.close()
        began = time.perf_counter()
        with db.session_scope(engine) as session:
            result = route_run(session=session, actor=system_actor())
        seconds = time.perf_counter() - began
        engine.dispose()
    print(
        f"routing {mqls:,} MQLs to {reps} reps in SQLite, end to end: {seconds:.2f} s "  # noqa: T201
        f"({result.assigned:,} assigned)"
    )


def qualify_in_database(n: int) -> None:
    """Qualification on SQLite: n leads at stage 'lead', the default criteria."""
    import sqlite3
    import tempfile

    from sla_core import db
    from sla_core.access import system_actor
    from sla_core.clock import now, to_micros
    from sla_core.marketing.qualification import qualify

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "qualify.db"
        engine = db.make_engine(f"sqlite:///{path}")
        db.migrate(engine)
        frame = leads(n)
        at = to_micros(now())
        con = sqlite3.connect(path)
        rows = zip(
            (f"k{i}" for i in range(n)), frame["industry"], frame["company_size"].tolist(),
            frame["department"], frame["job_title"], frame["technographics"],
            frame["engagement"].tolist(), strict=True,
        )  # fmt: skip
        con.executemany(
            "INSERT INTO lead (lead_key, industry, company_size, department, job_title,"
            " technographics, engagement, stage, touches, created_at)"
            f" VALUES (?, ?, ?, ?, ?, ?, ?, 'lead', 0, {at})",
            rows,
        )
        con.commit()
        con.close()
        began = time.perf_counter()
        with db.session_scope(engine) as session:
            result = qualify(session=session, actor=system_actor())
        seconds = time.perf_counter() - began
        engine.dispose()
    print(
        f"qualifying {n:,} leads in SQLite, end to end: {seconds:.2f} s "  # noqa: T201
        f"({result.qualified:,} became MQLs)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="*", default=[10_000, 1_000_000])
    parser.add_argument("--qualify", type=int, default=0, help="also qualify N leads in SQLite")
    parser.add_argument("--route", type=int, default=100_000, help="MQLs to route (200 reps)")
    args = parser.parse_args()
    for n in args.rows:
        rescore(n)
    route(args.route, 200)
    route_in_database(args.route, 200)
    if args.qualify:
        qualify_in_database(args.qualify)


if __name__ == "__main__":
    main()
