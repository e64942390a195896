"""Charts for Persian and Arabic readers: translated titles, mirrored axes, local digits,
dates in the reader's calendar (sla_core.i18n.chart_dates).

Works on the Vega-Lite spec of any altair chart, so the chart builders in sla_core stay
language-free: they mark their titles with N_() and the page localises the chart it draws.

Charts are drawn left to right even on a right-to-left page (ui/rtl.py): Vega aligns its
texts by "start" and "end", which a right-to-left page would swap. The mirroring is the
spec's: the x axis runs from the right, the value axis and the title stand on the right,
legends on the left; every translated text is a right-to-left isolate.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sla_core.i18n import dates
from sla_core.i18n.chart_dates import localise_dates
from sla_core.i18n.languages import Language, is_rtl
from sla_core.i18n.numbers import ARABIC_INDIC_DIGITS, PERSIAN_DIGITS
from sla_core.periods import Calendar

FONT = "Vazirmatn"
# Right-to-left isolate: a translated title holding a Latin word ("MQL") or a figure
# ("هدف ۹۰٪") keeps its right-to-left order (charts are drawn left to right, ui/rtl.py).
RLI, PDI = "\u2067", "\u2069"
# The labels of axes and legends (stage names, people's names) likewise: "MQLها".
LABEL_EXPR = f"'{RLI}' + datum.label + '{PDI}'"
RTL_PADDING = {"left": 5, "top": 5, "right": 14, "bottom": 5}
_LEGENDS = ("color", "fill", "stroke", "shape", "size", "opacity", "strokeDash")
_DIGITS = {Language.PERSIAN: PERSIAN_DIGITS, Language.ARABIC: ARABIC_INDIC_DIGITS}


def number_locale(language: Language) -> dict[str, Any]:
    """The d3 number format locale of `language`: its digits, separators and percent sign."""
    return {
        "decimal": "٫",
        "thousands": "٬",
        "grouping": [3],
        "currency": ["", ""],
        "numerals": list(_DIGITS[language]),
        "percent": "٪",
    }


def _translate_titles(node: Any, translate: Callable[[str], str]) -> Any:
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "title" and isinstance(value, str):
                out[key] = translate(value)
            elif key == "title" and isinstance(value, dict) and isinstance(value.get("text"), str):
                out[key] = {**value, "text": translate(value["text"])}
            elif key in {"data", "datasets"}:
                out[key] = value  # data are shown as they are
            else:
                out[key] = _translate_titles(value, translate)
        return out
    if isinstance(node, list):
        return [_translate_titles(item, translate) for item in node]
    return node


def _mirror(node: Any) -> Any:
    """Right to left: the x axis runs from the right, the value axis stands on the right."""
    if isinstance(node, dict):
        out = {k: _mirror(v) for k, v in node.items() if k not in {"data", "datasets"}}
        out.update({k: node[k] for k in ("data", "datasets") if k in node})
        encoding = out.get("encoding")
        if isinstance(encoding, dict):
            out["encoding"] = _mirror_encoding(encoding)
        return out
    if isinstance(node, list):
        return [_mirror(item) for item in node]
    return node


def _plotted(channel: Any) -> bool:
    return isinstance(channel, dict) and ("field" in channel or "aggregate" in channel)


def _mirror_encoding(encoding: dict[str, Any]) -> dict[str, Any]:
    mirrored = dict(encoding)
    x: Any = mirrored.get("x")
    if _plotted(x):
        scale = dict(x.get("scale") or {})
        scale["reverse"] = not scale.get("reverse", False)
        mirrored["x"] = {**x, "scale": scale}
    y: Any = mirrored.get("y")
    if _plotted(y) and y.get("axis", {}) is not None:
        mirrored["y"] = {**y, "axis": {**dict(y.get("axis") or {}), "orient": "right"}}
    for name in _LEGENDS:
        channel: Any = mirrored.get(name)
        if _plotted(channel) and channel.get("legend", {}) is not None:
            legend = dict(channel.get("legend") or {})
            # away from the value axis, which stands on the right
            if legend.get("orient", "right") == "right":
                legend["orient"] = "left"
            legend.setdefault("labelExpr", LABEL_EXPR)
            mirrored[name] = {**channel, "legend": legend}
    return mirrored


def _text_fields(node: Any, found: dict[str, set[str]], inherited: str | None = None) -> None:
    """Dataset name -> fields that text marks print (a gauge's figure, a podium's places);
    a layer without data of its own reads its parent's."""
    if isinstance(node, dict):
        own = (node.get("data") or {}).get("name") if isinstance(node.get("data"), dict) else None
        name = own or inherited
        mark = node.get("mark")
        kind = mark.get("type") if isinstance(mark, dict) else mark
        field = ((node.get("encoding") or {}).get("text") or {}).get("field")
        if kind == "text" and isinstance(field, str) and isinstance(name, str):
            found.setdefault(name, set()).add(field.split(":")[0])
        for value in node.values():
            _text_fields(value, found, name)
    elif isinstance(node, list):
        for item in node:
            _text_fields(item, found, inherited)


def _localise_texts(spec: dict[str, Any], text: Callable[[str], str]) -> dict[str, Any]:
    found: dict[str, set[str]] = {}
    _text_fields(spec, found)
    if not found or "datasets" not in spec:
        return spec
    datasets = dict(spec["datasets"])
    for name, fields in found.items():
        rows = datasets.get(name)
        if isinstance(rows, list):
            datasets[name] = [
                {k: text(v) if k in fields and isinstance(v, str) else v for k, v in row.items()}
                for row in rows
            ]
    return {**spec, "datasets": datasets}


def _isolated(translate: Callable[[str], str]) -> Callable[[str], str]:
    """Right-to-left words: isolated, with the Arabic percent sign (a bare "%" title)."""
    return lambda text: f"{RLI}{translate(text).replace('%', '٪')}{PDI}" if text.strip() else text


def localise_spec(
    spec: dict[str, Any],
    *,
    language: Language,
    translate: Callable[[str], str],
    text: Callable[[str], str] | None = None,
    calendar: Calendar = Calendar.GREGORIAN,
    zone: str = "UTC",
) -> dict[str, Any]:
    """A Vega-Lite spec for readers of `language`: titles translated (and the words text
    marks print, through `text`); dates and period labels in the reader's calendar, month
    names and digits (`calendar` is the organisation's, `zone` its time zone); for fa and
    ar, mirrored axes, local digits and separators in axis numbers, and the Vazirmatn font.

    English in the Gregorian calendar is left as it is."""
    shown_in = dates.display_calendar(language, calendar)
    if language is Language.ENGLISH and shown_in is Calendar.GREGORIAN:
        return spec
    localised: dict[str, Any] = localise_dates(
        spec, language=language, calendar=calendar, zone=zone
    )
    if language is Language.ENGLISH:
        return localised
    rtl = is_rtl(language)
    localised = _translate_titles(localised, _isolated(translate) if rtl else translate)
    if text is not None:
        localised = _localise_texts(localised, _isolated(text) if rtl else text)
    if rtl:
        localised = _mirror(localised)
        config = dict(localised.get("config") or {})
        config["locale"] = {**dict(config.get("locale") or {}), "number": number_locale(language)}
        config["font"] = FONT
        config["axis"] = {"labelExpr": LABEL_EXPR, **dict(config.get("axis") or {})}
        config["title"] = {"anchor": "end", **dict(config.get("title") or {})}  # at the right
        localised["config"] = config
        # room for the value axis's title: Arabic letters rise above the height Vega allows
        localised.setdefault("padding", RTL_PADDING)
    return localised
