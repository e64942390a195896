"""What the clocks need from the database besides the leads: work time, zone, teams."""

from __future__ import annotations

import pandas as pd
from sqlmodel import Session, col, select

from sla_core.agreement import versions
from sla_core.models import Role, Team, TeamKind, User
from sla_core.org import load_org_settings
from sla_core.sla.handoff import load_rules
from sla_core.sla.views import Heads
from sla_core.sla.worktime import WorkSetup, load_work_time
from sla_core.terms import MQLDefinition


def team_of(*, session: Session) -> dict[int, int | None]:
    """Each person's team id (None for someone in no team)."""
    return {u.id: u.team_id for u in session.exec(select(User)).all() if u.id is not None}


def mql_history(*, session: Session) -> tuple[tuple[pd.Timestamp, MQLDefinition], ...]:
    """The MQL definition of every signed version, from the instant its last required
    signature put it in force, oldest first (empty while nothing is signed)."""
    found = []
    for version in versions.all_versions(session=session):
        sigs = versions.signatures(session=session, version_id=version.id or 0)
        if not versions.is_in_force(version, sigs):
            continue
        content = versions.load_content(version)
        required = set(content.required_signers)
        valid = [s for s in versions.valid_signatures(version, sigs) if s.role in required]
        since = max(pd.Timestamp(s.signed_at) for s in valid)
        found.append((since, content.mql))
    return tuple(sorted(found, key=lambda pair: pair[0]))


def load_setup(*, session: Session) -> WorkSetup:
    """Business hours, holidays and away periods, the organisation's zone, everyone's team,
    and the MQL definitions that were in force (exemptions judge each lead at hand-off),
    and the rules each hand-off recorded (a lead is judged by the rules of its hand-off)."""
    return WorkSetup(
        work_time=load_work_time(session=session),
        zone=load_org_settings(session=session).time_zone,
        team_of=team_of(session=session),
        mql_history=mql_history(session=session),
        rules=load_rules(session=session),
    )


def load_heads(*, session: Session) -> Heads:
    """Active sales reps and marketers (they set the targets) and everyone's team."""
    people = session.exec(select(User).where(col(User.active))).all()
    return Heads(
        reps=frozenset(u.id for u in people if u.id and u.role == Role.SALES_REP),
        marketers=frozenset(u.id for u in people if u.id and u.role == Role.MARKETER),
        team_of=team_of(session=session),
    )


def sales_teams(*, session: Session) -> dict[int, str]:
    """The sales teams by id, by name."""
    teams = session.exec(select(Team).where(Team.kind == TeamKind.SALES).order_by(col(Team.name)))
    return {t.id: t.name for t in teams.all() if t.id is not None}
