"""Right-to-left layout for Persian and Arabic: direction, alignment and the Vazirmatn font.

Streamlit's own CSS overrides a bare dir="rtl", so the rules also align text to the right.
The font is served by the app itself (static/fonts/, `server.enableStaticServing`) and
declared in .streamlit/config.toml, so nothing is fetched from outside.
"""

from __future__ import annotations

import streamlit as st

FONT_STACK = '"Vazirmatn", "Source Sans", "Source Sans Pro", sans-serif'

RTL_CSS = f"""
<style>
/* The sidebar moves to the right-hand side: the app's row runs right to left. */
[data-testid="stAppViewContainer"], [data-testid="stMain"], [data-testid="stSidebar"],
[data-testid="stDialog"] {{
  direction: rtl;
}}
.stApp, .stApp :is(h1, h2, h3, h4, h5, h6, p, li, label, button, input, textarea, td, th) {{
  font-family: {FONT_STACK};
}}
:is([data-testid="stMain"], [data-testid="stSidebar"], [data-testid="stDialog"])
  :is(h1, h2, h3, h4, h5, h6, p, li, label, td, th,
      [data-testid="stMarkdownContainer"], [data-testid="stCaptionContainer"],
      [data-testid="stWidgetLabel"], [data-testid="stMetric"], [data-testid="stMetricLabel"],
      [data-testid="stMetricValue"], [data-testid="stAlertContainer"],
      [data-testid="stExpander"] summary, [data-testid="stTable"]) {{
  text-align: right;
}}
[data-testid="stMain"] :is(ul, ol) {{ padding-right: 1.5em; padding-left: 0; }}
/* Typed text keeps its own direction: a Persian name right to left, an e-mail left to right. */
.stApp :is(input, textarea) {{ unicode-bidi: plaintext; text-align: right; }}
[data-testid="stMetricDelta"] {{ direction: rtl; }}
/* Sidebar navigation and menus read from the right. */
[data-testid="stSidebarNav"] a {{ flex-direction: row; text-align: right; }}
/* Segmented controls: Streamlit overlaps the segments by a negative right margin and rounds
   the left end of the first and the right end of the last, as if they ran left to right; right
   to left the first segment stuck out past its column (clipped) and the ends came out square. */
.stApp [data-testid="stButtonGroup"] [data-variant="segmented_control"] {{
  margin-right: 0; margin-left: -1px; border-radius: 0;
}}
.stApp [data-testid="stButtonGroup"] [data-variant="segmented_control"]:first-child {{
  border-radius: 0 0.5rem 0.5rem 0;
}}
.stApp [data-testid="stButtonGroup"] [data-variant="segmented_control"]:last-child {{
  margin-left: 0; border-radius: 0.5rem 0 0 0.5rem;
}}
.stApp [data-testid="stButtonGroup"] [data-variant="segmented_control"]:only-child {{
  border-radius: 0.5rem;
}}
/* Material icons are ligatures: never let the text font or direction reach them. */
.stApp [data-testid="stIconMaterial"] {{ font-family: "Material Symbols Rounded"; direction: ltr; }}
/* Charts lay themselves out right to left (ui.i18n.chart_spec mirrors them): a right-to-left
   direction reaching their SVG would flip every left-aligned text onto its neighbours
   (legend labels over their symbols and the value axis). */
[data-testid="stVegaLiteChart"] {{ direction: ltr; }}
</style>
"""

GRID_SCRIPT = """
<script>
/* The grid lays columns out from the left and opens scrolled to its left end; right to
   left the columns stand reversed (ui.i18n.reading_order), so a grid wider than its box
   opens scrolled to its right end, where the first columns are, and stays anchored there
   while it sizes its columns. Once the reader scrolls away, the grid is theirs. */
(() => {
  if (window.leadpactRtlGrids) return;
  window.leadpactRtlGrids = true;
  const open = () => {
    const main = document.querySelector('[data-testid="stMain"]');
    if (!main || getComputedStyle(main).direction !== "rtl") return;  /* English since */
    document.querySelectorAll('[data-testid="stDataFrame"] .dvn-scroller').forEach((box) => {
      const end = box.scrollWidth - box.clientWidth;
      const was = box.dataset.rtlEnd;
      if (end <= 0 || String(end) === was) return;
      if (was !== undefined && Math.abs(box.scrollLeft - Number(was)) > 2) return;
      box.dataset.rtlEnd = String(end);
      box.scrollLeft = end;
    });
  };
  new MutationObserver(open).observe(document.body, { childList: true, subtree: true });
  open();
})();
</script>
"""


def apply_direction(right_to_left: bool) -> None:
    """Lay the app out right to left (with the Persian/Arabic font) when the language asks."""
    if right_to_left:
        st.html(RTL_CSS + GRID_SCRIPT, unsafe_allow_javascript=True)
