"""Closing a period: its standings are stored, and change only when its data changes.

Closing recomputes the board as of when the period settled (its last SLA clock ran out)
and fingerprints the result. Closing again with the same fingerprint stores nothing;
a different fingerprint (a late edit to one of its leads, a manager's correction) stores
a new revision together with what moved, so the change is shown, never silent.

Long because closing and reading a closed period (its stored standings, badges and the leads changed since) share one fingerprint and must not drift apart.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from sla_core import audit
from sla_core.access import Permission, require
from sla_core.agreement import content_hash
from sla_core.clock import now
from sla_core.gamification import badges, service
from sla_core.gamification.board import Board
from sla_core.gamification.standings import METRICS
from sla_core.models import BadgeAward, ClosedStanding, PeriodClose, User
from sla_core.periods import Period


class ClosingError(ValueError):
    """A period that cannot be closed now, said in words."""


@dataclass(frozen=True)
class CloseOutcome:
    """The stored close, whether this call stored a new revision, and what moved."""

    close: PeriodClose
    stored: bool
    change: list[dict[str, object]]


def fingerprint(board: Board) -> str:
    """SHA-256 of everything the standings are made of (same data, same fingerprint).

    Teams are left out: a rep who moves team later keeps the team stored at closing.
    """
    people = board.people[["subject_id", "rank", "points", *METRICS]]
    scored = board.scored[["subject_id", "level", "actual", "goal", "due", "points"]]
    text = json.dumps(
        {
            "rules": content_hash(board.rules.content),
            "people": people.to_json(orient="split", index=False, double_precision=10),
            "scored": scored.to_json(orient="split", index=False, double_precision=10),
        },
        sort_keys=True,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def latest_close(*, session: Session, period: Period) -> PeriodClose | None:
    """The newest stored revision of `period`'s standings (None: never closed)."""
    return session.exec(
        select(PeriodClose)
        .where(PeriodClose.period == period.label, PeriodClose.calendar == period.calendar.value)
        .order_by(col(PeriodClose.revision).desc())
    ).first()


def stored_standings(*, session: Session, close_id: int, kind: str = "person") -> pd.DataFrame:
    """A stored revision's rows (person or team): rank, name, points and the metrics."""
    rows = session.exec(
        select(ClosedStanding)
        .where(ClosedStanding.close_id == close_id, ClosedStanding.kind == kind)
        .order_by(col(ClosedStanding.id))  # as stored: each side ranked on its own, sales first
    ).all()
    return pd.DataFrame(
        [
            {
                "rank": r.rank,
                "subject_id": r.subject_id,
                "name": r.name,
                "team_id": r.team_id,
                "points": r.points,
                **json.loads(r.metrics),
            }
            for r in rows
        ],
        columns=["rank", "subject_id", "name", "team_id", "points", *METRICS],
    )


def stored_levels(*, session: Session, close_id: int, subject_id: int) -> pd.DataFrame | None:
    """A person's scored levels as stored with a close (the points trace of a closed
    period); None when that close stored none (closed before levels were kept)."""
    row = session.exec(
        select(ClosedStanding).where(
            ClosedStanding.close_id == close_id,
            ClosedStanding.kind == "person",
            ClosedStanding.subject_id == subject_id,
        )
    ).first()
    levels = None if row is None else json.loads(row.metrics).get("levels")
    return None if levels is None else pd.DataFrame(levels, columns=LEVEL_COLUMNS)


def diff(before: pd.DataFrame, after: pd.DataFrame) -> list[dict[str, object]]:
    """Who moved between two standings: points and rank before and after (pure)."""
    old = before.set_index("subject_id")[["name", "points", "rank"]]
    new = after.set_index("subject_id")[["name", "points", "rank"]]
    both = old.join(new, how="outer", lsuffix="_before", rsuffix="_after")
    moved = both[
        (both["points_before"] != both["points_after"])
        | (both["rank_before"] != both["rank_after"])
    ]
    out: list[dict[str, object]] = []
    for subject, row in moved.sort_index().iterrows():
        out.append(
            {
                "subject_id": int(str(subject)),
                "name": row["name_after"] if pd.notna(row["name_after"]) else row["name_before"],
                "points_before": None if pd.isna(row["points_before"]) else row["points_before"],
                "points_after": None if pd.isna(row["points_after"]) else row["points_after"],
                "rank_before": None if pd.isna(row["rank_before"]) else int(row["rank_before"]),
                "rank_after": None if pd.isna(row["rank_after"]) else int(row["rank_after"]),
            }
        )
    return out


