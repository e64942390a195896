"""Everything a page shows a reader, read from an AppTest run, and what of it is not fa/ar.

`shown(at)` walks the whole element tree (main, sidebar, tabs, expanders, forms) and
returns what a reader sees as text: titles, captions, Markdown, alerts, widget labels,
options and help, metric labels and values, table headers and the figures in tables,
chart titles, axis and legend titles and the labels of chart marks. `offences(...)` lists
the Latin-letter words (outside code spans and product names) and the Latin digits.

Data a team typed (names, companies, reasons) is not the interface: the world the meta-test
builds writes its data in Persian, so what remains in Latin letters is the interface's.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
from google.protobuf.json_format import MessageToDict

# Words that stay in Latin letters in Persian and Arabic text: product names, acronyms,
# file formats and units a reader of either language writes in Latin letters too.
LATIN_OK = frozenset(
    """LeadPact MQL MQLs SQL SQLs SAL SLA CRM CSV TSV XLSX xlsx csv Excel PDF pdf Markdown UTC
    ISO HubSpot Salesforce Pipedrive Zoho SMTP STARTTLS TLS SSL USD EUR IRR SAR AED GmbH SHA
    SHA-256 Vazirmatn JSON ID URL IMAP English""".split()
)

_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")
_LATIN_DIGIT = re.compile(r"[0-9]")
# Not read: code spans, Material icons, e-mail addresses, links, time-zone names, the
# keys a CRM gave its records; placeholders a test left unformatted show up as themselves.
_SKIP = re.compile(
    r"`[^`]*`|:material/[a-z0-9_]+:|[\w.+-]+@[\w-]+(\.[\w-]+)+|https?://\S+|"
    r"\b[A-Z][A-Za-z]+/[A-Za-z0-9_/+-]+|"  # time-zone names (IANA identifiers)
    r"\b[A-Za-z]+(?:-[0-9]+)+\b|"  # record keys a CRM gave a lead (demo-7-000123, CRM-1042)
    r"<[^>]+>|&[a-z]+;"
)


# A username as a placeholder's example shows it: lower-case words joined by dots.
_USERNAME = re.compile(r"(?<![\w.])[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+(?![\w.])")


@dataclass(frozen=True)
class Shown:
    """One piece of text a page shows: what kind of thing it is, and the text."""

    kind: str
    text: str


@dataclass(frozen=True)
class Offence:
    """A Latin word or a Latin digit where a fa/ar reader should read their own script."""

    kind: str
    text: str
    what: str  # "word" or "digit"
    found: str


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


# A widget's value is what the reader chose or typed (and a team's own text), not the
# interface: the issue lists titles, captions, texts, labels, options, metrics, table
# headers and chart titles.
_TEXT_KEYS = ("label", "body", "options", "help", "placeholder", "caption", "text",
              "title", "delta", "formattedValue", "name")  # fmt: skip
_NOT_TEXT = frozenset({"id", "formId", "type", "icon", "format", "key", "fragmentId",
                       "url", "urlPath", "data", "spec", "columns", "selectionMode"})  # fmt: skip


def _element_texts(kind: str, message: dict[str, Any]) -> list[Shown]:
    found: list[Shown] = []
    for key, value in message.items():
        if key in _NOT_TEXT:
            continue
        if key in _TEXT_KEYS:
            found += [Shown(f"{kind}.{key}", s) for s in _strings(value) if s.strip()]
        elif isinstance(value, dict):
            found += _element_texts(kind, value)
    return found


def _table(
    kind: str, data: bytes, columns: str = "", order: list[str] | None = None, shown: bytes = b""
) -> list[Shown]:
    """The headers and cells of an Arrow table as the grid draws them: a column's label
    from its column config (else its name); hidden columns, columns left out of
    `column_order` and the index are not drawn; a true/false column is checkboxes. A
    pandas Styler's formatted cells (`shown`) are what the grid draws in its cells."""
    if not data:
        return []
    config = json.loads(columns) if columns else {}
    frame = pa.ipc.open_stream(io.BytesIO(data)).read_all().to_pandas()
    cells = frame
    if shown:
        styled = pa.ipc.open_stream(io.BytesIO(shown)).read_all().to_pandas()
        if list(styled.columns) == list(frame.columns):
            cells = styled
    found: list[Shown] = []
    for column in frame.columns:
        name = str(column)
        setting = config.get(name) if isinstance(config.get(name), dict) else {}
        if name.startswith("__index_level") or setting.get("hidden") or (
                order and name not in order):  # fmt: skip
            continue
        found.append(Shown(f"{kind}.header", str(setting.get("label") or name)))
        if setting.get("help"):
            found.append(Shown(f"{kind}.help", str(setting["help"])))
        for option in (setting.get("type_config") or {}).get("options") or []:
            found.append(Shown(f"{kind}.option", str(option)))
        for cell in cells[column].tolist()[:200]:
            if cell is None or (isinstance(cell, float) and cell != cell):
                continue
            if isinstance(cell, bool):  # a true/false column is drawn as checkboxes
                continue
            found.append(Shown(f"{kind}.cell", str(cell)))
    return found


