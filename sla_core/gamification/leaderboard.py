"""Everything the leaderboard page shows for one period, read in one call."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, replace

import pandas as pd
from sqlmodel import Session

from sla_core.access import Permission, require
from sla_core.gamification import awards, badges, closing, service, standings
from sla_core.gamification.advice import Standing, standing_of
from sla_core.gamification.board import Board
from sla_core.gamification.closing import Frozen
from sla_core.i18n.languages import N_
from sla_core.models import PeriodClose, User
from sla_core.periods import (
    Calendar,
    Period,
    PeriodKind,
    month_containing,
    quarter_containing,
    recent,
)
from sla_core.store.snapshot import Shared

TREND_PERIODS = 6


@dataclass(frozen=True)
class Leaderboard:
    """A period's board, its stored close (if any), the trend, the quarter's winning team,
    and for a player their own standing and badges."""

    board: Board  # the live board: for a closed period only compared with what is stored
    closed: PeriodClose | None
    frozen: closing.Frozen | None  # a closed period's stored standings and badges
    trend_people: pd.DataFrame
    trend_teams: pd.DataFrame
    quarter_label: str
    quarter_winner: str | None  # the leading sales team
    mine: Standing | None
    my_badges: pd.DataFrame
    earning: pd.DataFrame  # badges this period earns so far (stored when it is closed)
    key: Hashable = None  # names what the board was computed from (for memoised charts)
    stamp: Hashable = None  # and the minute it was computed in
    marketing_winner: str | None = None  # the leading marketing team (each side has its own)


@dataclass(frozen=True)
class Tally:
    """The pure part of a leaderboard: the period's board, the trends, the quarter's winner."""

    board: Board
    trend_people: pd.DataFrame
    trend_teams: pd.DataFrame
    quarter_winner: str | None
    earning: pd.DataFrame
    marketing_winner: str | None = None


def side_winner(teams: pd.DataFrame, side: str) -> str | None:
    """The first-ranked team of one side (teams are ranked within their side)."""
    mine = teams[teams["side"] == side] if "side" in teams else teams
    return None if mine.empty else str(mine.iloc[0]["name"])


def tally(
    data: service.Inputs,
    batch: service.Batch,
    trend_count: int,
    counted: service.Counted | None = None,
) -> Tally:
    """Score a batch (the trend's periods, then the quarter) and derive what the page shows.

    `counted`: the batch's counts (`service.count_batch`), when already at hand."""
    boards = service.score_batch(data, batch, counted)
    trend = boards[:trend_count]
    board, quarter_board = trend[-1], boards[-1]
    trend_people = pd.concat([b.people.assign(period=b.period.label) for b in trend])
    streak = badges.trailing_streak(trend_people, badges.on_target(trend_people))
    board = replace(board, people=board.people.assign(
        streak=board.people["subject_id"].map(streak).fillna(0).astype("int64")
    ))  # fmt: skip
    trend_teams = pd.concat([b.teams.assign(period=b.period.label) for b in trend])
    return Tally(
        board,
        trend_people.reset_index(drop=True),
        trend_teams.reset_index(drop=True),
        side_winner(quarter_board.teams, standings.SALES_SIDE),
        earning(board, trend_people),
        side_winner(quarter_board.teams, standings.MARKETING_SIDE),
    )


def leaderboard(
    *,
    session: Session,
    leads: pd.DataFrame,
    period: Period,
    viewer: User,
    shared: Shared | None = None,
) -> Leaderboard:
    """The board of `period` for `viewer` (anyone on the dashboard may look).

    `shared`: the shared snapshot when `leads` is its whole frame: the scoring then runs
    once per data revision, rules, people, settings, bonuses and minute, on the clocks
    every page reads (after a write only the changed leads' are judged again).
    """
    require(viewer, Permission.VIEW_DASHBOARD)
    data = service.inputs(session=session, leads=leads, shared=shared)
    memo = data.memo
    periods = recent(period, TREND_PERIODS)
    quarter = (
        period
        if period.kind is PeriodKind.QUARTER
        else quarter_containing(period.start, zone=period.zone, calendar=period.calendar)
    )
    extra = [] if quarter is period else [quarter]
    batch = service.read_batch(session=session, periods=[*periods, *extra])
    counted = service.count_batch(data, batch)
    # named by what it is scored from: a write that leaves every count as it was (a call
    # logged on a lead of no period shown) carries the scored boards over as they were
    key = ("gamification.leaderboard", *batch.key(data), counted.digest)
    stamp = batch.stamp(data)
    done: Tally = memo(
        key,
        lambda: tally(data, batch, len(periods), counted),
        stamp=stamp,
        reads=None if counted.digest is None else (),
    )
    board = done.board
    frozen = closing.frozen(session=session, period=period, board=board, leads=leads)
    return Leaderboard(
        board=board,
        closed=None if frozen is None else frozen.close,
        frozen=frozen,
        trend_people=as_stored(session=session, periods=periods, trend=done.trend_people),
        trend_teams=as_stored(
            session=session, periods=periods, trend=done.trend_teams, kind="team"
        ),
        quarter_label=quarter.label,
        quarter_winner=done.quarter_winner,
        mine=standing_of(board, viewer.id) if viewer.id is not None and frozen is None else None,
        my_badges=awards.badge_history(session=session, user_id=viewer.id or 0),
        earning=done.earning,
        key=key,
        stamp=stamp,
        marketing_winner=done.marketing_winner,
    )


def as_stored(
    *, session: Session, periods: list[Period], trend: pd.DataFrame, kind: str = "person"
) -> pd.DataFrame:
    """The trend with each closed period's rows replaced by the standings stored when it
    was closed (a closed period reads as stored, never live)."""
    parts = []
    for each in periods:
        close = closing.latest_close(session=session, period=each)
        if close is None:
            parts.append(trend[trend["period"] == each.label])
            continue
        stored = closing.stored_standings(session=session, close_id=close.id or 0, kind=kind)
        parts.append(stored.assign(period=each.label))
    return pd.concat(parts, ignore_index=True) if parts else trend


def earning(board: Board, trend_people: pd.DataFrame) -> pd.DataFrame:
    """The badges `board`'s period earns so far, with names and titles (pure)."""
    found = (
        badges.quarter_badges(board.people)
        if board.period.kind is PeriodKind.QUARTER
        else badges.monthly_badges(trend_people)
    )
    names = board.people.set_index("subject_id")["name"]
    return pd.DataFrame(  # the columns of BADGE_TABLE; words as sla_core marks them (N_)
        {
            "name": found["subject_id"].map(names).to_numpy(),
            "badge": found["badge"].map(lambda b: badges.BADGE_TITLES[badges.Badge(b)]).to_numpy(),
            "tier": found["tier"].to_numpy(),
            "detail": pd.Series(found["detail"].to_numpy(), dtype=object),  # Messages kept
        }
    )


def period_choices(
    kind: PeriodKind, *, ref: pd.Timestamp, zone: str, calendar: Calendar
) -> list[Period]:
    """The periods a board can show, newest first: 12 months or 8 quarters up to `ref`."""
    if kind is PeriodKind.QUARTER:
        last = quarter_containing(ref, zone=zone, calendar=calendar)
        return list(reversed(recent(last, 8)))
    return list(reversed(recent(month_containing(ref, zone=zone, calendar=calendar), 12)))


PEOPLE_TABLE = {
    "rank": N_("Rank"),
    "name": N_("Name"),
    "team": N_("Team"),
    "points": N_("Points"),
    "adjustment": N_("Of which bonus"),
    "pct_to_goal": N_("Avg % of goal"),
    "levels_met": N_("Levels met"),
    "streak": N_("Months on target"),
    "dispositioned_in_time": N_("In time"),
    "disposition_due": N_("Due"),
    "opportunities": N_("Opportunities"),
    "won": N_("Won"),
    "mqls": N_("MQLs"),
}
TEAM_TABLE = {
    "rank": N_("Rank"),
    "name": N_("Team"),
    "members": N_("Members"),
    "points": N_("Points per level"),
    "total_points": N_("Total points"),
    "pct_to_goal": N_("Avg % of goal"),
    "won": N_("Won"),
    "opportunities": N_("Opportunities"),
    "mqls": N_("MQLs"),
}
STORED_TABLE = {
    "rank": N_("Rank"),
    "name": N_("Name"),
    "points": N_("Points"),
    "dispositioned_in_time": N_("In time"),
    "disposition_due": N_("Due"),
    "opportunities": N_("Opportunities"),
    "won": N_("Won"),
    "mqls": N_("MQLs"),
}
STORED_TEAM_TABLE = {
    "rank": N_("Rank"),
    "name": N_("Team"),
    "points": N_("Points per level"),
    "won": N_("Won"),
    "opportunities": N_("Opportunities"),
    "mqls": N_("MQLs"),
}
BADGE_TABLE = {
    "name": N_("Name"),
    "badge": N_("Badge"),
    "tier": N_("Tier"),
    "detail": N_("Why"),
}
# One person's own badges, every closed period (`awards`): the period first.
MY_BADGE_TABLE = {
    "period": N_("Period"),
    "badge": N_("Badge"),
    "tier": N_("Tier"),
    "detail": N_("Why"),
}
CHANGED_TABLE = {
    "id": N_("Lead"),
    "name": N_("Name"),
    "stage": N_("Stage"),
    "updated_at": N_("Changed (UTC)"),
}
MOVED_TABLE = {  # closing.diff: who moved when a period was closed again
    "name": N_("Name"),
    "points_before": N_("Points before"),
    "points_after": N_("Points after"),
    "rank_before": N_("Rank before"),
    "rank_after": N_("Rank after"),
}
LEVEL_TABLE = {
    "level": N_("Service level"),
    "actual": N_("Actual"),
    "goal": N_("Goal"),
    "pct_to_goal": N_("% of goal"),
    "due": N_("Leads due"),
    "status": N_("Status"),
    "points": N_("Points"),
}


def table(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """The columns a person reads, renamed, in order (a new frame)."""
    shown = frame[[c for c in columns if c in frame.columns]].rename(columns=columns)
    numeric = shown.select_dtypes("number").columns
    return shown.round(dict.fromkeys(numeric, 1))


def levels_of(
    board: Board, subject_id: int, *, session: Session | None = None, frozen: Frozen | None = None
) -> pd.DataFrame | None:
    """One person's scored levels: where each point came from. For a closed period
    (`frozen`, read through `session`) the levels stored at closing; None when that close
    kept none (the caller then says the live ones differ)."""
    if frozen is not None and session is not None:
        stored = closing.stored_levels(
            session=session, close_id=frozen.close.id or 0, subject_id=subject_id
        )
        return None if stored is None else table(stored, LEVEL_TABLE).reset_index(drop=True)
    mine = board.scored[board.scored["subject_id"] == subject_id]
    return table(mine, LEVEL_TABLE).reset_index(drop=True)
