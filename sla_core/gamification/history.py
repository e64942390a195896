"""Standings over consecutive periods: trends, streaks, most improved and badges."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlmodel import Session

from sla_core.gamification import service
from sla_core.periods import Period, recent


def board_history(
    *,
    session: Session,
    leads: pd.DataFrame,
    period: Period,
    count: int,
    at: datetime | None = None,
) -> pd.DataFrame:
    """The person standings of the `count` periods ending with `period`, oldest first.

    Each period is scored with its own rules (frozen at its start); a `period` column
    holds the label.
    """
    data = service.inputs(session=session, leads=leads, at=at)
    boards = service.boards_for(session=session, data=data, periods=recent(period, count))
    frames = [board.people.assign(period=board.period.label) for board in boards]
    return pd.concat(frames, ignore_index=True)
