"""Right-to-left charts in a real browser (issue 20): an Arabic-speaking manager's Leaderboard
and Compliance trends, whose legend labels sat on their symbols and over the value axis's
labels, and whose value axis lost its title at the edge.

Vega aligns texts at "start"/"end"; a right-to-left page swapped them. The charts are drawn
left to right and mirrored by their spec (sla_core.i18n.charts); this reads the drawn SVG.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sla_core.models import Role
from tests.e2e.steps import open_page, settle, shot, sign_in
from tests.e2e.test_leaderboard_browser import PASSWORD, seed
from tests.support.seeding import person, seeded

# Every fault the drawn charts show: a chart laid out right to left, a legend label not
# beside its symbol, a legend label over an axis label, a text outside its chart.
FAULTS = """() => {
  const faults = [];
  const overlap = (a, b) => a.left < b.right - 1 && b.left < a.right - 1
                         && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  for (const chart of document.querySelectorAll("[data-testid='stVegaLiteChart']")) {
    const svg = chart.querySelector("svg.marks");
    if (!svg || !svg.getBoundingClientRect().width) continue;
    if (getComputedStyle(chart).direction !== "ltr") faults.push("a chart laid out rtl");
    const box = svg.getBoundingClientRect();
    for (const symbol of svg.querySelectorAll("g.role-legend-symbol")) {
      const label = symbol.parentNode.querySelector("g.role-legend-label text");
      if (label && label.getBoundingClientRect().left < symbol.getBoundingClientRect().right - 1)
        faults.push("legend label on its symbol: " + label.textContent);
    }
    const legend = [...svg.querySelectorAll("g.role-legend-label text")];
    const axis = [...svg.querySelectorAll("g.role-axis-label text, g.role-axis-title text")];
    for (const l of legend) for (const a of axis)
      if (overlap(l.getBoundingClientRect(), a.getBoundingClientRect()))
        faults.push("legend over axis: " + l.textContent + " / " + a.textContent);
    for (const text of svg.querySelectorAll("text")) {
      const r = text.getBoundingClientRect();
      if (r.width && (r.left < box.left - 1 || r.right > box.right + 1))
        faults.push("outside its chart: " + text.textContent);
    }
  }
  return faults;
}"""


@pytest.fixture
def server(tmp_path: Path, start_app: Callable[[str], str]) -> str:
    url = f"sqlite:///{tmp_path / 'rtl-charts.db'}"
    seed(url)  # the Leaderboard's world: two reps with points, a manager
    with seeded(url) as session:
        person(session, "khalid", "خالد الراشد", Role.SALES_MANAGER, PASSWORD).language = "ar"
    return start_app(url)


def test_arabic_trends_keep_legends_and_labels_apart(server: str, browser: Any) -> None:
    page = open_page(browser, server, height=2400, timeout_ms=240_000)
    sign_in(page, "khalid", PASSWORD, ready=page.locator("[data-testid='stSidebarNav']"))
    checked = 0
    for name in ("leaderboard", "compliance"):
        page.goto(f"{server}/{name}")
        legend = page.locator("[data-testid='stVegaLiteChart'] g.role-legend-entry").first
        legend.wait_for()
        settle(page)
        shot(page, f"rtl_charts_{name}")
        assert page.evaluate(FAULTS) == [], name
        checked += page.locator("[data-testid='stVegaLiteChart'] g.role-legend-entry").count()
        assert page.locator("[data-testid='stException']").count() == 0
    assert checked >= 2
