"""Benchmark: a rerun of the compliance page (AppTest) over the demo data.

Run by hand:  .venv/bin/python bench/compliance_page.py [--leads 10000] [--runs 5]
Target (issue 7): the page's rerun <= 250 ms (printed beside the same page with 10,000 leads).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from sla_core import db  # noqa: E402
from sla_core.access import system_actor
from sla_core.db import session_scope  # noqa: E402
from sla_core.demo import world
from sla_core.models import Role  # noqa: E402
from sla_core.people import users

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "Bench#2026x"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from streamlit.testing.v1 import AppTest

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        engine = db.make_engine(url)
        db.migrate(engine)
        world.load_demo(actor=system_actor(), engine=engine, leads=args.leads)
        with session_scope(engine) as session:
            users.create_user(actor=system_actor(), session=session, username="bench", name="Bench",
                              role=Role.SALES_MANAGER, password=PASSWORD)  # fmt: skip
        engine.dispose()
        os.environ["DATABASE_URL"] = url
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
        at.text_input[0].input("bench")
        at.text_input[1].input(PASSWORD)
        next(b for b in at.button if b.label == "Sign in").click().run()
        at.switch_page("pages/compliance.py").run()  # first run: loads and scores the leads
        assert not at.exception, at.exception
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - start)
        print(f"compliance page, {args.leads:,} leads: rerun median "
              f"{statistics.median(times) * 1000:.0f} ms (min {min(times) * 1000:.0f}); "
              f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
