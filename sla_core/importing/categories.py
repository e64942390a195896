"""Category values that differ only in case or spacing ("Direct Traffic", "Direct  traffic")
are one value: the file's most frequent spelling, its spaces tidied."""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api.extensions import take

from sla_core.store.fields import CATEGORY_FIELDS


def spelling_key(value: str) -> str:
    """What two spellings of one category share: words in lower case, single spaces."""
    return " ".join(value.split()).casefold()


def one_spelling(values: pd.Series, field: str) -> pd.Series:
    """For a category field, each value in the file's most frequent spelling of it."""
    if field not in CATEGORY_FIELDS:
        return values
    codes, uniques = pd.factorize(values)
    if len(uniques) == 0:
        return values
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    best: dict[str, tuple[int, int]] = {}  # key -> (count, position of the spelling)
    for position, value in enumerate(uniques):
        key = spelling_key(str(value))
        seen = best.get(key)
        if seen is None or counts[position] > seen[0]:
            best[key] = (int(counts[position]), position)
    chosen = [" ".join(str(uniques[best[spelling_key(str(v))][1]]).split()) for v in uniques]
    if chosen == [str(v) for v in uniques]:
        return values
    spelled = pd.array(chosen, dtype=values.dtype)
    taken = take(spelled, codes, allow_fill=True)
    return pd.Series(taken, index=values.index, name=values.name)
