"""The criteria page's live preview: how many leads qualify under a proposed definition.

The lead snapshot is prepared once (`profiles.prepare`: each profile column factorised, each
group coded), so moving a slider rescores a million leads from small arrays: a text criterion
is judged on its distinct values only, and the breakdowns are one `np.bincount` each. After a
write, the prepared snapshot and every preview counted from it are brought up to date from
the changed leads alone (`profiles.rebased`, `recounted`).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sla_core.access import require_organisation_figures
from sla_core.marketing.profiles import (
    GROUPS,
    NONE_LABEL,
    Coded,
    ProfileBase,
    criterion_hits,
    prepare,
    present_values,
    rebased,
    scores,
)
from sla_core.models import User
from sla_core.periods import Calendar
from sla_core.scoring import criterion_met
from sla_core.store.memo import Memo
from sla_core.terms import CriterionField, MQLDefinition, Targets

if TYPE_CHECKING:
    from sla_core.store.snapshot import Delta

__all__ = [
    "GROUPS",
    "NONE_LABEL",
    "Coded",
    "Preview",
    "ProfileBase",
    "compare",
    "compared",
    "criterion_hits",
    "explain",
    "find_lead",
    "prepare",
    "prepared",
    "present_values",
    "recounted",
    "rep_load",
    "scores",
    "verdict",
]

# The lead columns a prepared snapshot reads: a write that leaves them alone (and adds no
# lead) leaves it, and every preview counted from it, as it was.
READS: tuple[str, ...] = (*(c.value for c in CriterionField), "source", "marketer_id", "created_at")


@dataclass(frozen=True)
class Preview:
    """Qualifying leads under the version in force and under the proposal, broken down.

    `tallies`: per group, the leads, in-force and proposed MQLs of each code of the base
    counted (rows of one array), from which `recounted` carries the counts past a write.
    """

    in_force: int
    proposed: int
    total: int
    breakdown: Mapping[str, pd.DataFrame]
    tallies: Mapping[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)


def _tally(codes: np.ndarray, before: np.ndarray, after: np.ndarray, size: int) -> np.ndarray:
    """Per code: the leads, those qualifying before and those qualifying after (3 rows)."""
    keyed = codes.astype(np.int64) * 4 + before.astype(np.int64) * 2 + after.astype(np.int64)
    counts = np.bincount(keyed, minlength=size * 4).reshape(size, 4)
    leads = counts.sum(axis=1)
    return np.stack([leads, counts[:, 2] + counts[:, 3], counts[:, 1] + counts[:, 3]])


def _breakdown(labels: tuple[str, ...], tally: np.ndarray, by_month: bool) -> pd.DataFrame:
    """One group's table: groups no lead is in left out (a code a write emptied)."""
    held = tally[0] > 0
    frame = pd.DataFrame(
        {
            "group": np.asarray(labels, dtype=object)[held],
            "leads": tally[0][held],
            "in_force": tally[1][held],
            "proposed": tally[2][held],
        }
    )
    frame["change"] = frame["proposed"] - frame["in_force"]
    # every column a key: the rows come out in one order whatever the order of the codes
    if by_month:
        keys, ascending = ["group", "leads", "in_force"], [True, True, True]
    else:
        keys, ascending = ["proposed", "leads", "group", "in_force"], [False, False, True, True]
    return frame.sort_values(keys, ascending=ascending, kind="stable", ignore_index=True)


def _preview(
    base: ProfileBase, tallies: Mapping[str, np.ndarray], before: int, after: int
) -> Preview:
    parts = {
        name: _breakdown(base.groups[name].labels, tallies[name], name == "month")
        for name in GROUPS
    }
    return Preview(before, after, base.size, parts, tallies)


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
    tallies = {
        name: _tally(base.groups[name].codes, before, after, len(base.groups[name].labels))
        for name in GROUPS
    }
    return _preview(base, tallies, int(before.sum()), int(after.sum()))


def recounted(
    counted: Preview,
    was: ProfileBase,
    base: ProfileBase,
    positions: np.ndarray,
    in_force: MQLDefinition,
    proposal: MQLDefinition,
) -> Preview | None:
    """`counted` (what `compare` gave on `was` for these two definitions) carried to `base`,
    which `profiles.rebased` made from `was` with the leads at `positions` changed or added:
    the changed leads' old verdicts taken out, their new ones and the added leads' put in.
    None when `base` was not made from `was` that way (then count afresh)."""
    if base is was:
        return counted
    if base.parent is None or base.parent() is not was or not counted.tallies:
        return None
    at = np.asarray(positions, dtype=np.int64)
    gone = at[at < was.size]
    before_was = scores(was, in_force, gone) >= in_force.threshold
    after_was = scores(was, proposal, gone) >= proposal.threshold
    before_now = scores(base, in_force, at) >= in_force.threshold
    after_now = scores(base, proposal, at) >= proposal.threshold
    tallies = {}
    for name in GROUPS:
        size = len(base.groups[name].labels)
        tally = np.zeros((3, size), dtype=np.int64)
        tally[:, : counted.tallies[name].shape[1]] = counted.tallies[name]
        tally -= _tally(was.groups[name].codes[gone], before_was, after_was, size)
        tally += _tally(base.groups[name].codes[at], before_now, after_now, size)
        tallies[name] = tally
    before = counted.in_force - int(before_was.sum()) + int(before_now.sum())
    after = counted.proposed - int(after_was.sum()) + int(after_now.sum())
    return _preview(base, tallies, before, after)


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
    kept under (`marketers`: id and name of each, for the breakdown by marketer).

    `leads` is the frame of the snapshot whose memo `memo` is: after a write that left the
    columns read alone the base is kept, after another it is rebased on the changed leads."""
    require_organisation_figures(actor)
    key = ("marketing.preview", marketers, zone, calendar.value)
    names = dict(marketers)

    def compute() -> ProfileBase:
        return prepare(leads, marketers=names, zone=zone, calendar=calendar)

    def update(old: ProfileBase, delta: Delta) -> ProfileBase:
        if delta.appended_from != old.size:
            return compute()
        new = rebased(old, leads, delta.positions, marketers=names, zone=zone, calendar=calendar)
        return compute() if new is None else new

    return key, memo(key, compute, update=update, reads=READS)


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
    breakdowns (`compare`): once per prepared base (`base_key`) and pair of definitions,
    carried past a write from the changed leads alone (`recounted`)."""
    require_organisation_figures(actor)

    def compute() -> tuple[ProfileBase, Preview]:
        counted = compare(
            base, scores(base, in_force), in_force.threshold, scores(base, proposal),
            proposal.threshold,
        )  # fmt: skip
        return base, counted

    def update(old: tuple[ProfileBase, Preview], delta: Delta) -> tuple[ProfileBase, Preview]:
        was, counted = old
        carried = recounted(counted, was, base, delta.positions, in_force, proposal)
        return compute() if carried is None else (base, carried)

    key = ("marketing.compare", base_key, in_force.model_dump_json(), proposal.model_dump_json())
    return memo(key, compute, update=update)[1]
