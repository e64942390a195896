"""Accounts: creating users, roles, passwords (bcrypt), and the credentials sign-in needs.

Every change takes the acting user and checks it. One rule holds across all of them:
there is always at least one active admin who can sign in (see `_keep_an_admin`).

Long because every change to an account (create, role, password, address, lock, active) keeps the same checks and the last-admin rule in one place.
"""

from __future__ import annotations

import re
import secrets
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.utils import parseaddr

import bcrypt
from sqlalchemy import delete, or_
from sqlmodel import Session, col, select

from sla_core import audit
from sla_core.access import Permission, require, require_self_or
from sla_core.clock import now
from sla_core.i18n.languages import N_
from sla_core.i18n.message import Figure, Message
from sla_core.models import Role, Setting, SignInThrottle, User
from sla_core.models.people import ROLE_NAMES
from sla_core.people import sessions

SET_UP = "setup_completed_at"  # the Setting marking a database whose first admin exists
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,49}$")
MIN_PASSWORD = 8
ADDRESS_SHAPE = re.compile(
    r"[^@\s,;:<>()\[\]\"\\]+@[^@\s,;:<>()\[\]\"\\]+\.[^@\s,;:<>()\[\]\"\\.]+"
)
MAX_ADDRESS = 254


UNPLACED_ROLES = frozenset({Role.SALES_REP, Role.MARKETER})  # whom an import may add


class UserError(ValueError):
    """A user could not be created or changed; the message says why."""


def address_problem(value: str) -> str | None:
    """Why `value` is not one plain e-mail address (name@example.com); None when it is.

    The one check for every address LeadPact stores or writes to: no line breaks or other
    control characters (they would add mail headers), one @, a dotted domain, and what the
    standard library's parsers read back as the same single address.
    """
    shown = shorten(value)
    if len(value) > MAX_ADDRESS:
        return f"{shown} is longer than {MAX_ADDRESS} characters"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return f"{shown} holds a line break or another control character"
    if not ADDRESS_SHAPE.fullmatch(value):
        return f"{shown} is not an e-mail address like name@example.com"
    try:
        parsed = Address(addr_spec=value)
    except (ValueError, IndexError, HeaderParseError):
        return f"{shown} is not an e-mail address like name@example.com"
    if parsed.addr_spec != value or parseaddr(value) != ("", value):
        return f"{shown} is not an e-mail address like name@example.com"
    return None


def clean_address(value: str | None) -> str | None:
    """An address as stored (trimmed, lower case), None for a blank; UserError if it is not one."""
    text = (value or "").strip().lower()
    if not text:
        return None
    problem = address_problem(text)
    if problem:
        raise UserError(f"e-mail {problem}")
    return text


def shorten(value: object, limit: int = 60) -> str:
    """A value quoted for a message, cut to `limit` characters (a 100 kB value is not echoed)."""
    text = str(value)
    return (
        repr(text) if len(text) <= limit else repr(text[:limit]) + f"… ({len(text):,} characters)"
    )


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
        raise UserError(
            Message.of(
                N_("the password needs at least {count} characters"), count=Figure(MIN_PASSWORD)
            )
        )
    if not re.search(r"[A-Za-z]", password) or not re.search(r"\d", password):
        raise UserError(Message.of(N_("the password needs at least one letter and one digit")))


def generate_password() -> str:
    """A random password that passes validate_password and streamlit-authenticator's rules."""
    return f"Lp{secrets.token_urlsafe(9)}#7"


def role_label(role: str | Role) -> str:
    """How a role reads ("sales_manager" -> "Sales manager"; a page translates it with `_`)."""
    return ROLE_NAMES[Role(role)]


def get_by_username(*, session: Session, username: str) -> User | None:
    return session.exec(select(User).where(User.username == username.strip().lower())).first()


def create_user(
    *,
    session: Session,
    username: str,
    name: str,
    role: Role,
    actor: User,
    email: str | None = None,
    password: str | None = None,
    team_id: int | None = None,
) -> User:
    """Create a person; without a password they exist (e.g. as a lead owner) but cannot sign in."""
    require(actor, Permission.MANAGE_USERS)
    return _insert(session, actor, username, name, role, email, password, team_id)


def create_unplaced_person(
    *, session: Session, username: str, name: str, role: Role, actor: User, email: str | None
) -> User:
    """A person an import names as owner or marketer: no login, no team (so no head count).

    Importers may add them; an admin later places them in a team, merges them into an
    existing user, or removes them (see `sla_core.people.roster`).
    """
    require(actor, Permission.IMPORT_LEADS)
    if Role(role) not in UNPLACED_ROLES:
        # the same rule as an import's: it names owners (reps) and marketers, nothing more
        raise UserError(
            Message.of(
                N_("a person added without a login is a sales rep or a marketer, not {role}"),
                role=Message.of(ROLE_NAMES[Role(role)]),
            )
        )
    return _insert(session, actor, username, name, role, email, None, None)


def set_role(*, session: Session, username: str, role: Role, actor: User) -> User:
    """Change a user's role; the last admin who can sign in keeps theirs."""
    require(actor, Permission.MANAGE_USERS)
    user = _existing(session, username)
    _lock_admins(session)
    user.role = Role(role)
    session.add(user)
    _keep_an_admin(session, f"{user.username} is the last admin who can sign in")
    _mark_set_up(session, user)
    audit.record(
        session=session,
        actor=actor,
        action="user.set_role",
        entity="user",
        entity_id=user.username,
        detail=f"role={role}",
    )
    return user


