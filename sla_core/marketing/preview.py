"""The criteria page's live preview: how many leads qualify under a proposed definition.

The lead snapshot is prepared once (each profile column factorised, each group coded), so
moving a slider rescores a million leads from small arrays: a text criterion is judged on
its distinct values only, and every breakdown is one `np.bincount`.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sla_core.access import require_organisation_figures
from sla_core.models import User
from sla_core.periods import Calendar, labels_of
from sla_core.scoring import accepted_uniques, criterion_met
from sla_core.store.memo import Memo
from sla_core.terms import NUMERIC_CRITERIA, Criterion, CriterionField, MQLDefinition, Targets

NONE_LABEL = "(none)"
GROUPS = ("source", "marketer", "month")


@dataclass(frozen=True)
class Coded:
    """One column as integer codes into `labels` (missing values get their own label)."""

    codes: np.ndarray
    labels: tuple[str, ...]


@dataclass(frozen=True)
class ProfileBase:
    """The snapshot prepared for rescoring; built once per data revision, never mutated."""

    size: int
    text: Mapping[CriterionField, tuple[np.ndarray, pd.Series]]
    numbers: Mapping[CriterionField, np.ndarray]
    groups: Mapping[str, Coded]


def _coded(values: pd.Series) -> Coded:
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    labels = [str(u) for u in uniques]
    if (codes < 0).any():
        codes = np.where(codes < 0, len(labels), codes)
        labels.append(NONE_LABEL)
    return Coded(np.asarray(codes, dtype=np.int64), tuple(labels))


def prepare(
    leads: pd.DataFrame,
    *,
    marketers: Mapping[int, str] | None = None,
    zone: str = "UTC",
    calendar: Calendar = Calendar.GREGORIAN,
) -> ProfileBase:
    """Factorise the six profile columns and the source, marketer and month of every lead."""
    text: dict[CriterionField, tuple[np.ndarray, pd.Series]] = {}
    numbers: dict[CriterionField, np.ndarray] = {}
    for field in CriterionField:
        column = leads[field.value] if field.value in leads else pd.Series(pd.NA, index=leads.index)
        if field in NUMERIC_CRITERIA:
            numbers[field] = pd.to_numeric(column, errors="coerce").to_numpy(
                dtype="float64", na_value=np.nan
            )
        else:
            codes, uniques = pd.factorize(column, use_na_sentinel=True)
            text[field] = (np.asarray(codes), pd.Series(uniques))
    names = dict(marketers or {})
    missing = pd.Series(pd.NA, index=leads.index, dtype="Int64")
    marketer = leads.get("marketer_id", missing).astype("Int64").map(names, na_action="ignore")
    month = labels_of(leads["created_at"], zone=zone, calendar=calendar)
    groups = {
        "source": _coded(leads.get("source", missing.astype("string"))),
        "marketer": _coded(marketer.astype("string")),
        "month": _coded(month),
    }
    return ProfileBase(len(leads), text, numbers, groups)


def present_values(base: ProfileBase, field: CriterionField, limit: int = 300) -> list[str]:
    """A text criterion's values present in the leads, most frequent first (blanks left out)."""
    codes, uniques = base.text[field]
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    order = np.argsort(-counts, kind="stable")
    values = [str(uniques.iloc[i]).strip() for i in order[: limit * 2] if counts[i]]
    return [v for v in dict.fromkeys(values) if v][:limit]


def criterion_hits(base: ProfileBase, criterion: Criterion) -> np.ndarray:
    """Whether each lead meets one criterion (the same rule as `scoring.criterion_met`)."""
    if criterion.field in NUMERIC_CRITERIA:
        numbers = base.numbers[criterion.field]
        met = ~np.isnan(numbers)
        with np.errstate(invalid="ignore"):
            if criterion.minimum is not None:
                met &= numbers >= criterion.minimum
            if criterion.maximum is not None:
                met &= numbers <= criterion.maximum
        return np.asarray(met, dtype=bool)
    codes, uniques = base.text[criterion.field]
    lookup = np.append(accepted_uniques(uniques, criterion), False)
    return np.asarray(lookup[codes])


def scores(base: ProfileBase, mql: MQLDefinition) -> np.ndarray:
    """Every lead's score under `mql`."""
    total = np.zeros(base.size, dtype=np.int64)
    for criterion in mql.criteria:
        total += criterion_hits(base, criterion) * criterion.weight
    return total


@dataclass(frozen=True)
class Preview:
    """Qualifying leads under the version in force and under the proposal, broken down."""

    in_force: int
    proposed: int
    total: int
    breakdown: Mapping[str, pd.DataFrame]


def _breakdown(coded: Coded, before: np.ndarray, after: np.ndarray) -> pd.DataFrame:
    size = len(coded.labels)
    was = np.bincount(coded.codes, weights=before, minlength=size).astype(np.int64)
    now = np.bincount(coded.codes, weights=after, minlength=size).astype(np.int64)
    leads = np.bincount(coded.codes, minlength=size).astype(np.int64)
    frame = pd.DataFrame({"group": coded.labels, "leads": leads, "in_force": was, "proposed": now})
    frame["change"] = frame["proposed"] - frame["in_force"]
    return frame


