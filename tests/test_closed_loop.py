"""Closed-loop reports: the funnel by group, time to stage, reasons, marketer scorecards."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from sla_core import cli, db
from sla_core.db import session_scope
from sla_core.exporting import safe_xlsx
from sla_core.marketing import closed_loop as cl
from sla_core.models import Lead


def snapshot() -> pd.DataFrame:
    t = pd.Timestamp("2026-05-01T10:00Z")
    day = pd.Timedelta(days=1)
    rows = [  # source, stage, mql_at, sql_at, dispositioned_at, closed, reason, marketer
        ("Web", "won", t, t + 2 * day, t + 1 * day, t + 10 * day, None, 1),
        ("Web", "lost", t, t + 4 * day, t + 1 * day, t + 20 * day, None, 1),
        ("Web", "disqualified", t, None, t + 3 * day, None, "No budget", 1),
        ("Event", "nurture", t, None, t + 1 * day, None, "Bad timing", 2),
        ("Event", "mql", t, None, None, None, None, 2),
        ("Event", "lead", None, None, None, None, None, None),
        (None, "won", None, None, None, None, None, None),  # a CRM's won without dates
    ]
    frame = pd.DataFrame(
        rows,
        columns=["source", "stage", "mql_at", "sql_at", "dispositioned_at", "closed_at",
                 "disposition_reason", "marketer_id"],
    )  # fmt: skip
    for column in ("mql_at", "sql_at", "dispositioned_at", "closed_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    frame["created_at"] = pd.Timestamp("2026-04-30T12:00Z")
    frame["opportunity_at"] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[us, UTC]")
    frame["assigned_at"] = frame["mql_at"]
    frame["first_touch_at"] = frame["dispositioned_at"]
    frame["campaign"] = "C"
    frame["marketer_id"] = frame["marketer_id"].astype("Int64")
    return frame


def test_funnel_by_source_by_hand() -> None:
    leads = snapshot()
    table = cl.funnel_by(leads, cl.group_labels(leads, "source")).set_index("group")
    web = table.loc["Web"]
    assert web[["leads", "mqls", "sqls", "opportunities", "won", "lost"]].tolist() == [
        3, 3, 2, 2, 1, 1,
    ]  # fmt: skip
    assert (web["conversion_pct"], web["mql_to_won_pct"], web["win_rate_pct"]) == (
        33.3, 33.3, 50.0,
    )  # fmt: skip
    assert table.loc["(none)", ["leads", "mqls", "won"]].tolist() == [1, 1, 1]
    assert table.loc["Event", ["nurture", "conversion_pct"]].tolist() == [1, 0.0]


def test_grouping_by_marketer_and_month() -> None:
    leads = snapshot()
    names = cl.group_labels(leads, "marketer", marketers={1: "Mia"})
    assert names.tolist()[:4] == ["Mia", "Mia", "Mia", "user 2"]
    months = cl.group_labels(leads, "month", zone="Asia/Tehran")
    assert set(months) == {"2026-04"}
    with pytest.raises(ValueError, match="cannot group by"):
        cl.group_labels(leads, "colour")


def test_in_range_takes_whole_local_days() -> None:
    leads = snapshot()
    assert len(cl.in_range(leads, date(2026, 4, 30), date(2026, 4, 30))) == 7
    assert len(cl.in_range(leads, date(2026, 5, 1), None)) == 0
    assert len(cl.in_range(leads, None, date(2026, 4, 29))) == 0


def test_time_from_mql_to_each_later_stage() -> None:
    table = cl.time_to_stages(snapshot()).set_index("milestone")
    assert table.loc["SQL", ["leads", "median_days", "mean_days"]].tolist() == [2, 3.0, 3.0]
    assert table.loc["closed", ["leads", "median_days"]].tolist() == [2, 15.0]
    assert table.loc["dispositioned", "median_days"] == 1.0


def test_reasons_by_source_and_by_criterion_value() -> None:
    leads = snapshot()
    table = cl.reasons(leads, cl.group_labels(leads, "source"))
    assert table.to_dict("records") == [
        {"group": "Event", "stage": "nurture", "reason": "Bad timing", "leads": 1, "share_pct": 100.0},
        {"group": "Web", "stage": "disqualified", "reason": "No budget", "leads": 1, "share_pct": 100.0},
    ]  # fmt: skip


def test_marketer_scorecard_volume_vs_target_and_acceptance() -> None:
    leads = snapshot()
    card = cl.marketer_scorecard(
        leads, cl.group_labels(leads, "marketer", marketers={1: "Mia"}), 2, 1
    )
    mia = card.set_index("marketer").loc["Mia"]
    # 3 MQLs vs target 2; dispositioned 3 (won, lost, disqualified), accepted 2 (reached SQL)
    assert mia[["mqls", "target", "dispositioned", "accepted"]].tolist() == [3, 2, 3, 2]
    assert (mia["target_pct"], mia["acceptance_pct"]) == (150.0, 66.7)


def test_xlsx_export_never_holds_a_formula() -> None:
    frame = pd.DataFrame({"group": ['=HYPERLINK("x")', "Web"], "leads": [1, 2]})
    frame["at"] = pd.Timestamp("2026-05-01T10:00Z")
    book = openpyxl.load_workbook(io.BytesIO(safe_xlsx({"Funnel": frame})))
    cells = [c.value for c in book["Funnel"]["A"]]
    assert cells == ["group", '\'=HYPERLINK("x")', "Web"]
    assert all(c.data_type != "f" for row in book["Funnel"].iter_rows() for c in row)


def test_cli_funnel_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'f.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    engine = db.make_engine(url)
    db.migrate(engine)
    at = pd.Timestamp("2026-05-02T10:00Z").to_pydatetime()
    with session_scope(engine) as session:
        for i, stage in enumerate(["won", "lost", "lead", "mql"]):
            session.add(Lead(lead_key=f"k{i}", stage=stage, source="Web", created_at=at))
    assert cli.main(["funnel", "--by", "source", "--from", "2026-05-01", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows == [
        {"group": "Web", "leads": 4, "mqls": 3, "sqls": 2, "opportunities": 2, "won": 1,
         "lost": 1, "nurture": 0, "disqualified": 0, "conversion_pct": 25.0,
         "mql_to_won_pct": 33.3, "win_rate_pct": 50.0}
    ]  # fmt: skip
    assert cli.main(["funnel", "--to", "2026-05-01", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert cli.main(["funnel", "--from", "2026-06-01", "--to", "2026-05-01", "--json"]) == 1
    assert "after" in json.loads(capsys.readouterr().out)["error"]


def test_report_charts_are_built_from_the_tables() -> None:
    from sla_core.marketing import charts

    leads = snapshot()
    table = cl.funnel_by(leads, cl.group_labels(leads, "source"))
    spec = charts.stage_bars(table).to_dict()
    assert [row["leads"] for row in spec["datasets"][next(iter(spec["datasets"]))]] == [
        7, 6, 3, 3, 2,
    ]  # fmt: skip  # leads, MQLs, SQLs, opportunities (won, won, lost), won
    months = pd.DataFrame({"group": ["2026-05"], "in_force": [3], "proposed": [5]})
    data = charts.preview_months(months).to_dict()["datasets"]
    assert sorted(r["mqls"] for r in next(iter(data.values()))) == [3, 5]
    assert charts.conversion_bars(table).to_dict()["mark"]["type"] == "bar"


def test_reports_work_on_the_shared_snapshots_category_columns() -> None:
    plain = snapshot()
    cats = plain.astype(dict.fromkeys(("source", "stage", "disposition_reason"), "category"))
    for by in ("source", "campaign", "month"):
        pd.testing.assert_frame_equal(
            cl.funnel_by(cats, cl.group_labels(cats, by)),
            cl.funnel_by(plain, cl.group_labels(plain, by)),
        )
    pd.testing.assert_frame_equal(
        cl.reasons(cats, cl.group_labels(cats, "source")),
        cl.reasons(plain, cl.group_labels(plain, "source")),
    )