def set_password(*, session: Session, username: str, password: str, actor: User) -> User:
    """Set a user's password (admins for anyone; users for themselves); ends their sessions."""
    user = _existing(session, username)
    require_self_or(actor, user.id, Permission.MANAGE_USERS)
    validate_password(password)
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    session.add(user)
    sessions.end_all(session=session, user_id=user.id, actor=actor)
    _lift_locks(session, user.username)  # a reset lets the user in again at once
    audit.record(
        session=session,
        actor=actor,
        action="user.set_password",
        entity="user",
        entity_id=user.username,
    )
    return user


def set_email(*, session: Session, username: str, email: str | None, actor: User) -> User:
    """Set (or, with None or blank, clear) a user's e-mail address; admins only."""
    require(actor, Permission.MANAGE_USERS)
    user = _existing(session, username)
    address = clean_address(email)
    taken = select(User).where(User.email == address, User.id != user.id)
    if address and session.exec(taken).first():
        raise UserError(
            Message.of(N_("e-mail {address} belongs to another user"), address=repr(address))
        )
    user.email = address
    session.add(user)
    audit.record(
        session=session,
        actor=actor,
        action="user.set_email",
        entity="user",
        entity_id=user.username,
        detail=f"email={address or '-'}",
    )
    return user


def _lift_locks(session: Session, username: str) -> int:
    """End the account's sign-in locks and failure counts (all addresses); how many rows."""
    name, key = username.strip().lower()[:90], col(SignInThrottle.key)
    mine = or_(key == f"user:{name}", key.startswith(f"pair:{name}@", autoescape=True))
    return int(getattr(session.execute(delete(SignInThrottle).where(mine)), "rowcount", 0) or 0)


def unlock(*, session: Session, username: str, actor: User) -> int:
    """Lift an account's sign-in locks (an admin, or the CLI); returns the rows cleared."""
    require(actor, Permission.MANAGE_USERS)
    user = _existing(session, username)
    cleared = _lift_locks(session, user.username)
    audit.record(
        session=session,
        actor=actor,
        action="user.unlock",
        entity="user",
        entity_id=user.username,
        detail=f"{cleared} lock or failure count(s) cleared",
    )
    return cleared


def set_active(*, session: Session, username: str, active: bool, actor: User) -> User:
    """(De)activate a user; deactivating ends their sessions, never the last admin's."""
    require(actor, Permission.MANAGE_USERS)
    user = _existing(session, username)
    _lock_admins(session)
    user.active = active
    session.add(user)
    _keep_an_admin(session, f"{user.username} is the last admin who can sign in")
    if not active:
        sessions.end_all(session=session, user_id=user.id, actor=actor)
    audit.record(
        session=session,
        actor=actor,
        action="user.set_active",
        entity="user",
        entity_id=user.username,
        detail=f"active={active}",
    )
    return user


def list_users(*, session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(col(User.role), col(User.name))).all())


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
                "failed_login_attempts": 0,
                "logged_in": False,
            }
            for u in users
        }
    }


def secret(*, session: Session, key: str) -> str:
    """A generated secret stored in the database (e.g. the cookie signing key)."""
    row = session.get(Setting, key)
    if row is None:
        row = Setting(key=key, value=secrets.token_urlsafe(32))
        session.add(row)
        session.flush()
    return row.value


def signable_admins(*, session: Session) -> list[int]:
    """Ids of the active admins who can sign in."""
    return [
        int(i)
        for i in session.exec(
            select(User.id).where(
                User.role == Role.ADMIN,
                col(User.active).is_(True),
                col(User.password_hash).is_not(None),
            )
        ).all()
        if i is not None
    ]


def _insert(
    session: Session,
    actor: User,
    username: str,
    name: str,
    role: Role,
    email: str | None,
    password: str | None,
    team_id: int | None,
) -> User:
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise UserError(
            Message.of(
                N_(
                    "username {username}: use {low}-{high} lower-case letters, digits, "
                    "'.', '_' or '-'"
                ),
                username=repr(username),
                low=Figure(2),
                high=Figure(50),
            )
        )
    if get_by_username(session=session, username=username):
        raise UserError(Message.of(N_("username {username} is taken"), username=repr(username)))
    email = clean_address(email)
    if email and session.exec(select(User).where(User.email == email)).first():
        raise UserError(
            Message.of(N_("e-mail {address} belongs to another user"), address=repr(email))
        )
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
    _mark_set_up(session, user)
    audit.record(
        session=session,
        actor=actor,
        action="user.create",
        entity="user",
        entity_id=user.username,
        detail=f"role={user.role}",
    )
    return user


def _mark_set_up(session: Session, user: User) -> None:
    """Once an admin exists, the database is set up for good (first_run.is_set_up)."""
    if user.role == Role.ADMIN and session.get(Setting, SET_UP) is None:
        session.add(Setting(key=SET_UP, value=now().isoformat()))
        session.flush()


def _existing(session: Session, username: str) -> User:
    user = get_by_username(session=session, username=username)
    if user is None:
        raise UserError(f"no user named {username!r}")
    return user


def _lock_admins(session: Session) -> None:
    """Lock the admin rows first (PostgreSQL), so two admins demoting each other queue up."""
    session.exec(select(User.id).where(User.role == Role.ADMIN).with_for_update()).all()


def _keep_an_admin(session: Session, why: str) -> None:
    """Refuse (roll back) a change that leaves no active admin able to sign in."""
    session.flush()
    if not signable_admins(session=session):
        raise UserError(f"{why}; make someone else an admin first")
