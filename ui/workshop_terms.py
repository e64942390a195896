"""The workshop's editors for the terms around the text: targets and windows (last
quarter's figure under each number); who agrees, from when and for how long; how the
agreement is enforced, with the point rules that carry it out (one section, so the
enforcement sentence and the numbers are always saved together)."""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from sla_core.agreement.figures import History
from sla_core.i18n.languages import N_
from sla_core.terms import Enforcement
from sla_core.terms.defaults import shown_parties
from ui.dates import date_input
from ui.i18n import _, language

# Marked, translated where drawn: a module is imported once for every reader.
TARGET_FIELDS = (
    ("mqls_per_marketer", N_("MQLs per marketer per month")),
    ("conversion_rate_pct", N_("MQL to customer conversion, %")),
    ("opportunities_per_rep", N_("Opportunities per rep per month")),
    ("min_mqls_per_rep", N_("MQLs per rep per month, at least")),
    ("max_mqls_per_rep", N_("MQLs per rep per month, at most")),
    ("quality_pct", N_("MQL quality, %")),
)
WINDOW_FIELDS = (
    ("disposition_hours", N_("Disposition within (hours)")),
    ("work_within_days", N_("Work every MQL within (days)")),
    ("follow_up_attempts", N_("Follow-up attempts")),
    ("remind_before_hours", N_("Remind before a window closes (hours)")),
)
HISTORY_OF = {
    "mqls_per_marketer": "mqls_per_marketer",
    "conversion_rate_pct": "conversion_pct",
    "opportunities_per_rep": "opportunities_per_rep",
    "min_mqls_per_rep": "min_mqls_per_rep",
    "max_mqls_per_rep": "max_mqls_per_rep",
    "quality_pct": "quality_pct",
    "disposition_hours": "disposition_in_window_pct",
}
ENFORCEMENT_LABELS = {
    Enforcement.CARROT: N_("Carrot: rewards for meeting and beating service levels"),
    Enforcement.STICK: N_("Stick: penalties for missing service levels"),
    Enforcement.BOTH: N_("Both carrot and stick"),
}


def enforcement(stored: dict[str, Any], key: Any) -> dict[str, Any]:
    """The enforcement chosen and the point rules that carry it out, saved together."""
    options = list(Enforcement)
    mode = st.radio(
        _("Enforcement"),
        options,
        index=options.index(Enforcement(stored["enforcement"])),
        format_func={e: _(label) for e, label in ENFORCEMENT_LABELS.items()}.__getitem__,
        key=key("mode"),
    )
    chosen = mode or Enforcement(stored["enforcement"])
    left, middle = st.columns(2)
    met = left.number_input(
        _("Points for meeting a service level"), value=int(stored["met"]), min_value=0,
        step=1, key=key("met"),
    )  # fmt: skip
    exceeded = middle.number_input(
        _("Extra points for exceeding it"), value=int(stored["exceeded"]), min_value=0,
        step=1, key=key("exceeded"),
    )  # fmt: skip
    left, middle = st.columns(2)
    by = left.number_input(
        _("Exceeded means above the goal by (%)"), value=float(stored["exceeded_by_pct"]),
        min_value=0.0, step=5.0, key=key("by"),
    )  # fmt: skip
    carrot = chosen is Enforcement.CARROT
    penalty = middle.number_input(
        _("Points a missed service level costs (the stick)"),
        value=int(stored["missed_penalty"]),
        min_value=0,
        step=1,
        help=_("The carrot alone: a missed service level costs no points."),
        key=key("penalty"),
    )
    return {
        "enforcement": chosen.value,
        "met": int(met),
        "exceeded": int(exceeded),
        "exceeded_by_pct": f"{by:.1f}",
        "missed_penalty": 0 if carrot else int(penalty),
    }


def parties(stored: dict[str, Any], key: Any) -> dict[str, Any]:
    """The company, both teams, the effective date and the term."""
    company = st.text_input(_("Company"), value=stored["company"] or "", key=key("company"))
    # default team names read in the reader's language; left as shown, they stay as stored
    shown = shown_parties(tuple(stored["parties"]), language())
    teams = list(shown) + [""] * max(0, 2 - len(shown))
    left, right = st.columns(2)
    parties = [
        column.text_input(label, value=team, key=key(f"party_{index}"))
        for index, (column, label, team) in enumerate(
            zip((left, right), (_("Sales team"), _("Marketing team")), teams[:2], strict=True)
        )
    ]
    left, right = st.columns(2)
    with left:  # in the reader's calendar and digits (Streamlit's picker: Latin only)
        start = date_input(
            _("Effective from"),
            value=date.fromisoformat(stored["effective_from"])
            if stored["effective_from"]
            else None,
            key=key("effective"),
        )
    term = right.number_input(
        _("Term (months)"), value=stored["term_months"], min_value=1, max_value=120, step=1,
        placeholder=_("not set"), key=key("term"),
    )  # fmt: skip
    return {
        "company": company.strip() or None,
        "parties": list(stored["parties"])
        if (*parties, *teams[2:]) == tuple(shown)
        else [*parties, *teams[2:]],
        "effective_from": start.isoformat() if isinstance(start, date) else None,
        "term_months": int(term) if term is not None else None,
    }


def numbers(
    fields: tuple[tuple[str, str], ...],
    stored: dict[str, Any],
    key: Any,
    history: History | None,
) -> dict[str, Any]:
    """Number inputs for targets or windows, each with last quarter's figure under it."""
    result = dict(stored)
    for name, label in fields:
        current = stored[name]
        is_pct = isinstance(current, str)
        number = st.number_input(
            _(label),
            value=float(current) if is_pct else int(current),
            min_value=0.0 if is_pct else 0,
            step=0.5 if is_pct else 1,
            key=key(name),
        )
        result[name] = f"{number:.1f}" if is_pct else int(number)
        line = history.sentence(HISTORY_OF[name]) if history and name in HISTORY_OF else None
        if line:
            st.caption(_(line))
    return result
