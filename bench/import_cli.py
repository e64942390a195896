"""Benchmark: a million-row HubSpot export through the CLI, as a user runs it, then again.

Run by hand:  .venv/bin/python bench/import_cli.py [--rows N] [--database-url URL]
Each import is `python -m sla_core import FILE --json` in a fresh process (layout detected
from the headers, owners created as they come): wall time, exit status and counts.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from bench import hubspot_csv  # noqa: E402
from sla_core import db  # noqa: E402


def _cli(url: str, *args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    env = {**os.environ, "DATABASE_URL": url}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "sla_core", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    return time.perf_counter() - start, done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a fresh SQLite file)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="leadpact-bench-") as tmp:
        folder = Path(tmp)
        csv = hubspot_csv.write(folder / "contacts.csv", args.rows)
        size = csv.stat().st_size / 2**20
        with ExitStack() as stack:
            if args.database_url:
                schema = f"bench_{uuid.uuid4().hex[:8]}"
                engine = stack.enter_context(db.scratch_schema(args.database_url, schema))
            else:
                engine = db.make_engine(f"sqlite:///{folder / 'bench.db'}")
                db.migrate(engine)
            url = engine.url.render_as_string(hide_password=False)
            _cli(url, "users", "add", "root", "--role", "admin", "--password", "Bench#12345")
            print(f"{args.rows:,} rows, {size:,.0f} MiB, into {url.split(':')[0]}")
            for label in ("import (new file)", "re-import (unchanged)"):
                seconds, done = _cli(url, "import", str(csv), "--json")
                if done.returncode not in (0, 3):
                    print(done.stdout[-500:], done.stderr[-2000:])
                    return 1
                out = json.loads(done.stdout)
                counts = f"{out['new']:,} new, {out['changed']:,} changed, {out['unchanged']:,} unchanged, {out['rejected']:,} rejected"
                print(f"{label:<24}{seconds:>8.1f} s  exit {done.returncode}  {counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