def compare(
    base: ProfileBase,
    in_force: np.ndarray,
    in_force_threshold: int,
    proposed: np.ndarray,
    proposed_threshold: int,
) -> Preview:
    """Count qualifying leads under both definitions, by source, marketer and month."""
    before = in_force >= in_force_threshold
    after = proposed >= proposed_threshold
    parts = {}
    for name in GROUPS:
        frame = _breakdown(base.groups[name], before, after)
        if name == "month":
            parts[name] = frame.sort_values("group", ignore_index=True)
        else:
            parts[name] = frame.sort_values(
                ["proposed", "leads", "group"], ascending=[False, False, True]
            )
            parts[name] = parts[name].reset_index(drop=True)
    return Preview(int(before.sum()), int(after.sum()), base.size, parts)


def rep_load(by_month: pd.DataFrame, active_reps: int, targets: Targets) -> pd.DataFrame:
    """MQLs each rep would receive per month (spread evenly) against the min/max caps."""
    frame = by_month.loc[by_month["group"] != NONE_LABEL, ["group", "proposed"]].copy()
    frame = frame.rename(columns={"group": "month", "proposed": "mqls"})
    reps = max(active_reps, 0)
    per_rep = frame["mqls"] / reps if reps else pd.Series(np.nan, index=frame.index)
    frame["per_rep"] = per_rep.round(1)
    frame["min"] = targets.min_mqls_per_rep
    frame["max"] = targets.max_mqls_per_rep
    frame["verdict"] = np.select(
        [per_rep.isna(), per_rep < targets.min_mqls_per_rep, per_rep > targets.max_mqls_per_rep],
        ["no active rep", "below min", "above max"],
        "within caps",
    )
    return frame.reset_index(drop=True)


def _shown(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def explain(lead: pd.Series, mql: MQLDefinition) -> pd.DataFrame:
    """One lead under `mql`: each criterion's value, whether it is met, and its points."""
    one = lead.to_frame().T
    rows = []
    for criterion in mql.criteria:
        met = bool(criterion_met(one, criterion).iloc[0])
        value = lead.get(criterion.field.value)
        rows.append(
            {
                "criterion": criterion.field.value,
                "value": _shown(value),
                "met": met,
                "points": criterion.weight if met else 0,
                "of": criterion.weight,
            }
        )
    return pd.DataFrame(rows, columns=["criterion", "value", "met", "points", "of"])


def verdict(explained: pd.DataFrame, threshold: int) -> tuple[int, bool]:
    """The total of an explained lead and whether it reaches the threshold."""
    total = int(explained["points"].sum())
    return total, total >= threshold


def find_lead(leads: pd.DataFrame, wanted: str) -> pd.Series | None:
    """The lead whose id, e-mail (case-insensitive) or key is `wanted`, if any."""
    text = wanted.strip()
    if not text:
        return None
    match = pd.Series(False, index=leads.index)
    if "lead_key" in leads:  # the shared snapshot leaves the import key out
        match |= leads["lead_key"].astype("string") == text
    if "email" in leads:
        match |= leads["email"].astype("string").str.casefold() == text.casefold()
    if text.isdigit():
        match |= leads["id"] == int(text)
    hits = leads[match.fillna(False).astype(bool)]
    return None if hits.empty else hits.iloc[0]


# The criteria page's preview, once per data revision in the shared memo (`sla_core.store.memo`):
# it scores the whole organisation's leads, so who asks is checked before the memo.


def prepared(
    leads: pd.DataFrame,
    *,
    actor: User,
    memo: Memo,
    marketers: tuple[tuple[int, str], ...],
    zone: str,
    calendar: Calendar,
) -> tuple[Hashable, ProfileBase]:
    """The whole snapshot `leads` prepared for rescoring (`prepare`) and the memo key it is
    kept under (`marketers`: id and name of each, for the breakdown by marketer)."""
    require_organisation_figures(actor)
    key = ("marketing.preview", marketers, zone, calendar.value)
    base = memo(
        key, lambda: prepare(leads, marketers=dict(marketers), zone=zone, calendar=calendar)
    )
    return key, base


def compared(
    base: ProfileBase,
    base_key: Hashable,
    in_force: MQLDefinition,
    proposal: MQLDefinition,
    *,
    actor: User,
    memo: Memo,
) -> Preview:
    """Who qualifies under the definition in force and under the proposal, with the
    breakdowns (`compare`): once per prepared base (`base_key`) and pair of definitions."""
    require_organisation_figures(actor)
    return memo(
        ("marketing.compare", base_key, in_force.model_dump_json(), proposal.model_dump_json()),
        lambda: compare(
            base,
            scores(base, in_force),
            in_force.threshold,
            scores(base, proposal),
            proposal.threshold,
        ),
    )