def _chart(spec_text: str) -> list[Shown]:
    """Titles of a Vega-Lite chart: its own, its axes', its legends', and text marks."""
    found: list[Shown] = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("title", "subtitle") and value:
                    found.extend(Shown(f"chart.{where or 'title'}", s) for s in _strings(value))
                    if isinstance(value, dict):
                        walk(value, where)
                elif key in ("datasets", "data", "$schema", "config", "usermeta"):
                    continue
                else:
                    walk(value, key if key in ("axis", "legend", "header") else where)
        elif isinstance(node, list):
            for item in node:
                walk(item, where)

    spec = json.loads(spec_text)
    walk(spec, "")
    return found + _axis_labels(spec)


# What a chart's axes print without a locale: Vega's English month names and Latin digits.
TIME_TICKS = "Jan Feb Mar … (a time axis without a time locale prints English month names)"
NUMBER_TICKS = "0 20 40 … (a number axis without a number locale prints Latin digits)"


def _axis_labels(spec: dict[str, Any]) -> list[Shown]:
    """The tick labels of the chart's axes, as far as the spec decides their script: a time
    axis needs `config.locale.time` (or its own labelExpr), a number axis
    `config.locale.number`; an axis that draws no labels prints nothing."""
    locale = (spec.get("config") or {}).get("locale") or {}
    found: list[Shown] = []

    def axes(node: Any) -> None:
        if isinstance(node, dict):
            for channel, enc in (node.get("encoding") or {}).items():
                if channel not in ("x", "y") or not isinstance(enc, dict):
                    continue
                axis = enc.get("axis", {})
                if axis is None or (isinstance(axis, dict) and (
                        axis.get("labels") is False or "labelExpr" in axis)):  # fmt: skip
                    continue
                temporal = enc.get("type") == "temporal" or "timeUnit" in enc
                if temporal and "time" not in locale:
                    found.append(Shown("chart.axis_labels", TIME_TICKS))
                elif enc.get("type") == "quantitative" and "number" not in locale:
                    found.append(Shown("chart.axis_labels", NUMBER_TICKS))
            for key, value in node.items():
                if key not in ("encoding", "datasets", "data", "config"):
                    axes(value)
        elif isinstance(node, list):
            for item in node:
                axes(item)

    axes(spec)
    return list(dict.fromkeys(found))


def _walk(node: Any) -> list[Shown]:
    found: list[Shown] = []
    proto = getattr(node, "proto", None)
    children = getattr(node, "children", None)
    if children is not None:  # a block: tabs and expanders carry a label
        label = getattr(node, "label", None)
        if isinstance(label, str) and label.strip():
            found.append(Shown(f"{getattr(node, 'type', 'block')}.label", label))
        for child in children.values():
            found += _walk(child)
        return found
    if proto is None:
        return found
    kind = getattr(node, "type", "") or ""
    if kind in ("html", "exception", "empty", "imgs", "favicon", "code"):
        return found
    if kind in ("arrow_data_frame", "dataframe", "table", "arrow_table"):
        arrow = getattr(proto, "arrow_data", None)
        data = arrow.data if arrow is not None else getattr(proto, "data", b"")
        styled = (
            arrow.styler.display_values if arrow is not None and arrow.HasField("styler") else b""
        )
        order = list(getattr(proto, "column_order", []) or [])
        return found + _table(kind, data, getattr(proto, "columns", ""), order, styled)
    if kind in ("arrow_vega_lite_chart", "vega_lite_chart"):
        return _chart(proto.spec)
    if hasattr(proto, "DESCRIPTOR"):
        found += _element_texts(kind, MessageToDict(proto))
    return found


def shown(at: Any) -> list[Shown]:
    """What the last run of `at` shows a reader, in the main area and the sidebar."""
    return _walk(at.main) + _walk(at.sidebar)


def offences(texts: list[Shown], identifiers: frozenset[str] = frozenset()) -> list[Offence]:
    """Latin-letter words (outside product names and code) and Latin digits in `texts`.

    `identifiers` are the world's own Latin identifiers a page may show as they are (the
    usernames people sign in with): only those exact tokens are passed over.
    """
    ids = (
        re.compile(r"(?<![\w.])(?:" + "|".join(map(re.escape, sorted(identifiers))) + r")(?![\w.])")
        if identifiers
        else None
    )
    found = []
    for item in texts:
        plain = _SKIP.sub(" ", item.text)
        if item.kind.endswith(".placeholder"):  # "e.g. sara.ahmadi": an example username
            plain = _USERNAME.sub(" ", plain)
        if ids is not None:
            plain = ids.sub(" ", plain)
        for word in _LATIN_WORD.findall(plain):
            if word not in LATIN_OK:
                found.append(Offence(item.kind, item.text, "word", word))
                break
        digit = _LATIN_DIGIT.search(plain)
        if digit:
            found.append(Offence(item.kind, item.text, "digit", digit.group()))
    return found
