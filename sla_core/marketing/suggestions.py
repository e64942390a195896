"""Criteria suggestions from outcomes: which profile values go with won deals.

From leads whose outcome is known (won against lost, disqualified or nurture; optionally
leads still open count as not won, for files that only mark conversions), the older 75 %
(by creation) propose and the newest 25 % judge: each value's lift is its win rate over
the overall win rate; a field accepts the values with lift >= 1.2 (numeric fields: the
quintile bins around the best one); its points follow the naive-Bayes weight of evidence
log(P(accepted | won) / P(accepted | not won)), scaled to 100; the threshold is the score
that best separates won from not won on the older leads. Precision, recall and MQL volume are then measured on
the held-out newest leads, for the proposal and for the current definition alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sla_core.marketing.preview import prepare, scores
from sla_core.stages import Stage
from sla_core.terms import NUMERIC_CRITERIA, Criterion, CriterionField, MQLDefinition

NOT_WON = (Stage.LOST.value, Stage.DISQUALIFIED.value, Stage.NURTURE.value)
MIN_SUPPORT = 20
MIN_LIFT = 1.2


class NotEnoughOutcomes(ValueError):
    """Too few leads with a known outcome (or no won, or no not-won) to learn from."""


@dataclass(frozen=True)
class Suggestion:
    definition: MQLDefinition
    lifts: pd.DataFrame
    evaluation: pd.DataFrame
    trained_on: int
    held_out: int


def outcomes(leads: pd.DataFrame, *, open_as_not_won: bool = False) -> pd.DataFrame:
    """Leads with a known outcome and a `won` column, oldest first."""
    known = leads["stage"].isin([Stage.WON.value, *NOT_WON])
    if open_as_not_won:
        known |= leads["stage"] == Stage.LEAD.value
    out = leads[known].sort_values("created_at", kind="stable")
    return out.assign(won=out["stage"] == Stage.WON.value)


def _bins(values: pd.Series) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce")
    edges = np.unique(np.nanquantile(numbers.dropna(), [0, 0.2, 0.4, 0.6, 0.8, 1.0]))
    if len(edges) < 2:
        return pd.Series(pd.NA, index=values.index, dtype="string")
    cut = pd.cut(numbers, edges, include_lowest=True, duplicates="drop")
    labels = cut.map(lambda b: f"{math.ceil(b.left)}–{math.floor(b.right)}", na_action="ignore")
    return labels.astype("string")


def lift_table(train: pd.DataFrame) -> pd.DataFrame:
    """Every criterion value (numeric fields in quintiles) with its leads, wins and lift."""
    base_rate = train["won"].mean()
    parts = []
    for field in CriterionField:
        if field.value not in train or train[field.value].notna().sum() == 0:
            continue
        column = train[field.value]
        values = _bins(column) if field in NUMERIC_CRITERIA else column.astype("string")
        stats = train.groupby(values, dropna=True)["won"].agg(["size", "sum"])
        stats = stats.rename(columns={"size": "leads", "sum": "won"}).reset_index(names="value")
        stats.insert(0, "criterion", field.value)
        parts.append(stats)
    if not parts:
        return pd.DataFrame(columns=["criterion", "value", "leads", "won", "win_pct", "lift"])
    table = pd.concat(parts, ignore_index=True)
    table["win_pct"] = (table["won"] * 100 / table["leads"]).round(1)
    # Laplace smoothing keeps a value seen a handful of times from looking decisive
    table["lift"] = (((table["won"] + 1) / (table["leads"] + 2)) / base_rate).round(2)
    return table.sort_values(["criterion", "lift"], ascending=[True, False], ignore_index=True)


def _numeric_range(rows: pd.DataFrame) -> tuple[int, int] | None:
    """The span of contiguous good quintiles around the best one."""
    ordered = rows.assign(low=rows["value"].str.split("–").str[0].astype(int)).sort_values("low")
    good = (ordered["lift"] >= MIN_LIFT) & (ordered["leads"] >= MIN_SUPPORT)
    if not good.any():
        return None
    flags, best = good.to_list(), int(np.argmax(ordered["lift"].to_numpy() * good.to_numpy()))
    first = last = best
    while first > 0 and flags[first - 1]:
        first -= 1
    while last < len(flags) - 1 and flags[last + 1]:
        last += 1
    span = ordered["value"].iloc[[first, last]].str.split("–")
    return int(span.iloc[0][0]), int(span.iloc[1][1])


def _criterion(field: CriterionField, rows: pd.DataFrame) -> Criterion | None:
    if field in NUMERIC_CRITERIA:
        span = _numeric_range(rows)
        if span is None:
            return None
        return Criterion(field=field, weight=1, minimum=span[0], maximum=span[1])
    good = rows[(rows["lift"] >= MIN_LIFT) & (rows["leads"] >= MIN_SUPPORT)]
    if good.empty:
        return None
    return Criterion(field=field, weight=1, accepted=tuple(good["value"].astype(str)))


def _evidence(hits: np.ndarray, won: np.ndarray) -> float:
    """log(P(accepted | won) / P(accepted | not won)), smoothed; 0 when it does not help."""
    p_won = (hits[won].sum() + 1) / (won.sum() + 2)
    p_not = (hits[~won].sum() + 1) / ((~won).sum() + 2)
    return max(0.0, math.log(p_won / p_not))


def _weights(evidence: list[float]) -> list[int]:
    """Evidence scaled to points summing to about 100, in steps of 5 (at least 5 each)."""
    total = sum(evidence)
    return [max(5, int(round(e * 100 / total / 5)) * 5) for e in evidence]


def _best_threshold(score: np.ndarray, won: np.ndarray) -> int:
    """The score cut (above 0) that best separates won from not won (Youden's J).

    J = recall - false-positive rate; unlike F1 it does not reward flagging every lead
    when most leads convert.
    """
    best, best_j = int(score.max()), -1.0
    for cut in np.unique(score[score > 0]):
        flagged = score >= cut
        j = (flagged & won).sum() / won.sum() - (flagged & ~won).sum() / max((~won).sum(), 1)
        if j > best_j:
            best, best_j = int(cut), float(j)
    return best


def measure(frame: pd.DataFrame, mql: MQLDefinition, label: str) -> dict[str, object]:
    """Precision, recall and MQL volume of a definition on leads with outcomes."""
    flagged = scores(prepare(frame), mql) >= mql.threshold
    won = frame["won"].to_numpy(dtype=bool)
    hits = int((flagged & won).sum())
    return {
        "definition": label,
        "mqls": int(flagged.sum()),
        "mql_share_pct": round(100 * flagged.mean(), 1) if len(frame) else None,
        "precision_pct": round(100 * hits / flagged.sum(), 1) if flagged.any() else None,
        "recall_pct": round(100 * hits / won.sum(), 1) if won.any() else None,
    }


def suggest(
    leads: pd.DataFrame, current: MQLDefinition, *, open_as_not_won: bool = False
) -> Suggestion:
    """Proposed criteria, points and threshold, judged on the held-out newest leads."""
    known = outcomes(leads, open_as_not_won=open_as_not_won)
    won_count = int(known["won"].sum())
    if len(known) < 4 * MIN_SUPPORT or won_count == 0 or won_count == len(known):
        raise NotEnoughOutcomes(
            f"{len(known):,} leads with a known outcome ({won_count:,} won): at least "
            f"{4 * MIN_SUPPORT} are needed, some won and some not"
        )
    split = int(len(known) * 0.75)
    train, test = known.iloc[:split], known.iloc[split:]
    lifts = lift_table(train)
    base = prepare(train)
    won = train["won"].to_numpy(dtype=bool)
    criteria, evidence = [], []
    for field in CriterionField:
        proposed = _criterion(field, lifts[lifts["criterion"] == field.value])
        if proposed is None:
            continue
        weight = _evidence(scores(base, MQLDefinition(criteria=(proposed,), threshold=1)) > 0, won)
        if weight > 0:
            criteria.append(proposed)
            evidence.append(weight)
    if not criteria:
        raise NotEnoughOutcomes("no profile value goes with won deals clearly enough to suggest")
    weighted = tuple(
        c.model_copy(update={"weight": w})
        for c, w in zip(criteria, _weights(evidence), strict=True)
    )
    draft = MQLDefinition(criteria=weighted, threshold=0)
    threshold = _best_threshold(scores(base, draft), won)
    proposal = MQLDefinition(criteria=weighted, threshold=threshold)
    evaluation = pd.DataFrame(
        [measure(test, current, "current"), measure(test, proposal, "suggested")]
    )
    return Suggestion(proposal, lifts, evaluation, len(train), len(test))
