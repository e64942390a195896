"""Issue 20 in a real browser: the Overview's period control right to left.

Streamlit overlaps a segmented control's segments by a negative right margin and rounds the
left end of the first segment; right to left, the first segment stuck out one pixel past
its column (clipped at the edge) and both ends came out square (ui/rtl.py mends both).
"""

from __future__ import annotations

from typing import Any

from tests.e2e.steps import PASSWORD, settle, sign_in

SEGMENTS = """e => Array.from(e.querySelectorAll('button')).map(b => {
  const r = b.getBoundingClientRect(), s = getComputedStyle(b);
  return [b.innerText, r.left, r.right, s.borderTopLeftRadius, s.borderTopRightRadius];
})"""


def test_the_period_control_reads_right_to_left_unclipped(
    persian_manager: str, browser: Any
) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(90_000)
    page.goto(persian_manager)
    sign_in(page, "nasrin", PASSWORD, "نمای کلی")
    settle(page)
    control = page.locator(".st-key-overview_period [data-testid='stButtonGroup']")
    column = control.bounding_box()
    segments = control.evaluate(SEGMENTS)
    assert [s[0] for s in segments] == ["این ماه", "ماه گذشته", "این فصل", "دلخواه"]
    first, last = segments[0], segments[-1]
    assert first[2] <= column["x"] + column["width"] + 0.5  # not past its column's edge
    assert first[1] > last[1]  # "this month" on the right, read first
    assert (first[3], first[4]) == ("0px", "8px")  # its outer (right) end is rounded
    assert (last[3], last[4]) == ("8px", "0px")
