"""Teams: the sales and marketing teams people are placed in (targets, compliance and
leaderboards count per team). Created and renamed by an admin, on the Users page or with
`python -m sla_core teams ...`."""

from __future__ import annotations

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from sla_core import audit
from sla_core.access import Permission, require
from sla_core.i18n.languages import N_
from sla_core.i18n.message import Figure, Message
from sla_core.models import Team, TeamKind, User
from sla_core.people.users import UserError

NAME_MAX = 100


def teams(*, session: Session) -> list[Team]:
    """Every team, by name."""
    return list(session.exec(select(Team).order_by(col(Team.name))).all())


def team_rows(*, session: Session) -> list[dict[str, str | int]]:
    """Every team by name: its name, kind and how many people are placed in it."""
    heads = dict(
        session.exec(
            select(User.team_id, func.count()).where(col(User.team_id).is_not(None))
            .group_by(col(User.team_id))
        ).all()
    )  # fmt: skip
    return [
        {"name": t.name, "kind": str(t.kind), "people": int(heads.get(t.id, 0))}
        for t in teams(session=session)
    ]


def team_named(*, session: Session, name: str) -> Team:
    """The team called `name` (spaces tidied); else an error naming the teams there are."""
    team = session.exec(select(Team).where(Team.name == " ".join(name.split()))).first()
    if team is None:
        names = ", ".join(t.name for t in teams(session=session)) or "none yet"
        raise UserError(
            f"no team named {name!r} (teams: {names}); "
            "add one with `python -m sla_core teams add NAME --kind sales|marketing`"
        )
    return team


def _clean(name: str) -> str:
    clean = " ".join(name.split())
    if not clean:
        raise UserError(Message.of(N_("a team needs a name")))
    if len(clean) > NAME_MAX:
        raise UserError(
            Message.of(N_("a team's name has at most {count} characters"), count=Figure(NAME_MAX))
        )
    return clean


def _taken(session: Session, name: str, but: int | None = None) -> None:
    """Refuse a name another team has, whatever its case ("sales north" is "Sales North")."""
    query = select(Team).where(func.lower(Team.name) == name.lower())
    if but is not None:
        query = query.where(col(Team.id) != but)
    other = session.exec(query).first()
    if other is not None:
        raise UserError(Message.of(N_("a team named {name} already exists"), name=repr(other.name)))


def create_team(*, session: Session, name: str, kind: TeamKind, actor: User) -> Team:
    """A new team. Two admins adding the same name at once: the unique key keeps one."""
    require(actor, Permission.MANAGE_USERS)
    clean = _clean(name)
    _taken(session, clean)
    team = Team(name=clean, kind=TeamKind(kind))
    try:
        with session.begin_nested():
            session.add(team)
            session.flush()
    except IntegrityError:
        raise UserError(
            Message.of(N_("a team named {name} already exists"), name=repr(clean))
        ) from None
    audit.record(
        session=session, actor=actor, action="team.create", entity="team",
        entity_id=team.id, detail=f"name={clean} kind={team.kind}",
    )  # fmt: skip
    return team


def rename_team(*, session: Session, old: str, new: str, actor: User) -> Team:
    """Give the team named `old` the name `new` (one UPDATE; the unique key refuses a twin)."""
    require(actor, Permission.MANAGE_USERS)
    clean = _clean(new)
    team = team_named(session=session, name=old)
    _taken(session, clean, but=team.id)
    try:
        with session.begin_nested():
            session.execute(update(Team).where(col(Team.id) == team.id).values(name=clean))
    except IntegrityError:
        raise UserError(
            Message.of(N_("a team named {name} already exists"), name=repr(clean))
        ) from None
    session.refresh(team)
    audit.record(
        session=session, actor=actor, action="team.rename", entity="team",
        entity_id=team.id, detail=f"{old} -> {clean}",
    )  # fmt: skip
    return team
