"""First run: an empty database gets its first admin from the person installing LeadPact."""

from __future__ import annotations

import pandas as pd
from sqlmodel import Session

from sla_core import users
from sla_core.models import Role, User


def create_first_admin(
    *,
    session: Session,
    username: str,
    name: str,
    email: str | None,
    password: str,
    password_again: str,
) -> User:
    """Create the first admin; refused once any admin can sign in (there is no default password)."""
    if users.has_admin(session=session):
        raise users.UserError("LeadPact is already set up; sign in instead")
    if password != password_again:
        raise users.UserError("the two passwords differ")
    return users.create_user(
        session=session,
        username=username,
        name=name,
        role=Role.ADMIN,
        email=email or None,
        password=password,
    )


def login_sheet(passwords: dict[str, str], people: pd.DataFrame) -> pd.DataFrame:
    """The demo sign-ins to hand out once: who each user is, their role, team and password."""
    sheet = pd.DataFrame({"username": list(passwords), "password": list(passwords.values())})
    order = {role.value: rank for rank, role in enumerate(Role)}
    merged = sheet.merge(people[["username", "name", "role", "team"]], on="username", how="left")
    merged = merged.assign(rank=merged["role"].map(order)).sort_values(["rank", "username"])
    return merged[["username", "name", "role", "team", "password"]].reset_index(drop=True)
