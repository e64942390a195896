"""Finds interface text that bypasses `_()`: string literals given to Streamlit's display calls.

A call such as `st.title("Leads")`, `col.metric("MQLs", n)`, `st.tabs(["A", "B"])` or
`st.error(f"Could not {x}")` shows English to everyone; `st.title(_("Leads"))` does not.
Text without letters (numbers, dashes, icons, placeholders, markdown marks) is allowed.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

# Calls whose first positional argument is text shown to the reader.
FIRST_ARG_IS_TEXT = frozenset(
    """title header subheader caption markdown write text button download_button
    form_submit_button link_button metric selectbox multiselect radio checkbox toggle slider
    select_slider number_input text_input text_area date_input time_input file_uploader
    color_picker info warning error success toast expander popover spinner status
    segmented_control pills chat_input camera_input audio_input dialog tabs
    TextColumn NumberColumn DatetimeColumn DateColumn TimeColumn CheckboxColumn
    SelectboxColumn LinkColumn ListColumn ProgressColumn LineChartColumn BarChartColumn
    AreaChartColumn ImageColumn JSONColumn Column""".split()
)
# Keyword arguments that are text wherever they appear in those calls (and in st.Page).
TEXT_KEYWORDS = frozenset(
    {"label", "help", "placeholder", "title", "caption", "delta_description", "body", "text"}
)
NOT_STREAMLIT = frozenset({"logger", "log", "logging", "warnings", "sys", "re", "handle", "buffer"})

_ICON = re.compile(r":material/[a-z0-9_]+:|:[a-z_]+:")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Bypass:
    """One literal shown without translation."""

    path: str
    line: int
    call: str
    text: str


def has_words(text: str) -> bool:
    """Whether `text` contains letters once icons and placeholders are set aside."""
    return bool(_LETTER.search(_PLACEHOLDER.sub("", _ICON.sub("", text))))


def _literal_text(node: ast.AST) -> list[str]:
    """The untranslated text `node` would show: literals, f-strings, "".format, joins."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        parts = [v.value for v in node.values if isinstance(v, ast.Constant)]
        return ["{}".join(str(p) for p in parts)]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr in {"format", "join"}:
            return _literal_text(node.func.value)
        return []
    if isinstance(node, ast.BinOp):
        return _literal_text(node.left) + _literal_text(node.right)
    if isinstance(node, ast.IfExp):
        return _literal_text(node.body) + _literal_text(node.orelse)
    if isinstance(node, ast.List | ast.Tuple):
        return [t for element in node.elts for t in _literal_text(element)]
    return []


def _receiver(func: ast.Attribute) -> str:
    value = func.value
    while isinstance(value, ast.Attribute):
        value = value.value
    return value.id if isinstance(value, ast.Name) else ""


# Choice widgets show their options as they are unless a format_func says otherwise.
CHOICES = frozenset(
    {"selectbox", "multiselect", "radio", "segmented_control", "pills", "select_slider"}
)


def _literal_options(call: ast.Call, name: str) -> list[ast.AST]:
    if name not in CHOICES or any(k.arg == "format_func" for k in call.keywords):
        return []
    options = [k.value for k in call.keywords if k.arg == "options"] or call.args[1:2]
    return [o for o in options if isinstance(o, ast.List | ast.Tuple)]


def _texts_of(call: ast.Call, name: str) -> list[ast.AST]:
    shown: list[ast.AST] = []
    if name in FIRST_ARG_IS_TEXT and call.args and name != "page_link":
        shown.append(call.args[0])
    shown += [k.value for k in call.keywords if k.arg in TEXT_KEYWORDS]
    shown += _literal_options(call, name)
    if name == "set_page_config":
        shown = []  # the browser tab keeps the product's name
    return shown


# ui.i18n helpers that read the session's language: inside a format_func lambda they run
# whenever Streamlit (or AppTest) formats an option, possibly outside the page's run.
LANGUAGE_READERS = frozenset({"_", "period_name", "num", "pct", "day", "when", "stage_label"})


def _lazy_translation(call: ast.Call) -> bool:
    """A format_func lambda that translates when called instead of during the run."""
    for keyword in call.keywords:
        if keyword.arg == "format_func" and isinstance(keyword.value, ast.Lambda):
            for inner in ast.walk(keyword.value.body):
                if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name):
                    if inner.func.id in LANGUAGE_READERS:
                        return True
    return False


def bypasses(
    source: str, path: str = "<string>", allowed: frozenset[str] = frozenset()
) -> list[Bypass]:
    """Every literal with words that `source` passes to a Streamlit display call untranslated,
    and every format_func lambda that would translate outside the run (use a dict's .get)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        if _lazy_translation(node):
            found.append(Bypass(path, node.lineno, "format_func", "lambda calling _()"))
        if isinstance(node.func, ast.Attribute):
            name = node.func.attr
            if _receiver(node.func) in NOT_STREAMLIT:
                continue
        elif isinstance(node.func, ast.Name) and node.func.id == "Page":
            name = "Page"
        else:
            continue
        if name not in FIRST_ARG_IS_TEXT and name not in {"Page", "page_link", "set_page_config"}:
            continue
        for argument in _texts_of(node, name):
            for text in _literal_text(argument):
                if has_words(text) and text not in allowed:
                    found.append(Bypass(path, node.lineno, name, text))
    return found


def bypasses_in(root: Path, files: list[Path], allowed: frozenset[str]) -> list[Bypass]:
    """Every untranslated literal in `files` (paths reported relative to `root`)."""
    found = []
    for file in files:
        rel = str(file.relative_to(root))
        found += bypasses(file.read_text(encoding="utf-8"), rel, allowed)
    return found
