"""Reminders before the deadline: the ladder from the agreement, recorded once per step.

For each lead's running disposition or work clock: the rep is reminded at each share of
the window in `service.reminders.rep_at_pct` (only the highest step reached is recorded,
so a late first run does not send stale steps), and at breach the rep and, if the
agreement says so, their sales managers (the team's, else every sales manager). Each
(lead, clock, step, recipient) is one Reminder row: the in-app notification, e-mailed once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from sla_core.access import Permission, require
from sla_core.models import Reminder, Role, User
from sla_core.terms import AgreementContent

BREACH = "breach"
CLOCKS = ("disposition", "work")
DUE_COLUMNS = ("lead_id", "clock", "step", "recipient_id", "deadline", "share")
INSERT_CHUNK = 2_000  # rows per INSERT: 7 values each, under SQLite's 32,766 parameters
STALE_AFTER_S = 900  # a claim older than this was left by a run that died: take it over


def managers_of(people: Sequence[User]) -> dict[int, list[int]]:
    """Each rep's sales managers: those of the rep's team, else every active sales manager."""
    managers = [u for u in people if u.role == Role.SALES_MANAGER and u.active and u.id]
    out: dict[int, list[int]] = {}
    for rep in people:
        if rep.id is None:
            continue
        same = [m.id for m in managers if m.team_id is not None and m.team_id == rep.team_id]
        out[rep.id] = [m for m in (same or [m.id for m in managers]) if m is not None]
    return out


def due_reminders(
    leads: pd.DataFrame,
    clocks: pd.DataFrame,
    content: AgreementContent,
    managers: Mapping[int, list[int]],
) -> pd.DataFrame:
    """The reminder steps reached now, one row per (lead, clock, step, recipient)."""
    ladder = content.service.reminders
    steps = sorted(float(p) for p in ladder.rep_at_pct)
    parts = []
    owner = leads["owner_id"]
    for clock in CLOCKS:
        running = clocks[f"{clock}_running"].to_numpy(dtype=bool) & owner.notna().to_numpy()
        share = clocks[f"{clock}_share"].to_numpy(dtype=float) * 100
        breached = running & (clocks[f"{clock}_status"] == "breached").to_numpy()
        reached = np.searchsorted(np.array(steps), share, side="right")  # steps at or below
        step = np.where(breached, BREACH, np.array([""] + [f"rep_{p:g}" for p in steps])[reached])
        rows = running & (step != "")
        base = pd.DataFrame(
            {
                "lead_id": leads["id"].to_numpy()[rows].astype(np.int64),
                "clock": clock,
                "step": step[rows],
                "recipient_id": owner.to_numpy()[rows].astype(np.int64),
                "deadline": clocks[f"{clock}_deadline"].to_numpy()[rows],
                "share": share[rows],
            }
        )
        parts.append(base)
        if ladder.manager_at_breach:
            late = base[base["step"] == BREACH]
            bosses = late["recipient_id"].map(lambda r: managers.get(int(r), []))
            parts.append(late.assign(recipient_id=bosses).explode("recipient_id").dropna())
    due = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=DUE_COLUMNS)
    due["recipient_id"] = due["recipient_id"].astype(np.int64)
    return due.drop_duplicates(["lead_id", "clock", "step", "recipient_id"])[list(DUE_COLUMNS)]


def record_reminders(*, session: Session, due: pd.DataFrame, actor: User, at: datetime) -> int:
    """Store the due steps not stored before (the unique key skips the rest); how many new."""
    require(actor, Permission.SEND_REMINDERS)
    if due.empty:
        return 0
    rows = [
        {"lead_id": int(r.lead_id), "clock": r.clock, "step": r.step,
         "recipient_id": int(r.recipient_id), "deadline": pd.Timestamp(r.deadline).to_pydatetime(),
         "created_at": at, "attempts": 0}
        for r in due.itertuples()
    ]  # fmt: skip
    return insert_new(session=session, rows=rows, actor=actor)


def insert_new(*, session: Session, rows: list[dict[str, object]], actor: User) -> int:
    """Insert reminder rows, skipping those a unique key already holds; how many are new.

    INSERT ... ON CONFLICT DO NOTHING RETURNING id: the count is of the rows this run
    inserted, so two runs at once record, and count, each reminder once.
    """
    require(actor, Permission.SEND_REMINDERS)
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    new = 0
    for start in range(0, len(rows), INSERT_CHUNK):
        statement = insert(Reminder).values(rows[start : start + INSERT_CHUNK])
        inserted = session.execute(statement.on_conflict_do_nothing().returning(col(Reminder.id)))
        new += len(inserted.all())
    session.flush()
    return new


def _unsent() -> Any:
    """Reminders not e-mailed yet, to active people with an address."""
    has_mail = select(User.id).where(col(User.email).is_not(None), col(User.active))
    return (col(Reminder.emailed_at).is_(None), col(Reminder.recipient_id).in_(has_mail))


def pending_recipients(*, session: Session, actor: User) -> list[int]:
    """The people with reminders still to e-mail (active, with an address), by id."""
    require(actor, Permission.SEND_REMINDERS)
    found = session.exec(select(Reminder.recipient_id).where(*_unsent()).distinct()).all()
    return sorted(int(r) for r in found)


def claim_for(
    *,
    session: Session,
    recipient_id: int,
    token: str,
    at: datetime,
    actor: User,
    stale_after_s: int = STALE_AFTER_S,
) -> list[Reminder]:
    """Claim one person's reminders still to e-mail for this run (`token`) only.

    One UPDATE ... WHERE unsent AND unclaimed (or claimed long ago): two runs at once never
    claim the same reminder. A run claims one person's digest just before sending it, so a
    killed run holds at most that one digest, until the claim goes stale.
    """
    require(actor, Permission.SEND_REMINDERS)
    stale = pd.Timestamp(at) - pd.Timedelta(seconds=stale_after_s)
    unclaimed = col(Reminder.claim).is_(None) | (col(Reminder.claimed_at) < stale.to_pydatetime())
    session.execute(
        update(Reminder)
        .where(*_unsent(), col(Reminder.recipient_id) == recipient_id, unclaimed)
        .values(claim=token, claimed_at=at)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    mine = select(Reminder).where(
        Reminder.claim == token,
        Reminder.recipient_id == recipient_id,
        col(Reminder.emailed_at).is_(None),
    )
    return list(session.exec(mine.execution_options(populate_existing=True)).all())


def mark_sent(
    *, session: Session, ids: Sequence[int], token: str, at: datetime, actor: User
) -> int:
    """Mark reminders e-mailed, only those this run (`token`) still holds; how many."""
    require(actor, Permission.SEND_REMINDERS)
    if not ids:
        return 0
    done = session.execute(
        update(Reminder)
        .where(
            col(Reminder.id).in_(ids),
            col(Reminder.claim) == token,
            col(Reminder.emailed_at).is_(None),
        )
        .values(emailed_at=at, claim=None, last_error=None)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return int(done.rowcount or 0)  # type: ignore[attr-defined]


def hold(
    *,
    session: Session,
    token: str,
    error: str,
    actor: User,
    ids: Sequence[int] = (),
    recipients: Sequence[int] = (),
) -> int:
    """Leave reminders unsent for the next run, noting the attempt and why; how many.

    `ids`: those this run claimed; `recipients`: every unsent reminder of these people that
    no other run holds (the run stopped before reaching them).
    """
    require(actor, Permission.SEND_REMINDERS)
    if not ids and not recipients:
        return 0
    which = col(Reminder.id).in_(ids) | col(Reminder.recipient_id).in_(recipients)
    ours = (col(Reminder.claim) == token) | col(Reminder.claim).is_(None)
    done = session.execute(
        update(Reminder)
        .where(which, ours, col(Reminder.emailed_at).is_(None))
        .values(
            claim=None, claimed_at=None, attempts=col(Reminder.attempts) + 1, last_error=error
        )  # fmt: skip
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return int(done.rowcount or 0)  # type: ignore[attr-defined]
