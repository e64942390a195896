"""The world of the single-lead tests: one MQL owned by a rep, another rep, a manager, a viewer."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from sla_core.models import Lead, Role, User
from sla_core.stages import Stage

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # the MQL arrives and is assigned


def one_mql(engine: Engine) -> tuple[dict[str, User], int]:
    """The people by part ("rep", "other", "boss", "viewer") and the id of the rep's MQL."""
    with Session(engine, expire_on_commit=False) as session:
        people = {
            "rep": User(username="rep.a", name="Rep A", role=Role.SALES_REP),
            "other": User(username="rep.b", name="Rep B", role=Role.SALES_REP),
            "boss": User(username="boss", name="Boss", role=Role.SALES_MANAGER),
            "viewer": User(username="view", name="Viewer", role=Role.VIEWER),
        }
        session.add_all(people.values())
        session.flush()
        lead = Lead(lead_key="l1", created_at=T0, stage=Stage.MQL, mql_at=T0,
                    owner_id=people["rep"].id, assigned_at=T0, updated_at=T0)  # fmt: skip
        session.add(lead)
        session.commit()
        assert lead.id is not None
        return people, lead.id
