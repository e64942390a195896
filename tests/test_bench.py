"""Every benchmark in bench/ still runs: each once, on a tiny size, so none can rot unseen."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# (script, arguments, a phrase its report prints); `{db}` is a demo database, `{tmp}` a folder
RUNS = [
    ("agreement_pdf.py", [], "render (two passes)"),
    ("compliance.py", ["--leads", "3000", "--reps", "10", "--runs", "1"], "ms"),
    ("compliance_page.py", ["--leads", "600", "--runs", "1"], "ms"),
    ("hubspot_csv.py", ["{tmp}/contacts.csv", "200"], ""),
    ("import_1m.py", ["--rows", "400"], "import"),
    ("import_cli.py", ["--rows", "400"], "import"),
    ("pages.py", ["--sizes", "400", "--runs", "1", "--folder", "{tmp}"], "overview"),
    ("rescore.py", ["--rows", "1000", "--route", "500", "--qualify", "300"], "routing"),
    ("standings.py", ["--leads", "3000", "--reps", "10", "--repeat", "1"], "monthly boards"),
]


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A small demo database for the benchmarks that read one."""
    url = f"sqlite:///{tmp_path_factory.mktemp('bench') / 'demo.db'}"
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run(
        [sys.executable, "-m", "sla_core", "demo", "--leads", "600"],
        cwd=ROOT, env=env, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    return url


@pytest.mark.parametrize(("script", "arguments", "phrase"), RUNS, ids=[r[0] for r in RUNS])
def test_the_benchmark_runs_on_a_tiny_size(
    script: str, arguments: list[str], phrase: str, demo_url: str, tmp_path: Path
) -> None:
    argv = [a.replace("{tmp}", str(tmp_path)) for a in arguments]
    env = {**os.environ, "DATABASE_URL": demo_url, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *argv],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    assert phrase.lower() in done.stdout.lower(), done.stdout[-2000:]