# What a person's stored row keeps of their scored levels (the points trace's table).
LEVEL_COLUMNS = ["level", "actual", "goal", "pct_to_goal", "due", "status", "points"]


def _levels(scored: pd.DataFrame | None, subject: object) -> list[dict[str, object]] | None:
    """One person's scored levels as stored at closing (JSON-ready)."""
    if scored is None:
        return None
    mine = scored.loc[scored["subject_id"] == subject, LEVEL_COLUMNS]
    return json.loads(mine.to_json(orient="records", double_precision=10))  # type: ignore[no-any-return]


def _rows(
    close_id: int, kind: str, frame: pd.DataFrame, scored: pd.DataFrame | None = None
) -> list[ClosedStanding]:
    """The stored rows of one kind; a person's metrics keep their scored levels too."""
    metrics = frame[METRICS].astype("int64").to_dict("records")
    if scored is not None:
        for m, subject in zip(metrics, frame["subject_id"], strict=True):
            m["levels"] = _levels(scored, subject)
    return [
        ClosedStanding(
            close_id=close_id,
            kind=kind,
            subject_id=int(subject),
            name=str(name),
            team_id=None if kind == "team" or pd.isna(team) else int(team),
            rank=int(rank),
            points=float(points),
            metrics=json.dumps(m, sort_keys=True),
        )
        for subject, name, team, rank, points, m in zip(
            frame["subject_id"],
            frame["name"],
            frame["team_id"] if "team_id" in frame.columns else [None] * len(frame),
            frame["rank"],
            frame["points"],
            metrics,
            strict=True,
        )
    ]


def _insert(session: Session, close: PeriodClose) -> None:
    """Store the close row; the unique (period, calendar, revision) refuses a second closer."""
    try:
        with session.begin_nested():
            session.add(close)
            session.flush()
    except IntegrityError:
        raise ClosingError(
            f"{close.period} was closed by someone else a moment ago; reload to see it"
        ) from None


def close_period(
    *,
    session: Session,
    leads: pd.DataFrame,
    period: Period,
    actor: User,
    at: datetime | None = None,
) -> CloseOutcome:
    """Store `period`'s standings; again only when its data changed, with what moved.

    Refused before the period has settled (its last SLA clock must have run out first).
    A close freezes both teams' standings at once, so only an admin (or the CLI) closes.
    """
    require(actor, Permission.CLOSE_PERIODS)
    moment = pd.Timestamp(at or now())
    board = service.board_for(session=session, leads=leads, period=period, at=moment)
    settled = board.settles_at
    if moment < settled:
        raise ClosingError(
            f"{period.label} cannot be closed yet: its last SLA clocks run until "
            f"{settled:%Y-%m-%d %H:%M} UTC"
        )
    print_ = fingerprint(board)
    latest = latest_close(session=session, period=period)
    if latest is not None and latest.fingerprint == print_:
        return CloseOutcome(latest, False, [])
    change: list[dict[str, object]] = []
    if latest is not None:
        before = stored_standings(session=session, close_id=latest.id or 0)
        change = diff(before, board.people)
    close = PeriodClose(
        period=period.label,
        calendar=period.calendar.value,
        revision=(latest.revision + 1) if latest else 1,
        version_id=board.rules.version_id or None,
        version_number=board.rules.version_number,
        fingerprint=print_,
        change=json.dumps(change, default=str) if latest else None,
        closed_at=moment.to_pydatetime(),
        closed_by=actor.id,
    )
    _insert(session, close)
    session.add_all(_rows(close.id or 0, "person", board.people, board.scored))
    session.add_all(_rows(close.id or 0, "team", board.teams))
    from sla_core.gamification import awards

    awards.store_awards(session=session, close=close, board=board, leads=leads, actor=actor)
    audit.record(
        session=session,
        actor=actor,
        action="close_period",
        entity="periodclose",
        entity_id=close.id,
        detail=f"{period.label} revision {close.revision}: {len(change)} moved",
    )
    session.flush()
    return CloseOutcome(close, True, change)


