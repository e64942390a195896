"""Issue 20, charts in the reader's language: titles through the catalogue, dates in the
reader's calendar, figures in the reader's digits and separators, right-to-left charts
whose legends and labels overlap nothing; and every chart a page draws is localised.

The specs are checked without a browser (sla_core.i18n.charts); the pages through
AppTest on a small demo world; the layout itself was checked by screenshots (fa, ar).
"""

from __future__ import annotations

import ast
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from sla_core import db
from sla_core.access import system_actor
from sla_core.db import session_scope
from sla_core.demo.world import load_demo
from sla_core.gamification import charts as board_charts
from sla_core.i18n import catalogue, numbers
from sla_core.i18n.charts import LABEL_EXPR, PDI, RLI, localise_spec
from sla_core.i18n.languages import Language
from sla_core.marketing import charts as marketing_charts
from sla_core.overview import charts as overview_charts
from sla_core.people import users
from sla_core.periods import Calendar
from sla_core.sla import charts as sla_charts
from tests.i18n_audit import Shown, _chart, offences
from tests.test_pages_words import chart_data
from ui.rtl import RTL_CSS

FA, AR, EN = Language.PERSIAN, Language.ARABIC, Language.ENGLISH
ROOT = Path(__file__).resolve().parents[1]
LATIN_DIGIT = re.compile(r"[0-9]")
# Words the charts themselves print or name (the rest of a chart's data is the team's).
ENGLISH_MARKS = re.compile(r"^(others|target|goal|1st|2nd|3rd)\b")


def _fa(text: str) -> str:
    return catalogue.translate(text, FA)


def _weeks() -> pd.DataFrame:
    # Saturdays at Tehran midnight, as funnel.weekly_mqls gives them
    starts = pd.date_range("2026-03-14", periods=3, freq="7D", tz="Asia/Tehran")
    return pd.DataFrame({"week": starts, "mqls": [4, 0, 7]})


def _rows(spec: dict[str, Any], unit: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = spec["datasets"][(unit or spec)["data"]["name"]]
    return rows


def _localised(spec: dict[str, Any], language: Language, **where: Any) -> dict[str, Any]:
    return localise_spec(
        spec,
        language=language,
        translate=lambda text: catalogue.translate(text, language),
        text=lambda text: numbers.local_figures(catalogue.translate(text, language), language),
        **where,
    )


# ------------------------------------------------------------------ dates on the axes


def test_weeks_read_in_the_jalali_calendar_with_persian_digits() -> None:
    spec = _localised(
        overview_charts.weekly_trend(_weeks()).to_dict(),
        FA,
        calendar=Calendar.GREGORIAN,
        zone="Asia/Tehran",
    )
    x = spec["encoding"]["x"]
    assert "timeUnit" not in x and x["type"] == "ordinal"
    # 14 March 2026 is 23 Esfand 1404; the week after crosses Nowruz
    assert x["sort"] == ["۲۳ اسفند", "۱ فروردین", "۸ فروردین"]
    assert "format" not in x["axis"]
    assert [row[x["field"]] for row in _rows(spec)] == x["sort"]
    (when, _count) = spec["encoding"]["tooltip"]
    assert when["type"] == "nominal"
    assert [row[when["field"]] for row in _rows(spec)] == [
        "۲۳ اسفند ۱۴۰۴",
        "۱ فروردین ۱۴۰۵",
        "۸ فروردین ۱۴۰۵",
    ]
    assert x["title"] == f"{RLI}{_fa('week starting')}{PDI}"
    assert spec["title"] == f"{RLI}{_fa('MQLs per week')}{PDI}"
    assert _fa("MQLs per week") != "MQLs per week"


def test_arabic_readers_of_a_gregorian_organisation_read_gregorian_months_in_arabic() -> None:
    spec = _localised(overview_charts.weekly_trend(_weeks()).to_dict(), AR, zone="Asia/Tehran")
    assert spec["encoding"]["x"]["sort"] == ["١٤ مارس", "٢١ مارس", "٢٨ مارس"]


def test_english_readers_of_a_jalali_organisation_read_jalali_dates() -> None:
    spec = _localised(
        overview_charts.weekly_trend(_weeks()).to_dict(),
        EN,
        calendar=Calendar.JALALI,
        zone="Asia/Tehran",
    )
    assert spec["encoding"]["x"]["sort"] == ["23 Esfand", "1 Farvardin", "8 Farvardin"]
    assert spec["title"] == "MQLs per week"  # English words, left to right
    assert "locale" not in spec["config"] and "reverse" not in spec["encoding"]["x"].get(
        "scale", {}
    )


def test_english_charts_of_a_gregorian_organisation_are_left_as_they_are() -> None:
    history = pd.DataFrame(
        {"period": ["2026-11", "2026-10"], "name": ["Ann", "Bob"], "points": [3, 4]}
    )
    for figure in (
        overview_charts.weekly_trend(_weeks()),
        board_charts.trend(history, ["Ann"]),
    ):
        spec = figure.to_dict()
        assert (
            localise_spec(spec, language=EN, translate=str.upper, calendar=Calendar.GREGORIAN)
            == spec
        )


def _trend(labels: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": [label for label in labels for _level in ("disposition", "worked")],
            "start": pd.Timestamp("2026-01-01", tz="UTC"),
            "level": ["disposition", "worked"] * len(labels),
            "value": [90.0, 80.5] * len(labels),
        }
    )


