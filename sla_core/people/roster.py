"""The people table: teams, who counts in head counts, and tidying people an import created.

A person counts in targets once a manager has placed them in a team; an import creates
owners and marketers it does not know with no team and no login, so they count nowhere
until someone places them, merges them into an existing user, or removes them.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import ColumnElement, and_, delete, func, insert, literal, or_, update
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from sla_core import audit
from sla_core.access import Permission, require
from sla_core.clock import UTCTimestamp, now
from sla_core.i18n.languages import N_
from sla_core.i18n.message import Figure, Message
from sla_core.models import Lead, LeadEvent, Role, Team, User
from sla_core.people.teams import team_named
from sla_core.people.users import UserError, get_by_username, list_users, signable_admins
from sla_core.stages import EventKind


def counts() -> ColumnElement[bool]:
    """Who counts, the one rule: active, and placed by a manager (put in a team or given a
    login). Targets, head counts, pickers, boards and routing all read it (`placed` is
    the same rule on a `people_frame`); a person an import created counts nowhere until
    someone places them."""
    return and_(
        col(User.active).is_(True),
        or_(col(User.team_id).is_not(None), col(User.password_hash).is_not(None)),
    )


def people_frame(*, session: Session) -> pd.DataFrame:
    """Every user: id, username, name, e-mail, role, team, team_kind, active, can_sign_in,
    counts (see `counts`).

    The one table of people for pages, the CLI and the importer's owner matching.
    """
    team_rows = {t.id: t for t in session.exec(select(Team)).all()}
    people = list_users(session=session)
    counted = set(session.exec(select(User.id).where(counts())).all())
    placed_in = [team_rows.get(u.team_id) for u in people]
    frame = pd.DataFrame(
        {
            "id": [u.id for u in people],
            "username": [u.username for u in people],
            "name": [u.name for u in people],
            "email": [u.email for u in people],
            "role": [str(u.role) for u in people],
            "team": [t.name if t else None for t in placed_in],
            "team_kind": [str(t.kind) if t else None for t in placed_in],
            "active": [u.active for u in people],
            "can_sign_in": [u.password_hash is not None for u in people],
            "counts": [u.id in counted for u in people],
        }
    )
    return frame.astype({"id": "int64", "active": bool, "can_sign_in": bool, "counts": bool})


def active_reps(people: pd.DataFrame) -> pd.DataFrame:
    """The sales reps who count (`placed`) among `people` (a `people_frame`)."""
    chosen = placed(people)
    return chosen[chosen["role"] == Role.SALES_REP.value]


def working_reps(people: pd.DataFrame) -> pd.DataFrame:
    """The sales reps a rep picker offers (Work queue, Compliance): active, placed, and able
    to sign in. A person an import created, or one without a login, cannot work a queue."""
    reps = active_reps(placed(people))
    return reps[reps["can_sign_in"].astype(bool)]


def placed(people: pd.DataFrame) -> pd.DataFrame:
    """The people who count in head counts, targets, pickers, boards and routing (the
    `counts` rule, read by `people_frame`): active, and placed by a manager."""
    return people[people["counts"].astype(bool)]


def headcount(people: pd.DataFrame) -> dict[Role, int]:
    """How many people who count (`placed`) hold each role."""
    roles = placed(people)["role"].value_counts()
    return {role: int(roles.get(role.value, 0)) for role in Role}


def counted_ids(*, session: Session, role: Role | None = None) -> frozenset[int]:
    """The ids of the people who count (`counts`), of one role or all."""
    query = select(User.id).where(counts())
    if role is not None:
        query = query.where(col(User.role) == role.value)
    return frozenset(i for i in session.exec(query).all() if i is not None)


def unplaced(people: pd.DataFrame) -> pd.DataFrame:
    """People nobody has placed yet and who cannot sign in (e.g. created by an import)."""
    return people[people["team"].isna() & ~people["can_sign_in"].astype(bool)]


def set_team(*, session: Session, username: str, team: str | None, actor: User) -> User:
    """Place a user in a team by its name (None: no team); placed people count in targets."""
    require(actor, Permission.MANAGE_USERS)
    user = _existing(session, username)
    team_id = None
    if team:
        team_id = team_named(session=session, name=team).id
    user.team_id = team_id
    session.add(user)
    audit.record(
        session=session, actor=actor, action="user.set_team", entity="user",
        entity_id=user.username, detail=f"team={team or '-'}",
    )  # fmt: skip
    return user


def lead_count(*, session: Session, user_id: int) -> int:
    """How many leads name this person as owner or marketer."""
    return int(
        session.exec(
            select(func.count())
            .select_from(Lead)
            .where(or_(col(Lead.owner_id) == user_id, col(Lead.marketer_id) == user_id))
        ).one()
    )


def merge_person(*, session: Session, source: str, target: str, actor: User) -> int:
    """Merge a person without a login into an existing user, in one transaction.

    Their leads move to `target` (as owner and as marketer); every lead whose owner
    changes gets an "assigned" event; then the person is removed. Returns leads moved.
    """
    require(actor, Permission.MANAGE_USERS)
    gone, kept = _existing(session, source), _existing(session, target)
    if gone.id == kept.id:
        raise UserError(Message.of(N_("a person cannot be merged into themselves")))
    if gone.password_hash is not None:
        raise UserError(
            Message.of(
                N_("{name} can sign in; only people without a login are merged"),
                name=gone.username,
            )
        )
    note = f"owner {gone.username} merged into {kept.username}"
    owned = sa_select(
        col(Lead.id), literal(now(), UTCTimestamp()), literal(EventKind.ASSIGNED.value), literal(actor.id),
        literal(kept.id), literal(gone.id), literal(note),
    ).where(col(Lead.owner_id) == gone.id)  # fmt: skip
    session.execute(
        insert(LeadEvent).from_select(
            ["lead_id", "at", "kind", "actor_id", "owner_id", "previous_owner_id", "note"], owned
        )
    )
    moved = _rows(
        session.execute(update(Lead).where(col(Lead.owner_id) == gone.id).values(owner_id=kept.id))
    )
    marketed = _rows(
        session.execute(
            update(Lead).where(col(Lead.marketer_id) == gone.id).values(marketer_id=kept.id)
        )
    )
    _delete(session, gone)
    audit.record(
        session=session, actor=actor, action="user.merge", entity="user",
        entity_id=gone.username, detail=f"into={kept.username} owner={moved} marketer={marketed}",
    )  # fmt: skip
    return moved + marketed


def remove_person(*, session: Session, username: str, actor: User) -> None:
    """Remove a person who owns and brought no leads and cannot sign in."""
    require(actor, Permission.MANAGE_USERS)
    user = _existing(session, username)
    if user.password_hash is not None:
        raise UserError(
            Message.of(N_("{name} can sign in; deactivate them instead"), name=user.username)
        )
    leads = lead_count(session=session, user_id=user.id or 0)
    if leads:
        raise UserError(
            Message.of(
                N_("{name} has {count} leads; merge them into a user instead"),
                name=user.username,
                count=Figure(leads),
            )
        )
    _delete(session, user)
    audit.record(
        session=session, actor=actor, action="user.remove", entity="user",
        entity_id=user.username,
    )  # fmt: skip


def _rows(result: object) -> int:
    """Rows an UPDATE touched."""
    return int(getattr(result, "rowcount", 0) or 0)


def _existing(session: Session, username: str) -> User:
    user = get_by_username(session=session, username=username)
    if user is None:
        raise UserError(Message.of(N_("no user named {name}"), name=repr(username)))
    return user


def _delete(session: Session, user: User) -> None:
    """Delete the user row, in SQL; an admin who can sign in is never among them."""
    if user.id in signable_admins(session=session):
        raise UserError(Message.of(N_("{name} is an admin who can sign in"), name=user.username))
    try:
        session.execute(delete(User).where(col(User.id) == user.id))
    except IntegrityError:
        raise UserError(
            Message.of(
                N_(
                    "{name} is still named by other records (points, signatures, imports); "
                    "deactivate them instead"
                ),
                name=user.username,
            )
        ) from None
    session.expunge(user)
