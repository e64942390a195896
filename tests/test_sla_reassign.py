"""Automatic reassignment N hours after a breach (optional, set in the agreement)."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlmodel import select

from sla_core.access import system_actor
from sla_core.agreement import versions
from sla_core.db import session_scope
from sla_core.models import Lead, LeadEvent, Role, Team, User
from sla_core.sla.reassign import plan_reassignment
from sla_core.sla.remind import run_reminders
from sla_core.terms import Reminders, ServicePolicy
from tests.test_sla_reminders import REF, engine  # noqa: F401 (fixture)


def _reassign_after(engine, hours: int | None) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    with session_scope(engine) as session:
        version = versions.ensure_agreement(session=session)
        content = versions.load_content(version)
        policy = ServicePolicy(reminders=Reminders(reassign_after_hours=hours))
        versions.save_draft(session=session, version_id=version.id, revision=version.revision,
                            content=content.model_copy(update={"service": policy}),
                            actor=system_actor())  # fmt: skip
        north = session.exec(select(Team).where(Team.name == "North")).one()
        session.add(User(username="rep2", name="Rep Two", role=Role.SALES_REP, team_id=north.id))


@pytest.mark.parametrize(("hours", "moved"), [(None, False), (1, True), (3, False)])
def test_a_lead_overdue_long_enough_goes_to_a_teammate(engine, hours, moved) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    _reassign_after(engine, hours)  # the "late" lead is 2 h past its deadline
    report = run_reminders(engine=engine, actor=system_actor(), config=None, ref=REF)
    assert report.reassigned == int(moved)
    with session_scope(engine) as session:
        late = session.exec(select(Lead).where(Lead.lead_key == "late")).one()
        owner = session.get(User, late.owner_id)
        events = session.exec(select(LeadEvent).where(LeadEvent.kind == "assigned")).all()
        assert owner.username == ("rep2" if moved else "rep")
        assert [e.note for e in events] == (["disposition overdue by 2 h"] if moved else [])
        if moved:
            assert late.assigned_at == REF  # the new rep's clock starts now
    again = run_reminders(engine=engine, actor=system_actor(), config=None, ref=REF)
    assert again.reassigned == 0


def test_the_plan_picks_the_least_loaded_available_teammate() -> None:
    overdue = pd.DataFrame({"lead_id": [1, 2, 3], "owner_id": [10, 10, 20],
                            "overdue_hours": [5.0, 6.0, 7.0]})  # fmt: skip
    team_of = {10: 1, 11: 1, 12: 1, 13: 1, 20: 2}
    plan = plan_reassignment(overdue, {11: 3, 12: 3, 13: 0}, team_of, [10, 11, 12, 13, 20],
                             away={13})  # fmt: skip
    # 13 is away; 11 and 12 tie at 3 open leads: 11 first, then 12; team 2 has nobody else
    assert plan[["lead_id", "to_owner"]].values.tolist() == [[1, 11], [2, 12]]