# The moments that put a lead in a period's standings: any of them inside the period.
PERIOD_MOMENTS = (
    "created_at",
    "mql_at",
    "assigned_at",
    "first_touch_at",
    "last_touch_at",
    "dispositioned_at",
    "sql_at",
    "opportunity_at",
    "closed_at",
)
CHANGED_COLUMNS = ["id", "name", "stage", "updated_at"]


def changed_leads(leads: pd.DataFrame, period: Period, since: datetime) -> pd.DataFrame:
    """The leads of `period` written after `since` (its closing): id, name, stage, when.

    A lead belongs to the period when any of its moments (MQL, hand-off, touches,
    disposition, opportunity, close...) falls inside it; newest change first (pure).
    """
    if leads.empty or "updated_at" not in leads.columns:
        return pd.DataFrame(columns=CHANGED_COLUMNS)
    inside = pd.Series(False, index=leads.index)
    for column in PERIOD_MOMENTS:
        if column in leads.columns:
            inside |= period.contains(leads[column])
    later = (leads["updated_at"] > pd.Timestamp(since)).fillna(False).astype(bool)
    found = leads[inside & later]

    def text(column: str) -> pd.Series:
        if column not in found.columns:
            return pd.Series("", index=found.index)
        return found[column].fillna("").astype(str)

    name = (text("first_name") + " " + text("last_name")).str.strip()
    name = name.where(name != "", text("email"))
    out = pd.DataFrame(
        {
            "id": found["id"].astype("int64"),
            "name": name,
            "stage": text("stage"),
            "updated_at": found["updated_at"],
        }
    )
    return out.sort_values(["updated_at", "id"], ascending=[False, True]).reset_index(drop=True)


@dataclass(frozen=True)
class Frozen:
    """A closed period as stored: its newest revision's standings and badges, and whether
    (and through which leads) its data changed since."""

    close: PeriodClose
    people: pd.DataFrame
    teams: pd.DataFrame
    badges: pd.DataFrame
    changed: bool  # the period recomputed now differs from what was stored
    leads: pd.DataFrame  # when changed: the period's leads written since closing


def stored_badges(*, session: Session, close_id: int) -> pd.DataFrame:
    """The badges stored with one closed revision: subject_id, name, badge, tier, detail."""
    rows = session.exec(
        select(BadgeAward, User)
        .join(User, col(User.id) == col(BadgeAward.user_id))
        .where(BadgeAward.close_id == close_id)
        .order_by(col(BadgeAward.id))
    ).all()
    return pd.DataFrame(
        [
            {
                "subject_id": award.user_id,
                "name": user.name,
                "badge": badges.BADGE_TITLES[badges.Badge(award.badge)],
                "tier": award.tier,
                "detail": award.detail,
            }
            for award, user in rows
        ],
        columns=["subject_id", "name", "badge", "tier", "detail"],
    )


def frozen(*, session: Session, period: Period, board: Board, leads: pd.DataFrame) -> Frozen | None:
    """What a closed `period` shows: the stored standings and badges, never the live board
    (`board` is only compared with them). None when the period was never closed."""
    close = latest_close(session=session, period=period)
    if close is None:
        return None
    changed = close.fingerprint != fingerprint(board)
    return Frozen(
        close=close,
        people=stored_standings(session=session, close_id=close.id or 0),
        teams=stored_standings(session=session, close_id=close.id or 0, kind="team"),
        badges=stored_badges(session=session, close_id=close.id or 0),
        changed=changed,
        leads=changed_leads(leads, period, close.closed_at)
        if changed
        else pd.DataFrame(columns=CHANGED_COLUMNS),
    )