def test_month_labels_of_a_jalali_organisation_are_named_in_data_order() -> None:
    data = _trend(["1405-07", "1405-08", "1405-09"])
    titles = {"disposition": "تعیین وضعیت", "worked": "کار در مهلت"}
    spec = _localised(
        sla_charts.trend_lines(data, titles, "").to_dict(), FA, calendar=Calendar.JALALI
    )
    x = spec["encoding"]["x"]
    assert x["sort"] is None  # the data's order, as the builder asked
    assert [row["period"] for row in _rows(spec)][::2] == ["مهر ۱۴۰۵", "آبان ۱۴۰۵", "آذر ۱۴۰۵"]
    tooltip = {entry["field"]: entry["title"] for entry in spec["encoding"]["tooltip"]}
    assert tooltip["period"] == f"{RLI}{_fa('Period')}{PDI}"
    assert tooltip["value"] == f"{RLI}٪{PDI}"


def test_week_labels_read_as_days_of_the_readers_calendar() -> None:
    spec = _localised(
        sla_charts.trend_lines(_trend(["2026-11-30", "2026-12-07"]), {}, "").to_dict(), FA
    )
    assert [row["period"] for row in _rows(spec)][::2] == ["۹ آذر", "۱۶ آذر"]


def test_sorted_period_labels_keep_their_order_when_named() -> None:
    """The Leaderboard's trend sorts its periods: by the labels, not by the names (in
    Persian, alphabetical month names would put آبان before مهر)."""
    history = pd.DataFrame(
        {
            "period": ["2026-11", "2026-09", "2026-10"],
            "name": ["Ann", "Ann", "Ann"],
            "points": [3, 1, 2],
        }
    )
    spec = _localised(board_charts.trend(history, ["Ann"], _fa).to_dict(), AR)
    assert spec["encoding"]["x"]["sort"] == ["سبتمبر ٢٠٢٦", "أكتوبر ٢٠٢٦", "نوفمبر ٢٠٢٦"]
    quarters = _localised(
        board_charts.trend(history.assign(period="2026-Q4"), ["Ann"]).to_dict(), FA
    )
    assert {row["period"] for row in _rows(quarters)} == {"فصل ۴ ۲۰۲۶"}


def test_a_field_that_only_looks_like_a_date_somewhere_is_left_alone() -> None:
    groups = pd.DataFrame(
        {"group": ["2026-11", "Webinar"], "leads": [3, 4], "conversion_pct": [1.0, 2.0]}
    )
    spec = _localised(marketing_charts.conversion_bars(groups).to_dict(), FA)
    assert {row["group"] for row in _rows(spec)} == {"2026-11", "Webinar"}


# ------------------------------------------------------------------ words and figures


def test_the_gauges_figure_has_the_readers_decimal_separator() -> None:
    assert numbers.local_figures("90.4 %", FA) == "۹۰٫۴٪"
    assert numbers.local_figures("90.4 %", AR) == "٩٠٫٤٪"
    assert numbers.local_figures("1,250", FA) == "۱٬۲۵۰"
    assert numbers.local_figures("90.4 %", EN) == "90.4 %"
    spec = _localised(overview_charts.gauge(90.4, 90, "Dispositioned in time").to_dict(), FA)
    printed = [row["label"] for layer in spec["layer"][2:] for row in _rows(spec, layer)]
    assert printed[0] == f"{RLI}۹۰٫۴٪{PDI}"  # "target 90 %": ui.i18n's words (the pages' test)


def test_the_others_line_of_the_leaderboard_is_named_in_the_readers_words() -> None:
    history = pd.DataFrame(
        {"period": ["2026-11", "2026-11"], "name": ["Ann", "Bob"], "points": [3, 4]}
    )
    spec = board_charts.trend(history, ["Ann"], _fa).to_dict()
    assert spec["encoding"]["color"]["scale"]["domain"] == ["Ann", "سایرین"]
    assert {row["shown"] for row in _rows(spec)} == {"Ann", "سایرین"}


