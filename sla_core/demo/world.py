"""A realistic, seeded demo: six months of a sales & marketing operation ending 'now'.

The agreement is in force (v1 signed by both managers, v2 under discussion) and last
quarter is closed with its badges (`story`).

The people are created through `users.create_user` (bcrypt, so they can sign in); the leads
and their event history are generated with numpy in bulk and written over ADBC in one
transaction. The same seed and reference give the same leads; passwords are new each load.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, func, select

from sla_core import agreement, clock
from sla_core.access import Permission, can, require
from sla_core.demo import story
from sla_core.demo.leads import generate
from sla_core.demo.life import SPAN_DAYS, Cast
from sla_core.demo.vocabulary import ENGLISH, Vocabulary, vocabulary
from sla_core.i18n.languages import Language
from sla_core.models import Lead, Role, Setting, Team, TeamKind, User
from sla_core.org import ORG_KEY, save_org_settings
from sla_core.people import users
from sla_core.store.bulk import arrow_schema, bulk_writer

DOMAIN = "brightpath.example"
KEY_PREFIX = "demo-"


@dataclass(frozen=True)
class DemoResult:
    leads: int
    passwords: dict[str, str]  # username -> generated password, shown ONCE to the user


@dataclass(frozen=True)
class Person:
    username: str
    name: str
    role: Role
    team: str | None
    style: str = ""  # reps: star | steady | laggard; marketers: their volume/quality profile


ENTERPRISE, MID_MARKET, MARKETING = "Enterprise Sales", "Mid-Market Sales", "Growth Marketing"
TEAMS: tuple[tuple[str, TeamKind], ...] = (
    (ENTERPRISE, TeamKind.SALES),
    (MID_MARKET, TeamKind.SALES),
    (MARKETING, TeamKind.MARKETING),
)

PEOPLE: tuple[Person, ...] = (
    Person("nasrin.f", "Nasrin Farahani", Role.SALES_MANAGER, ENTERPRISE),
    Person("khalid.r", "Khalid Al-Rashid", Role.SALES_MANAGER, MID_MARKET),
    Person("elena.p", "Elena Petrova", Role.MARKETING_MANAGER, MARKETING),
    Person("sara.k", "Sara Karimi", Role.SALES_REP, ENTERPRISE, "star"),
    Person("omar.h", "Omar Haddad", Role.SALES_REP, ENTERPRISE, "steady"),
    Person("lena.f", "Lena Fischer", Role.SALES_REP, ENTERPRISE, "steady"),
    Person("daniel.o", "Daniel Okafor", Role.SALES_REP, ENTERPRISE, "steady"),
    Person("mina.r", "Mina Rahimi", Role.SALES_REP, ENTERPRISE, "steady"),
    Person("james.w", "James Whitfield", Role.SALES_REP, ENTERPRISE, "laggard"),
    Person("yusuf.m", "Yusuf Al-Masri", Role.SALES_REP, MID_MARKET, "star"),
    Person("priya.n", "Priya Nair", Role.SALES_REP, MID_MARKET, "steady"),
    Person("reza.t", "Reza Tehrani", Role.SALES_REP, MID_MARKET, "steady"),
    Person("layla.m", "Layla Mansour", Role.SALES_REP, MID_MARKET, "steady"),
    Person("wei.c", "Chen Wei", Role.SALES_REP, MID_MARKET, "steady"),
    Person("tomas.a", "Tomás Álvarez", Role.SALES_REP, MID_MARKET, "laggard"),
    Person("amir.h", "Amir Hosseini", Role.MARKETER, MARKETING, "volume"),
    Person("fatima.b", "Fatima Benali", Role.MARKETER, MARKETING, "quality"),
    Person("noah.k", "Noah Kim", Role.MARKETER, MARKETING, "steady"),
    Person("chloe.m", "Chloé Martin", Role.MARKETER, MARKETING, "junior"),
    Person("ravi.s", "Ravi Shah", Role.VIEWER, None),
)
# Only when nobody can administer the database yet (the command-line path); the setup
# screen creates the real admin before it loads the demo.
ADMIN = Person("demo.admin", "Demo Administrator", Role.ADMIN, None)


def load_demo(
    *,
    engine: Engine,
    actor: User,
    seed: int = 7,
    leads: int = 20_000,
    force: bool = False,
    reference: datetime | None = None,
    language: Language | str = Language.ENGLISH,
) -> DemoResult:
    """Fill an empty database with six months of a realistic sales & marketing operation,
    told in `language` ("en", "fa" or "ar": the company's people, leads and agreement)."""
    require(actor, Permission.MANAGE_USERS)
    words = vocabulary(language)
    if leads < 1:
        raise ValueError("the demo needs at least one lead")
    ref = reference or clock.now()
    with Session(engine) as session:
        existing = session.exec(select(func.count()).select_from(Lead)).one()
    if existing and not force:
        raise ValueError(
            f"the database already holds {existing:,} leads; the demo loads only into an "
            "empty database (use --force to add it anyway; earlier demo leads are replaced)"
        )
    with Session(engine) as session:
        before = set(session.exec(select(User.id)).all())
        team_ids = set(session.exec(select(Team.id)).all())
        org_chosen = session.get(Setting, ORG_KEY) is not None
    try:
        passwords, ids = _people(engine, actor, words)
        frames = generate(cast=_cast(ids), seed=seed, n=leads, reference=ref, words=words)
        _write(engine, *frames)
        story.tell(engine=engine, ids=ids, ref=ref, start=ref - timedelta(days=SPAN_DAYS),
                   actor=actor, words=words)  # fmt: skip
    except BaseException as exc:
        _undo_people(engine, before, team_ids, org_chosen)
        if isinstance(exc, Exception) and not isinstance(exc, ValueError):
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise ValueError(
                f"the demo data could not be written, nothing was kept: {reason}"
            ) from exc
        raise
    return DemoResult(leads=leads, passwords=passwords)


def _people(
    engine: Engine, actor: User, words: Vocabulary = ENGLISH
) -> tuple[dict[str, str], dict[str, int]]:
    """Create (or, on a forced reload, re-key) the demo people; returns passwords and ids."""
    passwords: dict[str, str] = {}
    ids: dict[str, int] = {}
    team_name = dict(zip((name for name, _ in TEAMS), words.teams, strict=True))
    with Session(engine) as session:
        agreement.ensure_agreement(session=session)
        _org(session, words, actor)
        existing = {t.name: t for t in session.exec(select(Team)).all()}
        teams: dict[str, Team] = {}
        for name, kind in TEAMS:
            teams[name] = existing.get(team_name[name]) or Team(name=team_name[name], kind=kind)
            session.add(teams[name])
        session.flush()
        people = PEOPLE if users.signable_admins(session=session) else (ADMIN, *PEOPLE)
        for person in people:
            email = f"{person.username}@{DOMAIN}"
            password = users.generate_password()
            user = session.exec(select(User).where(User.email == email)).first()
            if user is not None:  # an earlier demo load: new password, shown again
                user = users.set_password(
                    session=session, username=user.username, password=password, actor=actor
                )
            else:
                user = users.create_user(
                    session=session,
                    username=_free_username(session, person.username),
                    name=words.people.get(person.username, person.name),
                    role=person.role,
                    email=email,
                    password=password,
                    team_id=teams[person.team].id if person.team else None,
                    actor=actor,
                )
            passwords[user.username] = password
            ids[person.username] = int(user.id or 0)
        session.commit()
    return passwords, ids


def _org(session: Session, words: Vocabulary, actor: User) -> None:
    """A Persian or Arabic company keeps its own time and money (Tehran, Jalali, rials),
    unless someone already chose the organisation's settings."""
    if words.org is None or session.get(Setting, ORG_KEY) is not None:
        return
    if can(actor, Permission.MANAGE_SETTINGS):
        save_org_settings(session=session, settings=words.org, actor=actor)


def _free_username(session: Session, wanted: str) -> str:
    # someone (the admin from the setup screen) may already use a demo username
    taken = set(
        session.exec(select(User.username).where(col(User.username).startswith(wanted))).all()
    )
    candidate, n = wanted, 1
    while candidate in taken:
        n += 1
        candidate = f"{wanted}{n}"
    return candidate


def _cast(ids: dict[str, int]) -> Cast:
    reps = [p for p in PEOPLE if p.role is Role.SALES_REP]
    marketers = [p for p in PEOPLE if p.role is Role.MARKETER]
    return Cast(
        rep_ids=np.array([ids[p.username] for p in reps], dtype=np.int64),
        rep_styles=tuple(p.style for p in reps),
        marketer_ids=np.array([ids[p.username] for p in marketers], dtype=np.int64),
        marketer_styles=tuple(p.style for p in marketers),
    )


def _arrow(frame: pd.DataFrame, table_name: str) -> pa.Table:
    schema = arrow_schema(SQLModel.metadata.tables[table_name])
    fields = [schema.field(name) for name in frame.columns]
    return pa.Table.from_pandas(frame, schema=pa.schema(fields), preserve_index=False)


def _write(engine: Engine, leads: pd.DataFrame, events: pd.DataFrame) -> None:
    """Leads, then their events keyed by the ids the database gave them: one transaction."""
    pattern = f"{KEY_PREFIX}%"
    with bulk_writer(engine) as bulk:
        # demo leads never come from an import batch: imported leads are never touched here
        demo_leads = (
            f"SELECT id FROM lead WHERE lead_key LIKE {bulk.p(1)} AND import_batch_id IS NULL"
        )
        # a forced reload replaces the earlier demo leads instead of colliding with them
        bulk.execute(f"DELETE FROM leadevent WHERE lead_id IN ({demo_leads})", [pattern])
        bulk.execute(f"DELETE FROM lead WHERE id IN ({demo_leads})", [pattern])
        bulk.append("lead", _arrow(leads, "lead"))
        keys = bulk.fetch(
            f"SELECT id, lead_key FROM lead WHERE lead_key LIKE {bulk.p(1)}", [pattern]
        )
        keys_frame = keys.to_pandas()
        lead_id = pd.Series(keys_frame["id"].to_numpy(), index=keys_frame["lead_key"].to_numpy())
        history = events.assign(
            lead_id=lead_id.reindex(events["lead_key"].to_numpy()).to_numpy()
        ).drop(columns="lead_key")
        bulk.append("leadevent", _arrow(history, "leadevent"))


def _undo_people(
    engine: Engine,
    users_before: set[int | None],
    teams_before: set[int | None],
    org_chosen: bool = True,
) -> None:
    """A failed load leaves no demo people behind (leads were rolled back already), nor
    the organisation settings a Persian or Arabic demo chose."""
    with Session(engine) as session:
        org = None if org_chosen else session.get(Setting, ORG_KEY)
        if org is not None:
            session.delete(org)
        for user in session.exec(select(User)).all():
            if user.id not in users_before:
                session.delete(user)
        session.flush()
        for team in session.exec(select(Team)).all():
            if team.id not in teams_before:
                session.delete(team)
        session.commit()
