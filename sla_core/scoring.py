"""MQL scoring: the agreement's six profile criteria applied to a whole DataFrame at once."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from sla_core.terms import NUMERIC_CRITERIA, Criterion, CriterionField, MQLDefinition

# Industry and department name one category each; titles and tech stacks are free text
# ("VP of Sales EMEA", "Salesforce; Slack"), so those match on a contained value.
EXACT_CRITERIA = frozenset({CriterionField.INDUSTRY, CriterionField.DEPARTMENT})


def criterion_met(frame: pd.DataFrame, criterion: Criterion) -> pd.Series:
    """Whether each lead's value is accepted by one criterion; a missing value never is."""
    column = criterion.field.value
    if column not in frame:
        return pd.Series(False, index=frame.index, dtype=bool)
    values = frame[column]
    if criterion.field in NUMERIC_CRITERIA:
        numbers = pd.to_numeric(values, errors="coerce").astype("float64")
        met = numbers.notna()
        if criterion.minimum is not None:
            met &= numbers >= criterion.minimum
        if criterion.maximum is not None:
            met &= numbers <= criterion.maximum
        return met.fillna(False).astype(bool)
    # Profile columns repeat a few values many times: judge each distinct value once.
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    # a trailing False stands for the missing values (code -1)
    lookup = np.append(accepted_uniques(pd.Series(uniques), criterion), False)
    return pd.Series(lookup[codes], index=frame.index, dtype=bool)


def accepted_uniques(uniques: pd.Series, criterion: Criterion) -> np.ndarray:
    """Which of a text criterion's distinct values it accepts (the one matching rule)."""
    accepted = [a.strip().casefold() for a in criterion.accepted if a.strip()]
    if not accepted:
        return np.zeros(len(uniques), dtype=bool)
    text = uniques.astype("string").str.strip().str.casefold()
    if criterion.field in EXACT_CRITERIA:
        hits = text.isin(accepted)
    else:
        pattern = "|".join(re.escape(a) for a in accepted)
        hits = text.str.contains(pattern, regex=True)
    return np.asarray(hits.fillna(False).to_numpy(dtype=bool))


def score_leads(frame: pd.DataFrame, mql: MQLDefinition) -> pd.Series:
    """Each lead's MQL score: the sum of the weights of the criteria its profile meets."""
    score = np.zeros(len(frame), dtype=np.int64)
    for criterion in mql.criteria:
        score += criterion_met(frame, criterion).to_numpy(dtype=bool) * criterion.weight
    return pd.Series(score, index=frame.index, name="score")


def qualifies(frame: pd.DataFrame, mql: MQLDefinition) -> pd.Series:
    """Whether each lead is marketing-qualified: its score reaches the threshold."""
    return (score_leads(frame, mql) >= mql.threshold).rename("qualifies")
