"""Exemptions: leads that did not meet the MQL definition in force at hand-off.

Such a lead does not count against sales: its clocks show "exempt", with the reason. A lead
whose hand-off recorded its rules (`handoff_rules_id`) is judged by those, whatever the
agreement or its draft says now; older leads by the signed definitions' history.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sla_core.scoring import score_leads
from sla_core.sla.timeline import Instants, micros
from sla_core.sla.worktime import WorkSetup
from sla_core.terms import AgreementContent

# A score is at most 100 a criterion (`terms.mql.Criterion.weight`) over six fields: two bytes
# a lead holds it (eight held 12 MiB more at a million leads, twice: here and in the clocks).
SCORE_TYPE = np.int16
# Follow-ups owed and made, four bytes a lead.
COUNT_TYPE = np.int32


def counted(value: int) -> int:
    """A count as `COUNT_TYPE` holds it (an absurd agreement's count is held at the most)."""
    return min(int(value), int(np.iinfo(COUNT_TYPE).max))


@dataclass(frozen=True)
class Exemptions:
    """Per lead: exempt or not, its MQL score and the threshold in force at its hand-off."""

    exempt: np.ndarray
    score: np.ndarray
    threshold: np.ndarray

    def rows(self, first: int, count: int) -> Exemptions:
        """The exemptions of leads `first` to `first + count` (by position)."""
        part = slice(first, first + count)
        return Exemptions(self.exempt[part], self.score[part], self.threshold[part])

    def take(self, positions: np.ndarray) -> Exemptions:
        """The exemptions of the leads at `positions`."""
        return Exemptions(self.exempt[positions], self.score[positions], self.threshold[positions])


def exempt_leads(
    leads: pd.DataFrame,
    content: AgreementContent,
    setup: WorkSetup,
    instants: Instants | None = None,
) -> Exemptions:
    """Score each handed-off lead against the MQL definition in force at its hand-off.

    The costly part of the clocks (scoring every lead): a page may compute it once per
    data revision and agreement and hand it to `lead_clocks`.
    """
    at = instants or Instants(leads)
    handoff = np.where(np.isnan(at["assigned_at"]), at["mql_at"], at["assigned_at"])
    history = setup.mql_history or ((pd.Timestamp(0, tz="UTC"), content.mql),)
    score = np.zeros(len(leads), dtype=SCORE_TYPE)
    threshold = np.zeros(len(leads), dtype=SCORE_TYPE)
    bounds = [micros(pd.Series([since])).item() for since, _ in history[1:]] + [np.inf]
    ruled = _by_rules(leads, setup)
    known = np.zeros(len(leads), dtype=bool)
    for _, rows in ruled:
        known[rows] = True
    low = -np.inf
    for (_, definition), high in zip(history, bounds, strict=True):
        span = (handoff >= low) & (handoff < high) if low > -np.inf else handoff < high
        span &= ~known  # leads whose hand-off recorded its rules are scored below
        if span.any():
            whole = len(history) == 1 and not known.any()  # scoring all beats copying
            part = leads if whole else leads.loc[span]
            scores = score_leads(part, definition).to_numpy()
            score[span] = scores[span] if whole else scores
            threshold[span] = definition.threshold
        low = high
    for rules_id, rows in ruled:
        definition = setup.rules[rules_id].mql
        most = 2 * len(rows) > len(leads)  # scoring all beats copying most of a big frame
        scores = score_leads(leads if most else leads.iloc[rows], definition).to_numpy()
        score[rows] = scores[rows] if most else scores
        threshold[rows] = definition.threshold
    return Exemptions(~np.isnan(handoff) & (score < threshold), score, threshold)


def _by_rules(leads: pd.DataFrame, setup: WorkSetup) -> list[tuple[int, np.ndarray]]:
    """(rules id, positions of the leads handed off under it) for every known rule set."""
    if not setup.rules or "handoff_rules_id" not in leads:
        return []
    codes, ids = pd.factorize(leads["handoff_rules_id"], use_na_sentinel=True)
    return [
        (int(rules_id), np.flatnonzero(codes == i))
        for i, rules_id in enumerate(ids)
        if int(rules_id) in setup.rules
    ]


def rule_arrays(
    leads: pd.DataFrame, content: AgreementContent, setup: WorkSetup
) -> dict[str, np.ndarray]:
    """Per lead, the windows of the rules its hand-off recorded (else `content`'s):
    disposition_hours, work_days, follow_ups."""
    w = content.windows
    out = {
        "disposition_hours": np.full(len(leads), float(w.disposition_hours)),
        "work_days": np.full(len(leads), float(w.work_within_days)),
        "follow_ups": np.full(len(leads), counted(w.follow_up_attempts), dtype=COUNT_TYPE),
    }
    for rules_id, rows in _by_rules(leads, setup):
        recorded = setup.rules[rules_id].windows
        out["disposition_hours"][rows] = float(recorded.disposition_hours)
        out["work_days"][rows] = float(recorded.work_within_days)
        out["follow_ups"][rows] = counted(recorded.follow_up_attempts)
    return out


def exemption_reasons(clocks: pd.DataFrame) -> pd.Series:
    """Why each exempt lead does not count against sales (empty text for the others)."""
    text = (
        "MQL score "
        + clocks["mql_score"].astype(str)
        + " was below the threshold "
        + clocks["mql_threshold"].astype(str)
        + " of the MQL definition in force at hand-off"
    )
    return text.where(clocks["exempt"], "")