def _every_chart() -> Iterator[tuple[str, dict[str, Any]]]:
    history = pd.DataFrame(
        {"period": ["2026-11"], "name": ["Ann"], "points": [3], "rank": [1], "side": ["sales"]}
    )
    table = pd.DataFrame(
        {"group": ["Webinar"], "leads": [4], "mqls": [3], "sqls": [2], "opportunities": [1],
         "won": [1], "conversion_pct": [25.0]}
    )  # fmt: skip
    months = pd.DataFrame({"group": ["2026-11"], "in_force": [3], "proposed": [4]})
    row = {"level": "disposition", "value": 90.4, "target": 90.0, "band": "green",
           "percent": True}  # fmt: skip
    yield "gauge", overview_charts.gauge(90.4, 90, "Dispositioned in time").to_dict()
    yield "weekly trend", overview_charts.weekly_trend(_weeks()).to_dict()
    yield "level gauge", sla_charts.level_gauge(row, "Dispositioned in time").to_dict()
    yield "level trend", sla_charts.trend_lines(_trend(["2026-11"]), {}, "").to_dict()
    yield "podium", board_charts.podium(history).to_dict()
    yield "points trend", board_charts.trend(history, ["Ann"], _fa).to_dict()
    yield "stages", marketing_charts.stage_bars(table, _fa).to_dict()
    yield "conversion", marketing_charts.conversion_bars(table).to_dict()
    yield "preview", marketing_charts.preview_months(months, _fa).to_dict()


@pytest.mark.parametrize("language", [FA, AR])
def test_every_chart_title_axis_and_tooltip_title_is_translated(language: Language) -> None:
    for name, spec in _every_chart():
        shown = _localised(spec, language, calendar=Calendar.GREGORIAN)
        tooltips = [Shown("chart.tooltip", str(t)) for t in _tooltip_titles(shown)]
        assert offences(_chart(json.dumps(shown)) + tooltips) == [], name


