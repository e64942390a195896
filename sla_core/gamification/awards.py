"""Badges stored when a period closes, and each person's badge history."""

from __future__ import annotations

import pandas as pd
from sqlmodel import Session, col, select

from sla_core.access import Permission, require
from sla_core.gamification import badges, history
from sla_core.gamification.board import Board
from sla_core.models import BadgeAward, PeriodClose, User
from sla_core.periods import PeriodKind

HISTORY_MONTHS = 12


def awards_for(*, session: Session, board: Board, leads: pd.DataFrame) -> pd.DataFrame:
    """The badges `board`'s period earns: monthly streaks and risers, or quarter closers."""
    if board.period.kind is PeriodKind.QUARTER:
        return badges.quarter_badges(board.people)
    past = history.board_history(
        session=session, leads=leads, period=board.period, count=HISTORY_MONTHS
    )
    return badges.monthly_badges(past)


def store_awards(
    *, session: Session, close: PeriodClose, board: Board, leads: pd.DataFrame, actor: User
) -> int:
    """Store the badges of a closed revision (called by closing, inside its transaction)."""
    require(actor, Permission.MANAGE_POINTS)
    earned = awards_for(session=session, board=board, leads=leads)
    session.add_all(
        BadgeAward(
            close_id=close.id or 0,
            period=close.period,
            user_id=int(row.subject_id),
            badge=str(row.badge),
            tier=str(row.tier),
            detail=str(row.detail),
        )
        for row in earned.itertuples(index=False)
    )
    return len(earned)


def badge_history(*, session: Session, user_id: int) -> pd.DataFrame:
    """Every badge a person earned in a closed period (newest revision of each), newest first."""
    rows = session.exec(
        select(BadgeAward, PeriodClose)
        .join(PeriodClose, col(PeriodClose.id) == col(BadgeAward.close_id))
        .where(BadgeAward.user_id == user_id)
        .order_by(col(PeriodClose.closed_at).desc())
    ).all()
    frame = pd.DataFrame(
        [
            {
                "period": award.period,
                "badge": badges.BADGE_TITLES[badges.Badge(award.badge)],
                "tier": award.tier,
                "detail": award.detail,
                "revision": close.revision,
                "calendar": close.calendar,
            }
            for award, close in rows
        ],
        columns=["period", "badge", "tier", "detail", "revision", "calendar"],
    )
    newest = frame.groupby(["period", "calendar"])["revision"].transform("max")
    return frame[frame["revision"] == newest].drop(columns=["revision"]).reset_index(drop=True)
