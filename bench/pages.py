"""Benchmark: every registered page with 10k and 1M leads, against a bare read_csv (issue 11).

Run by hand:  .venv/bin/python bench/pages.py [--sizes 10000,1000000] [--database-url URL]
              [--folder DIR --reuse] [--pages routing,compliance]

For each size it builds a database by importing the bench's HubSpot-style export (SQLite,
and PostgreSQL when a URL is given), then measures in a fresh process per database, as the
app would run it: sign-in to a rendered Overview (cold: the snapshot is loaded then; then
again as after a restart, from the snapshot the first load kept on disk), the
first render and the rerun of every page app.py registers (the registry in ui/navigation.py),
the app's memory, then the load of all leads and a bare `pd.read_csv` of the same rows
(written from the loaded frame). Times are medians of `--runs` runs; CPU seconds are
printed beside the load and the read because the machine is shared.
Targets: load <= 2x read_csv; sign-in to Overview at 1M <= 3 s; every page rerun at 1M
<= 250 ms and <= 5x its rerun at 10k; every page's rerun right after one lead write at 1M
<= 250 ms; app memory at 1M <= 1 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

APP = ROOT / "app.py"
ADMIN, PASSWORD = "benchadmin", "Bench#12345"


def registered_pages(only: str = "") -> list[str]:
    """Every page of the registry (`ui.navigation.PAGES`) that app.py registers, in its order.

    `only`: a comma-separated list of names ("routing,compliance") keeps just those pages.
    """
    from ui.navigation import PAGES

    pages = [spec.path for spec in PAGES]
    names = {f"pages/{n.strip().removesuffix('.py')}.py" for n in only.split(",") if n.strip()}
    return [p for p in dict.fromkeys(pages) if p != "pages/setup.py" and (not names or p in names)]


def rss_mib() -> tuple[float, float]:
    """This process's resident memory now and at its peak (VmRSS, VmHWM), in MiB.

    Not getrusage's ru_maxrss: that survives execve, so a child started by a parent that
    had just imported a million rows would report the parent's peak as its own.
    """
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    return int(status["VmRSS"].split()[0]) / 1024, int(status["VmHWM"].split()[0]) / 1024


def reader_rss_mib() -> float:
    """Resident memory of the SQLite reader process (0 when there is none), in MiB."""
    from sla_core.store import sqlite_reader

    child = sqlite_reader._READER.child  # noqa: SLF001 - a benchmark may look inside
    if child is None or child.poll() is not None:
        return 0.0
    for line in Path(f"/proc/{child.pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds() -> float:
    """CPU time of this process and of the SQLite reader process it keeps."""
    from sla_core.store import sqlite_reader

    me = resource.getrusage(resource.RUSAGE_SELF)
    total = me.ru_utime + me.ru_stime
    child = sqlite_reader._READER.child  # noqa: SLF001 - a benchmark may look inside
    if child is not None and child.poll() is None:
        fields = Path(f"/proc/{child.pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """Wall seconds, CPU seconds and the value of fn()."""
    cpu, start = cpu_seconds(), time.perf_counter()
    value = fn()
    return time.perf_counter() - start, cpu_seconds() - cpu, value


def median_of(runs: int, fn: Callable[[], Any]) -> tuple[float, float]:
    results = [timed(fn)[:2] for _ in range(runs)]
    return statistics.median(r[0] for r in results), statistics.median(r[1] for r in results)


def measure_start() -> dict[str, Any]:
    """In a fresh process with DATABASE_URL set: the first sign-in of a server just started
    with nothing kept, then of one restarted with its snapshot kept on disk (simulated in
    this process: its memory afterwards is no server's, so the pages are measured apart)."""
    from streamlit.testing.v1 import AppTest

    from sla_core import db
    from ui import data

    out: dict[str, Any] = {}
    # cold: a fresh server, signed in at once (the snapshot loads, altair is imported)
    out["sign-in cold"] = sign_in(AppTest, wait=False)[0]
    out["peak after cold sign-in"] = rss_mib()[1]
    # a restart: the first load kept the snapshot on disk (sla_core/store/snapshot_file);
    # the caches a server starts without are emptied, and a new session signs in at once
    keeper = data._keeper(db.database_url())  # noqa: SLF001 - a benchmark may look inside
    writing = getattr(keeper, "_writing", None)
    if writing is not None:
        writing.join()
    for cached in (data.shared_snapshot, data._latest, data._keeper, data.warm_up):  # noqa: SLF001
        cached.clear()
    out["sign-in restart"] = sign_in(AppTest, wait=False)[0]
    return out


def measure(runs: int, folder: Path, only: str = "") -> dict[str, Any]:
    """In a fresh process with DATABASE_URL set (a server whose snapshot is kept on disk, as
    after `measure_start`): every page's figures and the memory of serving them, then
    load and read_csv."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.csv as pacsv
    from streamlit.testing.v1 import AppTest

    from sla_core import db
    from sla_core.store import snapshot
    from ui import data

    out: dict[str, Any] = {"pages": {}}
    loads: list[str] = []  # which threads loaded the whole snapshot, and when
    read_leads = snapshot.read_leads

    def counted(*args: Any, **kwargs: Any) -> Any:
        loads.append(f"{threading.current_thread().name} at {time.perf_counter() - t0:.1f}s")
        return read_leads(*args, **kwargs)

    t0 = time.perf_counter()
    snapshot.read_leads = counted  # type: ignore[assignment]
    # warm: the server has been up for the few seconds someone takes to type a password
    out["sign-in"], at = sign_in(AppTest, wait=True)
    out["peak after sign-in"] = rss_mib()[1]
    write = rep_writer()
    for page in registered_pages(only):
        first = timed(lambda p=page: at.switch_page(p).run())[0]
        reruns = [timed(at.run)[:2] for _ in range(runs)]
        rerun = statistics.median(r[0] for r in reruns)
        rerun_cpu = statistics.median(r[1] for r in reruns)
        after_write = []
        for _ in range(runs):  # a rep logs a call, then this page runs again
            write()
            after_write.append(timed(at.run)[:2])
        written = statistics.median(r[0] for r in after_write)
        written_cpu = statistics.median(r[1] for r in after_write)
        failed = bool(at.exception)
        out["pages"][page] = (first, rerun, failed, rerun_cpu, written, written_cpu)
        out[f"peak after {page}"] = rss_mib()[1]
    out["app rss"], out["app peak"] = rss_mib()
    out["reader rss"] = reader_rss_mib()
    snapshot.read_leads = read_leads  # type: ignore[assignment]
    out["snapshot loads"] = loads

    engine = data.engine_for(db.database_url())

    def load() -> pd.DataFrame:
        return snapshot.read_leads(engine, columns=snapshot.SNAPSHOT_COLUMNS)

    frame = load()
    out["rows"] = len(frame)
    out["load"] = median_of(runs, load)
    csv = folder / "snapshot.csv"
    table = pa.Table.from_pandas(frame.astype(dict.fromkeys(snapshot.CATEGORY_COLUMNS, "str")))
    pacsv.write_csv(table, csv)
    out["read_csv"] = median_of(runs, lambda: pd.read_csv(csv))
    return out


def rep_writer() -> Callable[[], None]:
    """One lead write as a rep working: each call logs a call on the next of the twenty
    leads handed off last (the ones a rep's queue holds), as the lead's owner (the write a
    page then sees as a new data revision)."""
    from sqlalchemy import text
    from sqlmodel import Session

    from sla_core import db, leads
    from sla_core.models import User
    from ui import data

    engine = data.engine_for(db.database_url())
    with Session(engine) as session:
        picked = session.execute(
            text(
                "SELECT id, owner_id FROM lead WHERE owner_id IS NOT NULL"
                " AND assigned_at IS NOT NULL ORDER BY assigned_at DESC, id LIMIT 20"
            )
        ).all()
    turn = iter(range(10**9))

    def write() -> None:
        lead_id, owner_id = picked[next(turn) % len(picked)]
        with db.session_scope(engine) as session:
            rep = session.get(User, int(owner_id))
            assert rep is not None
            leads.record_touch(session=session, lead_id=int(lead_id), kind="call", actor=rep)

    return write


def sign_in(app_test: Any, *, wait: bool) -> tuple[float, Any]:
    """Seconds from pressing "Sign in" to a rendered Overview, and the session."""
    from sla_core import db
    from ui import data

    at = app_test.from_file(str(APP), default_timeout=600).run()
    if wait:
        data.warm_up(db.database_url()).join()
    at.text_input[0].input(ADMIN)
    at.text_input[1].input(PASSWORD)
    button = next(b for b in at.button if b.label == "Sign in")
    seconds = timed(lambda: button.click().run())[0]
    assert not at.exception and at.metric, f"no Overview after sign-in: {at.exception}"
    return seconds, at


@contextmanager
def database(url: str | None, folder: Path, rows: int, reuse: bool = False) -> Iterator[str]:
    """A database with `rows` imported leads, the file's owners and a bench admin: its URL.

    `reuse` (SQLite only): a `pages_<rows>.db` already in `folder` is used as it is (kept
    from an earlier run with the same `--folder`), instead of being rebuilt.
    """
    from sla_core import db

    if url:
        with db.scratch_schema(url, f"bench_{uuid.uuid4().hex[:8]}") as engine:
            _fill(engine, folder, rows)
            _settle(rows)
            yield engine.url.render_as_string(hide_password=False)
        return
    path = folder / f"pages_{rows}.db"
    if reuse and path.exists():
        print(f"  reusing {path}", flush=True)
        yield f"sqlite:///{path}"
        return
    building = path.with_suffix(".building")  # renamed when complete: --reuse never sees half
    for stale in (path, building):
        stale.unlink(missing_ok=True)
    engine = db.make_engine(f"sqlite:///{building}")
    db.migrate(engine)
    _fill(engine, folder, rows)
    engine.dispose()
    _settle(rows)
    with closing(sqlite3.connect(building)) as raw:  # fold the WAL into the file first
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    building.rename(path)
    yield f"sqlite:///{path}"


def _settle(rows: int) -> None:
    """Wait until the bulk import's stamps are older than a write still committing may be.

    The bench imports without an import batch (`import_1m.import_file`), so nothing tells
    the snapshot refresh that those rows are stored already: for `refresh.IN_FLIGHT` after
    it every lead reads as just written, and each write then reads all of them again (an
    import through the app records its batch, which the refresh leaves out)."""
    from sla_core.store import refresh

    if rows > refresh.MOST_CHANGED_ROWS:
        wait = refresh.IN_FLIGHT.total_seconds() + 5
        print(f"  waiting {wait:.0f} s for the import's stamps to settle", flush=True)
        time.sleep(wait)


def _fill(engine: Any, folder: Path, rows: int) -> None:
    from bench import hubspot_csv, import_1m
    from sla_core.access import system_actor
    from sla_core.db import session_scope
    from sla_core.models import Role
    from sla_core.people.users import create_user

    csv = folder / f"contacts_{rows}.csv"
    if not csv.exists():  # generated in a child process: its memory stays there
        subprocess.run([sys.executable, hubspot_csv.__file__, str(csv), str(rows)], check=True)
    users = import_1m.add_owners(engine)
    with session_scope(engine) as session:
        create_user(
            actor=system_actor(),
            session=session,
            username=ADMIN,
            name="Bench Admin",
            role=Role.ADMIN,
            password=PASSWORD,
        )
    result = import_1m.import_file(engine, csv, users)
    print(f"  imported {result['result'].new:,} leads in {result['total']:.1f} s", flush=True)


def run_child(url: str, runs: int, folder: Path, only: str = "") -> dict[str, Any]:
    kept = folder / "kept"  # the snapshot a server keeps between starts: none at the start
    shutil.rmtree(kept, ignore_errors=True)
    env = {**os.environ, "DATABASE_URL": url, "LEADPACT_SNAPSHOT_DIR": str(kept)}
    out: dict[str, Any] = {}
    for phase in ("--measure-start", "--measure"):  # each in a process of its own
        command = [sys.executable, __file__, phase, "--runs", str(runs), "--folder", str(folder)]
        command += ["--pages", only] if only else []
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"measuring {url} failed:\n{done.stderr[-3000:]}")
        out |= json.loads(done.stdout.strip().splitlines()[-1])
    return out


def report(backend: str, results: dict[int, dict[str, Any]]) -> list[str]:
    """The table (Markdown) for one backend, and the verdict lines."""
    sizes = sorted(results)
    big, small = results[sizes[-1]], results[sizes[0]]
    head = "| step | " + " | ".join(f"{s:,} leads" for s in sizes) + " | target |"
    lines = [f"**{backend}**", "", head, "|---|" + "---|" * len(sizes) + "---|"]

    def row(label: str, cells: list[str], target: str = "") -> None:
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {target} |")

    row(
        "bare read_csv (wall / CPU s)",
        [f"{r['read_csv'][0]:.2f} / {r['read_csv'][1]:.2f}" for r in results.values()],
    )
    row(
        "load all leads (wall / CPU s)",
        [f"{r['load'][0]:.2f} / {r['load'][1]:.2f}" for r in results.values()],
    )
    row(
        "load ÷ read_csv (wall / CPU)",
        [
            f"{r['load'][0] / r['read_csv'][0]:.2f} / {r['load'][1] / r['read_csv'][1]:.2f}"
            for r in results.values()
        ],
        "≤ 2",
    )
    row(
        "sign-in to rendered Overview (s)",
        [f"{r['sign-in']:.2f}" for r in results.values()],
        "≤ 3 at 1M",
    )
    row(
        "  the same on a server just started, nothing kept (s)",
        [f"{r['sign-in cold']:.2f}" for r in results.values()],
    )
    row(
        "  the same on a server restarted, its snapshot kept on disk (s)",
        [f"{r.get('sign-in restart', float('nan')):.2f}" for r in results.values()],
        "≤ 3 at 1M",
    )
    for page in big["pages"]:
        row(f"{page} first (s)", [f"{r['pages'][page][0]:.3f}" for r in results.values()])
        ratio = big["pages"][page][1] / max(small["pages"][page][1], 1e-9)
        cpu_ratio = big["pages"][page][3] / max(small["pages"][page][3], 1e-9)
        cells = [
            f"{r['pages'][page][1] * 1000:.0f} / {r['pages'][page][3] * 1000:.0f}"
            + (" ⚠ error" if r["pages"][page][2] else "")
            for r in results.values()
        ]
        row(f"{page} rerun (wall / CPU ms)", cells, f"≤ 250; ×{ratio:.1f} / ×{cpu_ratio:.1f} (≤ 5)")
        cells = [
            f"{r['pages'][page][4] * 1000:.0f} / {r['pages'][page][5] * 1000:.0f}"
            if len(r["pages"][page]) > 4
            else "—"
            for r in results.values()
        ]
        row(f"{page} write then rerun (wall / CPU ms)", cells, "≤ 250")
    row(
        "app memory at the first sign-in of a server just started: peak (MiB)",
        [f"{r.get('peak after cold sign-in', float('nan')):,.0f}" for r in results.values()],
        "≤ 1,024",
    )
    row(
        "app memory serving every page, with writes: RSS / peak / reader RSS (MiB)",
        [
            f"{r['app rss']:,.0f} / {r['app peak']:,.0f} / {r.get('reader rss', 0):,.0f}"
            for r in results.values()
        ],
        "≤ 1,024",
    )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--database-url", help="also PostgreSQL (a throwaway schema per size)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-sqlite", action="store_true", help="only PostgreSQL")
    parser.add_argument("--folder", help="keep the generated files here (default: a temp dir)")
    parser.add_argument("--pages", default="", help="only these pages, e.g. routing,compliance")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="SQLite: reuse pages_<size>.db already in --folder (a 1M build takes minutes)",
    )
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--measure-start", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure_start:
        print(json.dumps(measure_start()))
        return 0
    if args.measure:
        print(json.dumps(measure(args.runs, Path(args.folder), args.pages)))
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="leadpact-pages-") as tmp:
        folder = Path(args.folder or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for backend, url in (("SQLite", None), ("PostgreSQL", args.database_url)):
            if (backend == "PostgreSQL" and not url) or (backend == "SQLite" and args.skip_sqlite):
                continue
            results: dict[int, dict[str, Any]] = {}
            for rows in sizes:
                print(f"{backend}, {rows:,} leads", flush=True)
                with database(url, folder, rows, reuse=args.reuse and not url) as app_url:
                    results[rows] = run_child(app_url, args.runs, folder, args.pages)
            print(json.dumps(results), file=sys.stderr)
            print("\n".join(report(backend, results)) + "\n", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
