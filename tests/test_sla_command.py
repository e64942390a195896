"""`python -m sla_core compliance`: the page's figures from the shell, errors as one line."""

from __future__ import annotations

import json
from datetime import timedelta

from sla_core import db
from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.models import Lead, Role, Team, TeamKind, User
from tests.slaframes import QUALIFYING
from tests.test_cli import cli


def _world(tmp_path) -> str:  # type: ignore[no-untyped-def]
    """One team with one rep; two MQLs this month: one dispositioned in time, one breached."""
    url = f"sqlite:///{tmp_path / 'sla.db'}"
    engine = db.make_engine(url)
    db.migrate(engine)
    t0 = now().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    with session_scope(engine) as session:
        team = Team(name="North", kind=TeamKind.SALES)
        session.add(team)
        session.flush()
        rep = User(username="rep.a", name="Rep A", role=Role.SALES_REP, team_id=team.id)
        session.add(rep)
        session.flush()
        for key, done in (("met", t0 + timedelta(hours=2)), ("late", None)):
            session.add(
                Lead(
                    lead_key=key,
                    stage="sql" if done else "mql",
                    owner_id=rep.id,
                    created_at=t0,
                    mql_at=t0,
                    assigned_at=t0,
                    dispositioned_at=done,
                    first_touch_at=done,
                    **QUALIFYING,
                )  # fmt: skip
            )
    engine.dispose()
    return url


def test_compliance_for_a_team_as_json(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = _world(tmp_path)
    done = cli("compliance", "--team", "North", "--json", url=url)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["scope"], report["name"]) == ("team", "North")
    levels = {row["level"]: row for row in report["levels"]}
    if now().day > 2:  # the second lead's 48 h window has passed: one of two in time
        assert (levels["disposition"]["done"], levels["disposition"]["due"]) == (1, 2)
        assert levels["disposition"]["value"] == 50.0
        assert levels["disposition"]["band"] == "red"
    assert levels["mql_volume"]["value"] == 2


def test_compliance_text_for_a_rep(tmp_path) -> None:  # type: ignore[no-untyped-def]
    done = cli("compliance", "--rep", "rep.a", url=_world(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("rep.a (rep), ")
    assert "Dispositioned within the window" in done.stdout


def test_an_unknown_team_or_period_is_one_clear_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = _world(tmp_path)
    team = cli("compliance", "--team", "South", "--json", url=url)
    assert (team.returncode, json.loads(team.stdout)) == (1, {"error": "no team named 'South'"})
    month = cli("compliance", "--period", "2026-13", url=url)
    assert month.returncode == 1
    assert month.stdout.strip() == "error: '2026-13' is not a period: there is no month 13"
    assert "Traceback" not in month.stderr


def _marketing_world(tmp_path) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """Issue 17: a marketer in team Growth produced 3 MQLs last month; sales accepted one,
    disqualified one, has not decided the third; a rep owns them all."""
    url = f"sqlite:///{tmp_path / 'mkt.db'}"
    engine = db.make_engine(url)
    db.migrate(engine)
    first = now().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    t0 = (first - timedelta(days=1)).replace(day=3)
    with session_scope(engine) as session:
        growth = Team(name="Growth", kind=TeamKind.MARKETING)
        north = Team(name="North", kind=TeamKind.SALES)
        session.add_all([growth, north])
        session.flush()
        marketer = User(username="mk.a", name="Mk A", role=Role.MARKETER, team_id=growth.id)
        rep = User(username="rep.a", name="Rep A", role=Role.SALES_REP, team_id=north.id)
        session.add_all([marketer, rep])
        session.flush()
        for key, stage in (("yes", "sql"), ("no", "disqualified"), ("open", "mql")):
            session.add(
                Lead(
                    lead_key=key,
                    stage=stage,
                    owner_id=rep.id,
                    marketer_id=marketer.id,
                    created_at=t0,
                    mql_at=t0,
                    assigned_at=t0,
                    **QUALIFYING,
                )  # fmt: skip
            )
    engine.dispose()
    return url, f"{t0:%Y-%m}"


def test_a_marketer_and_a_marketing_team_are_measured_on_volume_and_quality(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Before: `--rep <marketer>` read volume 0 of 40 (red, a rep's minimum) and the
    marketing team 0 of 0 (green). Now: 3 MQLs of the 250 quota, quality 1 of 2 decided
    = 50 % against 60 %, 1 undecided; no sales level."""
    url, month = _marketing_world(tmp_path)
    for args, scope in ((("--rep", "mk.a"), "marketer"), (("--team", "Growth"), "marketing_team")):
        done = cli("compliance", *args, "--period", month, "--json", url=url)
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout)
        assert report["scope"] == scope
        levels = {row["level"]: row for row in report["levels"]}
        assert set(levels) == {"mql_volume", "mql_quality"}
        assert (levels["mql_volume"]["value"], levels["mql_volume"]["target"]) == (3, 250)
        quality = levels["mql_quality"]
        assert (quality["value"], quality["target"], quality["done"], quality["due"]) == (
            50.0, 60.0, 1, 2,
        )  # fmt: skip
        assert (quality["running"], quality["band"]) == (1, "amber")  # 83 % of the target


def test_a_viewer_or_manager_has_no_scorecard(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = _world(tmp_path)
    engine = db.make_engine(url)
    with session_scope(engine) as session:
        session.add(User(username="vic", name="Vic", role=Role.VIEWER))
        session.add(User(username="sam", name="Sam", role=Role.SALES_MANAGER))
    engine.dispose()
    for name in ("vic", "sam"):
        done = cli("compliance", "--rep", name, "--json", url=url)
        assert done.returncode == 1 and "Traceback" not in done.stderr
        assert "only sales reps and marketers have a scorecard" in json.loads(done.stdout)["error"]
