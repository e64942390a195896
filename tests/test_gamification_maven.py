"""Real data: the Maven CRM pipeline imported with its shipped mapping; the board's wins per
agent and quarter equal what pandas computes straight from the raw CSV."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from sla_core import cli
from tests.conftest import REALDATA

FIXTURE = Path(__file__).parent / "fixtures" / "maven_sales_pipeline_400.csv"
FULL = REALDATA / "maven_crm" / "sales_pipeline.csv"


def wins_from_csv(path: Path) -> dict[tuple[str, str], int]:
    """Independently: Won deals per (quarter of close_date, sales_agent)."""
    raw = pd.read_csv(path)
    won = raw[raw["deal_stage"] == "Won"]
    quarter = pd.to_datetime(won["close_date"]).dt.to_period("Q").astype(str)
    label = quarter.str.replace("Q", "-Q", regex=False)
    counts = won.groupby([label, won["sales_agent"]]).size()
    return {(str(q), str(a)): int(n) for (q, a), n in counts.items()}


def board_wins(path: Path, tmp_path: Path, monkeypatch, capsys) -> dict[tuple[str, str], int]:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'maven.db'}")
    assert cli.main(["users", "add", "admin", "--role", "admin", "--password", "Secret#123"]) == 0
    assert cli.main(["import", str(path), "--mapping", "maven_crm", "--json"]) == 0
    capsys.readouterr()
    quarters = sorted({q for q, _ in wins_from_csv(path)})
    found: dict[tuple[str, str], int] = {}
    for quarter in quarters:
        assert cli.main(["standings", "--period", quarter, "--by", "rep", "--json"]) == 0
        for row in json.loads(capsys.readouterr().out):
            assert {"person", "rank", "points", "won", "opportunities",
                    "dispositioned_in_time", "mqls"} <= set(row)  # fmt: skip
            if row["won"]:
                found[(quarter, row["person"])] = row["won"]
    return found


def test_fixture_wins_per_agent_and_quarter_match_pandas(tmp_path, monkeypatch, capsys):
    expected = wins_from_csv(FIXTURE)
    assert sum(expected.values()) > 100  # the fixture has real wins in several quarters
    assert board_wins(FIXTURE, tmp_path, monkeypatch, capsys) == expected


@pytest.mark.skipif(not FULL.exists(), reason=f"real data not present at {FULL}")
def test_full_pipeline_wins_per_agent_and_quarter_match_pandas(tmp_path, monkeypatch, capsys):
    expected = wins_from_csv(FULL)
    assert len({agent for _, agent in expected}) == 30
    assert board_wins(FULL, tmp_path, monkeypatch, capsys) == expected