def _tooltip_titles(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "tooltip" and isinstance(value, list):
                for entry in value:
                    assert "title" in entry, f"a tooltip without a title shows its field: {entry}"
                    yield entry["title"]
            elif key not in {"datasets", "data"}:
                yield from _tooltip_titles(value)
    elif isinstance(node, list):
        for item in node:
            yield from _tooltip_titles(item)


# ------------------------------------------------------------------ right to left


def test_right_to_left_legends_stand_away_from_the_value_axis() -> None:
    history = pd.DataFrame(
        {"period": ["2026-11", "2026-10"], "name": ["Ann", "Bob"], "points": [3, 4]}
    )
    spec = _localised(board_charts.trend(history, ["Ann"], _fa).to_dict(), FA)
    assert spec["encoding"]["y"]["axis"]["orient"] == "right"
    legend = spec["encoding"]["color"]["legend"]
    assert legend["orient"] == "left" and legend["labelExpr"] == LABEL_EXPR
    lines = _localised(sla_charts.trend_lines(_trend(["2026-11"]), {}, "").to_dict(), FA)
    assert lines["encoding"]["color"]["legend"]["orient"] == "bottom"  # its own choice stays
    assert spec["config"]["axis"]["labelExpr"] == LABEL_EXPR
    assert spec["config"]["title"]["anchor"] == "end"


def test_right_to_left_pages_draw_charts_left_to_right() -> None:
    """Vega anchors texts at "start"/"end": a right-to-left page would swap them and lay
    legend labels over their symbols and the value axis (issue 20's screenshots)."""
    assert re.search(r'\[data-testid="stVegaLiteChart"\] \{\{? ?direction: ltr', RTL_CSS)


# ------------------------------------------------------------------ pages draw localised charts

DRAWERS = {"altair_chart", "vega_lite_chart"}
BARE = {"line_chart", "bar_chart", "area_chart", "scatter_chart", "pyplot", "plotly_chart"}
LOCALISERS = {"chart_spec", "memo_chart"}


def _name(call: ast.Call) -> str:
    func = call.func
    return (
        func.id
        if isinstance(func, ast.Name)
        else func.attr
        if isinstance(func, ast.Attribute)
        else ""
    )


def _unlocalised_charts(tree: ast.Module) -> list[int]:
    """Lines where a chart is drawn without passing through ui.i18n's localising."""
    functions = {n.name: n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    assigned = {
        target.id: node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }

    def localised(expr: ast.expr | None, depth: int = 0) -> bool:
        if depth > 3 or expr is None:
            return False
        if isinstance(expr, ast.Name) and expr.id in assigned:
            return localised(assigned[expr.id], depth + 1)
        if not isinstance(expr, ast.Call):
            return False
        if _name(expr) in LOCALISERS:
            return True
        function = functions.get(_name(expr))
        returns = (
            [r.value for r in ast.walk(function) if isinstance(r, ast.Return)] if function else []
        )
        return bool(returns) and all(localised(value, depth + 1) for value in returns)

    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or _name(node) not in DRAWERS | BARE:
            continue
        drawn = (
            node.args[0]
            if node.args
            else next(
                (k.value for k in node.keywords if k.arg in {"altair_chart", "spec", "data"}), None
            )
        )
        if _name(node) in BARE or not localised(drawn):
            lines.append(node.lineno)
    return lines


def test_every_chart_a_page_draws_goes_through_the_language_layer() -> None:
    found = {
        f"{path.relative_to(ROOT)}:{line}"
        for folder in ("pages", "ui")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for line in _unlocalised_charts(ast.parse(path.read_text(encoding="utf-8")))
    }
    assert found == set()


def test_the_chart_check_sees_a_bare_chart() -> None:
    tree = ast.parse(
        "st.altair_chart(charts.trend(x))\n"
        "st.vega_lite_chart(spec=chart_spec(charts.trend(x).to_dict()))\n"
        "spec = memo_chart(memo, key, build)\n"
        "st.vega_lite_chart(spec=spec)\n"
        "st.vega_lite_chart(spec={'mark': 'bar'})\n"
        "st.line_chart(frame)\n"
    )
    assert _unlocalised_charts(tree) == [1, 5, 6]


# ------------------------------------------------------------------ the pages, in fa and ar

PAGES = ("pages/overview.py", "pages/compliance.py", "pages/leaderboard.py", "pages/reports.py")
MANAGER = "nasrin.f"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    path = tmp_path_factory.mktemp("charts") / "app.db"
    engine = db.make_engine(f"sqlite:///{path}")
    db.migrate(engine)
    result = load_demo(engine=engine, actor=system_actor(), leads=800, seed=7)
    engine.dispose()
    return path, result.passwords[MANAGER]


def _speaking(world: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
              language: Language) -> AppTest:  # fmt: skip
    path = tmp_path / "app.db"
    shutil.copyfile(world[0], path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    engine = db.make_engine(f"sqlite:///{path}")
    with session_scope(engine) as session:
        manager = users.get_by_username(session=session, username=MANAGER)
        assert manager is not None
        manager.language = language.value
        session.add(manager)
    engine.dispose()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.text_input[0].input(MANAGER)
    at.text_input[1].input(world[1])
    return next(b for b in at.button if b.label == "Sign in").click().run()


def _chart_faults(at: AppTest, language: Language) -> Iterator[str]:
    """What in the charts of this run is not in the reader's words, calendar and digits."""
    drawn = at.get("vega_lite_chart") + at.get("arrow_vega_lite_chart")
    assert drawn, "no chart drawn"
    for chart in drawn:
        spec = json.loads(chart.proto.spec)
        numerals = spec.get("config", {}).get("locale", {}).get("number", {}).get("numerals")
        if numerals != list(numbers.local_digits("0123456789", language)):
            yield f"not localised: {str(spec.get('title'))[:60]}"
        for offence in offences(_chart(chart.proto.spec)):
            yield f"{offence.kind}: {offence.text!r}"
        rows = [row for table in chart_data(chart.proto).values() for row in table]
        for unit in _encodings(spec):
            for channel, entry in unit.items():
                for one in entry if isinstance(entry, list) else [entry]:
                    if not isinstance(one, dict) or "field" not in one:
                        continue
                    if "scale" in one and one["scale"] is None:
                        continue  # the values are the colours themselves (the podium's)
                    if one.get("type") == "temporal" or "timeUnit" in one:
                        yield f"a date Vega-Lite writes: {channel} {one['field']}"
                    for row in rows:
                        value = row.get(one["field"])
                        if isinstance(value, str) and LATIN_DIGIT.search(value):
                            yield f"{channel} shows {value!r}"
                            break
                        if isinstance(value, str) and ENGLISH_MARKS.search(value):
                            yield f"{channel} shows {value!r}"
                            break


def _encodings(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if isinstance(node.get("encoding"), dict):
            yield node["encoding"]
        for key, value in node.items():
            if key not in {"datasets", "data", "encoding"}:
                yield from _encodings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _encodings(item)


@pytest.mark.parametrize("language", [FA, AR])
def test_the_charts_of_the_daily_pages_read_in_persian_and_arabic(
    world: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, language: Language
) -> None:
    at = _speaking(world, tmp_path, monkeypatch, language)
    faults = {}
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        faults[page] = sorted(set(_chart_faults(at, language)))
    assert faults == dict.fromkeys(PAGES, [])
