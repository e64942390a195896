"""What the clocks need from the database besides the leads: work time, zone, teams."""

from __future__ import annotations

import pandas as pd
from sqlmodel import Session, col, select

from sla_core.agreement import versions
from sla_core.models import Role, Team, TeamKind, User
from sla_core.org import load_org_settings
from sla_core.people.roster import counted_ids
from sla_core.sla.handoff import load_rules
from sla_core.sla.views import Heads
from sla_core.sla.worktime import WorkSetup, load_work_time
from sla_core.terms import AgreementContent, MQLDefinition


def team_of(*, session: Session) -> dict[int, int | None]:
    """Each person's team id (None for someone in no team)."""
    return {u.id: u.team_id for u in session.exec(select(User)).all() if u.id is not None}


def mql_history(*, session: Session) -> tuple[tuple[pd.Timestamp, MQLDefinition], ...]:
    """The MQL definition of every signed version, from the instant its last required
    signature put it in force, oldest first (empty while nothing is signed)."""
    found = []
    for link in versions.chain(session=session):
        if not link.in_force:
            continue
        version, sigs = link.version, link.sigs
        content = versions.load_content(version)
        required = set(link.needed)
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
    """The sales reps and marketers who count (`people.counts`: active and placed; they set
    the targets) and everyone's team."""
    return Heads(
        reps=counted_ids(session=session, role=Role.SALES_REP),
        marketers=counted_ids(session=session, role=Role.MARKETER),
        team_of=team_of(session=session),
    )


def sales_teams(*, session: Session, kind: TeamKind = TeamKind.SALES) -> dict[int, str]:
    """The sales teams (or the teams of `kind`) by id, by name."""
    teams = session.exec(select(Team).where(Team.kind == kind).order_by(col(Team.name)))
    return {t.id: t.name for t in teams.all() if t.id is not None}


def setup_key(content: AgreementContent, setup: WorkSetup) -> tuple[str, ...]:
    """What the clocks depend on beside the leads and the instant, as a memo key."""
    return (
        content.model_dump_json(),
        setup.work_time.model_dump_json(),
        setup.zone,
        repr(sorted(setup.team_of.items())),
        repr([(str(at), d.model_dump_json()) for at, d in setup.mql_history]),
    )
