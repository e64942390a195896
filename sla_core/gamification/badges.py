"""Badges with bronze, silver and gold tiers, awarded from the standings' history (pure).

`history` is the person standings of consecutive months, oldest first, with a `period`
column (see `history.board_history`). The badges of the newest period:

- every lead in time: every lead due this month dispositioned in time; bronze for one
  month, silver for two in a row, gold for three or more.
- on target: every scored service level met, months in a row: bronze 3, silver 6, gold 12.
- most improved: the biggest rise in average percent-to-goal since last month;
  gold, silver, bronze for the top three risers.
- closer of the quarter (quarter standings): the most deals won; gold, silver, bronze.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum

import numpy as np
import pandas as pd

from sla_core.i18n.languages import N_, N_n
from sla_core.i18n.message import Message


class Badge(StrEnum):
    EVERY_LEAD_IN_TIME = "every_lead_in_time"
    ON_TARGET = "on_target"
    MOST_IMPROVED = "most_improved"
    CLOSER = "closer_of_the_quarter"


class Tier(StrEnum):
    BRONZE = "bronze"
    SILVER = "silver"
    GOLD = "gold"


BADGE_TITLES = {
    Badge.EVERY_LEAD_IN_TIME: N_("Every lead in time"),
    Badge.ON_TARGET: N_("On target, months in a row"),
    Badge.MOST_IMPROVED: N_("Most improved"),
    Badge.CLOSER: N_("Closer of the quarter"),
}
TIER_NAMES = {Tier.BRONZE.value: N_("bronze"), Tier.SILVER.value: N_("silver"),
              Tier.GOLD.value: N_("gold")}  # fmt: skip

AWARD_COLUMNS = ["subject_id", "badge", "tier", "detail"]
_PODIUM = [Tier.GOLD.value, Tier.SILVER.value, Tier.BRONZE.value]


def _messages(said: Iterable[Message]) -> pd.Series:
    """Reasons as an object column: pandas would turn a column of text into plain `str`
    and lose what makes each a translatable `Message`."""
    return pd.Series(list(said), dtype=object)


def _wide(history: pd.DataFrame, flags: pd.Series) -> pd.DataFrame:
    frame = pd.DataFrame(
        {"subject_id": history["subject_id"], "period": history["period"], "flag": flags}
    )
    order = list(dict.fromkeys(history["period"]))
    wide = frame.pivot_table(
        index="subject_id", columns="period", values="flag", aggfunc="max", fill_value=False
    )
    return wide.reindex(columns=order, fill_value=False).astype(bool)


def trailing_streak(history: pd.DataFrame, flags: pd.Series) -> pd.Series:
    """Per person: how many periods in a row, ending with the newest, `flags` held."""
    if history.empty:
        return pd.Series(dtype="int64")
    wide = _wide(history, flags).to_numpy()[:, ::-1]
    streak = np.cumprod(wide, axis=1).sum(axis=1)
    return pd.Series(streak, index=_wide(history, flags).index, dtype="int64")


def on_target(history: pd.DataFrame) -> pd.Series:
    """Whether each row met every service level it was scored on (and was scored on one)."""
    return (history["levels_scored"] > 0) & (history["levels_met"] == history["levels_scored"])


def all_in_time(history: pd.DataFrame) -> pd.Series:
    """Whether each row had leads due and dispositioned every one of them in time."""
    due = history["disposition_due"]
    return (due > 0) & (history["dispositioned_in_time"] == due)


def _streak_awards(
    streak: pd.Series, marks: tuple[int, int, int], what: tuple[str, str]
) -> pd.DataFrame:
    bronze, silver, gold = marks
    earned = streak[streak >= bronze]
    tier = np.where(
        earned >= gold, Tier.GOLD.value, np.where(earned >= silver, Tier.SILVER.value, "bronze")
    )
    return pd.DataFrame(
        {
            "subject_id": earned.index.astype("int64"),
            "tier": tier,
            "detail": _messages(Message.counted(what, int(n), n=int(n)) for n in earned),
        }
    )


def _podium(scores: pd.Series, what: tuple[str, str], decimals: int = 0) -> pd.DataFrame:
    """The top three of `scores` (gold, silver, bronze); `what` says each one's score (a
    counted message; the English text as before, the reader's where it is shown)."""
    top = scores[scores > 0].sort_values(ascending=False, kind="mergesort").head(3)
    return pd.DataFrame(
        {
            "subject_id": top.index.astype("int64"),
            "tier": _PODIUM[: len(top)],
            "detail": _messages(Message.counted(what, int(v), v=f"{v:.{decimals}f}") for v in top),
        }
    )


# Every sentence a badge's reason is written in, with the name of its number: a close
# stores the reason as its English text (`awards`), made a sentence again to be shown.
DETAIL_FORMS: tuple[tuple[tuple[str, str], str], ...] = (
    (N_n("{n} month in a row", "{n} months in a row"), "n"),
    (N_n("{n} month in a row on target", "{n} months in a row on target"), "n"),
    (N_n("+{v} point of percent-to-goal", "+{v} points of percent-to-goal"), "v"),
    (N_n("{v} deal won", "{v} deals won"), "v"),
)


def stored_detail(text: str) -> Message | str:
    """A badge's reason as a close stored it (its English text) as the sentence it was, so
    that it reads in the reader's words; a text no badge sentence gives stays as it is."""
    for forms, name in DETAIL_FORMS:
        for form in forms:
            before, after = form.split("{" + name + "}")
            found = re.fullmatch(re.escape(before) + r"(\d+(?:\.\d+)?)" + re.escape(after), text)
            if found is not None:
                value = found.group(1)
                number = int(float(value))
                return Message.counted(forms, number, **{name: number if name == "n" else value})
    return text


def monthly_badges(history: pd.DataFrame) -> pd.DataFrame:
    """The badges earned in the newest month of `history` (subject_id, badge, tier, detail)."""
    if history.empty:
        return pd.DataFrame(columns=AWARD_COLUMNS)
    periods = list(dict.fromkeys(history["period"]))
    parts = []
    in_time = _streak_awards(
        trailing_streak(history, all_in_time(history)),
        (1, 2, 3),
        N_n("{n} month in a row", "{n} months in a row"),
    )
    parts.append(in_time.assign(badge=Badge.EVERY_LEAD_IN_TIME.value))
    target = _streak_awards(
        trailing_streak(history, on_target(history)),
        (3, 6, 12),
        N_n("{n} month in a row on target", "{n} months in a row on target"),
    )
    parts.append(target.assign(badge=Badge.ON_TARGET.value))
    if len(periods) >= 2:
        pct = history.pivot_table(index="subject_id", columns="period", values="pct_to_goal")
        if periods[-1] in pct.columns and periods[-2] in pct.columns:
            rise = (pct[periods[-1]] - pct[periods[-2]]).dropna().round(1)
            forms = N_n("+{v} point of percent-to-goal", "+{v} points of percent-to-goal")
            improved = _podium(rise, forms, decimals=1)
            parts.append(improved.assign(badge=Badge.MOST_IMPROVED.value))
    return pd.concat(parts, ignore_index=True)[AWARD_COLUMNS]


def quarter_badges(quarter: pd.DataFrame) -> pd.DataFrame:
    """Closer of the quarter from the quarter's person standings: the most deals won."""
    won = quarter.set_index("subject_id")["won"].astype("int64")
    forms = N_n("{v} deal won", "{v} deals won")
    return _podium(won, forms).assign(badge=Badge.CLOSER.value)[AWARD_COLUMNS]
