"""First run: an empty database gets its first admin from the person installing LeadPact."""

from __future__ import annotations

import pandas as pd
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from sla_core.access import Permission, require
from sla_core.clock import now
from sla_core.models import Role, Setting, User
from sla_core.people import users

SET_UP = users.SET_UP  # the marker: present once the first admin was created


def is_set_up(*, session: Session) -> bool:
    """Whether this database was ever set up: the marker, or (older installs) any admin row.

    Not a count of admins who can sign in today, so the setup screen never reopens on a
    live database, whatever happens to its admins later.
    """
    if session.get(Setting, SET_UP) is not None:
        return True
    return session.exec(select(User.id).where(User.role == Role.ADMIN)).first() is not None


def create_first_admin(
    *,
    session: Session,
    username: str,
    name: str,
    email: str | None,
    password: str,
    password_again: str,
    actor: User,
) -> User:
    """Create the first admin; refused once the database was set up (no default password).

    The marker row is inserted first: of two visitors racing through setup, the second
    one's insert of the same key fails, and nothing of theirs is kept.
    """
    require(actor, Permission.MANAGE_USERS)
    if is_set_up(session=session):
        raise users.UserError("LeadPact is already set up; sign in instead")
    if password != password_again:
        raise users.UserError("the two passwords differ")
    email = users.clean_address(email)  # refused before anything is written
    try:
        session.add(Setting(key=SET_UP, value=now().isoformat()))
        session.flush()
    except IntegrityError:
        raise users.UserError("LeadPact is already set up; sign in instead") from None
    return users.create_user(
        session=session,
        username=username,
        name=name,
        role=Role.ADMIN,
        email=email or None,
        password=password,
        actor=actor,
    )


def login_sheet(passwords: dict[str, str], people: pd.DataFrame) -> pd.DataFrame:
    """The demo sign-ins to hand out once: who each user is, their role, team and password."""
    sheet = pd.DataFrame({"username": list(passwords), "password": list(passwords.values())})
    order = {role.value: rank for rank, role in enumerate(Role)}
    merged = sheet.merge(people[["username", "name", "role", "team"]], on="username", how="left")
    merged = merged.assign(rank=merged["role"].map(order)).sort_values(["rank", "username"])
    return merged[["username", "name", "role", "team", "password"]].reset_index(drop=True)


def login_text(sheet: pd.DataFrame) -> str:
    """The login sheet as plain aligned text, one line per user (to copy in one click)."""
    return str(sheet.fillna("").to_string(index=False))
