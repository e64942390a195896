"""People: creating users, roles, passwords (bcrypt), and the credentials sign-in needs."""

from __future__ import annotations

import re
import secrets

import bcrypt
from sqlmodel import Session, col, func, select

from sla_core.access import Permission, require
from sla_core.models import AuditEntry, Role, Setting, Team, User

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,49}$")
MIN_PASSWORD = 8


class UserError(ValueError):
    """A user could not be created or changed; the message says why."""


def hash_password(password: str) -> str:
    """A bcrypt hash of `password`."""
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")


def check_password(password: str, hashed: str | None) -> bool:
    """Whether `password` matches the bcrypt `hashed` (no hash never matches)."""
    if not hashed:
        return False
    return bcrypt.checkpw(password.encode("utf-8"), hashed.encode("ascii"))


def validate_password(password: str) -> None:
    """Passwords have at least 8 characters, with a letter and a digit."""
    if len(password) < MIN_PASSWORD:
        raise UserError(f"the password needs at least {MIN_PASSWORD} characters")
    if not re.search(r"[A-Za-z]", password) or not re.search(r"\d", password):
        raise UserError("the password needs at least one letter and one digit")


def generate_password() -> str:
    """A random password that passes validate_password and streamlit-authenticator's rules."""
    return f"Lp{secrets.token_urlsafe(9)}#7"


def count_users(*, session: Session) -> int:
    return session.exec(select(func.count()).select_from(User)).one()


def has_admin(*, session: Session) -> bool:
    """Whether anyone can sign in as admin (first run shows setup until then)."""
    found = session.exec(
        select(User.id).where(User.role == Role.ADMIN, col(User.password_hash).is_not(None))
    ).first()
    return found is not None


def get_by_username(*, session: Session, username: str) -> User | None:
    return session.exec(select(User).where(User.username == username.strip().lower())).first()


def create_user(
    *,
    session: Session,
    username: str,
    name: str,
    role: Role,
    email: str | None = None,
    password: str | None = None,
    team_id: int | None = None,
    actor: User | None = None,
) -> User:
    """Create a person; without a password they exist (e.g. as a lead owner) but cannot sign in."""
    if actor is not None:
        require(actor, Permission.MANAGE_USERS)
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise UserError(
            f"username {username!r}: use 2-50 lower-case letters, digits, '.', '_' or '-'"
        )
    if get_by_username(session=session, username=username):
        raise UserError(f"username {username!r} is taken")
    if email:
        email = email.strip().lower()
        if session.exec(select(User).where(User.email == email)).first():
            raise UserError(f"e-mail {email!r} belongs to another user")
    if password is not None:
        validate_password(password)
    user = User(
        username=username,
        name=name.strip() or username,
        email=email or None,
        role=Role(role),
        team_id=team_id,
        password_hash=hash_password(password) if password else None,
    )
    session.add(user)
    session.flush()
    _audit(session, actor, "user.create", user, f"role={user.role}")
    return user


def set_role(*, session: Session, username: str, role: Role, actor: User | None = None) -> User:
    """Change a user's role; the last admin cannot be demoted."""
    if actor is not None:
        require(actor, Permission.MANAGE_USERS)
    user = _existing(session, username)
    if user.role == Role.ADMIN and Role(role) != Role.ADMIN and _admin_count(session) <= 1:
        raise UserError("this is the last admin; make someone else admin first")
    user.role = Role(role)
    session.add(user)
    _audit(session, actor, "user.set_role", user, f"role={role}")
    return user


def set_password(
    *, session: Session, username: str, password: str, actor: User | None = None
) -> User:
    """Set a user's password (admins for anyone; users for themselves)."""
    user = _existing(session, username)
    if actor is not None and actor.id != user.id:
        require(actor, Permission.MANAGE_USERS)
    validate_password(password)
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    session.add(user)
    _audit(session, actor, "user.set_password", user, None)
    return user


def set_active(*, session: Session, username: str, active: bool, actor: User | None = None) -> User:
    if actor is not None:
        require(actor, Permission.MANAGE_USERS)
    user = _existing(session, username)
    if not active and user.role == Role.ADMIN and _admin_count(session) <= 1:
        raise UserError("this is the last admin; it cannot be deactivated")
    user.active = active
    session.add(user)
    _audit(session, actor, "user.set_active", user, f"active={active}")
    return user


def list_users(*, session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(col(User.role), col(User.name))).all())


def teams(*, session: Session) -> list[Team]:
    return list(session.exec(select(Team).order_by(col(Team.name))).all())


def credentials(*, session: Session) -> dict[str, dict[str, dict[str, object]]]:
    """The credentials dict streamlit-authenticator expects, for active users with a password."""
    users = session.exec(
        select(User).where(col(User.password_hash).is_not(None), col(User.active).is_(True))
    ).all()
    return {
        "usernames": {
            u.username: {
                "name": u.name,
                "email": u.email or f"{u.username}@leadpact.invalid",
                "password": u.password_hash,
                "roles": [str(u.role)],
                "failed_login_attempts": u.failed_logins,
                "logged_in": False,
            }
            for u in users
        }
    }


def record_login(*, session: Session, username: str, success: bool) -> int:
    """Count failed sign-ins (reset on success); returns the current failure count."""
    user = get_by_username(session=session, username=username)
    if user is None:
        return 0
    user.failed_logins = 0 if success else user.failed_logins + 1
    session.add(user)
    return user.failed_logins


def login_delay_seconds(failures: int) -> float:
    """Repeated failures slow down: nothing for the first three, then doubling to 8 s."""
    if failures <= 3:
        return 0.0
    return float(min(8, 2 ** (failures - 4)))


def secret(*, session: Session, key: str) -> str:
    """A generated secret stored in the database (e.g. the cookie signing key)."""
    row = session.get(Setting, key)
    if row is None:
        row = Setting(key=key, value=secrets.token_urlsafe(32))
        session.add(row)
        session.flush()
    return row.value


def _existing(session: Session, username: str) -> User:
    user = get_by_username(session=session, username=username)
    if user is None:
        raise UserError(f"no user named {username!r}")
    return user


def _admin_count(session: Session) -> int:
    return session.exec(
        select(func.count())
        .select_from(User)
        .where(User.role == Role.ADMIN, col(User.active).is_(True))
    ).one()


def _audit(
    session: Session, actor: User | None, action: str, user: User, detail: str | None
) -> None:
    session.add(
        AuditEntry(
            actor_id=actor.id if actor else None,
            action=action,
            entity="user",
            entity_id=user.username,
            detail=detail,
        )
    )
