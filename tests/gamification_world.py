"""A small, hand-checked world for the gamification tests: two teams, three reps, a marketer.

March 2026 (UTC), default agreement (48-hour disposition window, every due lead must be
dispositioned in time for the level to be met):
- Ava (North): two leads, both dispositioned within a day, with a reason -> disposition met.
- Bo (North): two leads, one dispositioned after 3 days -> disposition missed.
- Cy (South): one lead, disqualified in time but WITHOUT a reason (as imported CRM data
  are) -> it counts as made, as on the Compliance page: disposition met.
- Mo (marketing) produced all five MQLs.
April has one lead of Ava's, which the closing tests edit to show March does not move.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from sla_core.models import Lead, Role, Team, TeamKind, User


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


PEOPLE = {
    "ava": ("Ava", Role.SALES_REP, "North"),
    "bo": ("Bo", Role.SALES_REP, "North"),
    "cy": ("Cy", Role.SALES_REP, "South"),
    "mo": ("Mo", Role.MARKETER, "Growth"),
    "boss": ("Boss", Role.SALES_MANAGER, None),
}

# Meets the default MQL definition, so no lead is exempt from the SLA.
PROFILE: dict[str, Any] = {
    "industry": "Software",
    "company_size": 200,
    "department": "Sales",
    "job_title": "Head of Sales",
    "technographics": "Salesforce",
    "engagement": 80,
}

LEADS: list[dict[str, Any]] = [
    {"key": "a1", "owner": "ava", "assigned": "2026-03-02 09:00", "disp": "2026-03-02 17:00",
     "stage": "disqualified", "reason": "No budget"},
    {"key": "a2", "owner": "ava", "assigned": "2026-03-10 09:00", "disp": "2026-03-11 09:00",
     "stage": "sql", "reason": None},
    {"key": "b1", "owner": "bo", "assigned": "2026-03-03 09:00", "disp": "2026-03-03 12:00",
     "stage": "nurture", "reason": "Bad timing"},
    {"key": "b2", "owner": "bo", "assigned": "2026-03-05 09:00", "disp": "2026-03-08 09:00",
     "stage": "disqualified", "reason": "Duplicate lead"},
    {"key": "c1", "owner": "cy", "assigned": "2026-03-04 09:00", "disp": "2026-03-04 10:00",
     "stage": "disqualified", "reason": "  "},
    {"key": "x1", "owner": "ava", "assigned": "2026-04-06 09:00", "disp": "2026-04-06 10:00",
     "stage": "nurture", "reason": "Bad timing"},
]  # fmt: skip


def build(engine: Engine) -> dict[str, int]:
    """Create the world; returns user ids by short name."""
    with Session(engine) as session:
        teams = {}
        for name, kind in (("North", TeamKind.SALES), ("South", TeamKind.SALES),
                           ("Growth", TeamKind.MARKETING)):  # fmt: skip
            team = Team(name=name, kind=kind)
            session.add(team)
            session.flush()
            teams[name] = team.id
        ids = {}
        for short, (name, role, team) in PEOPLE.items():
            user = User(
                username=short,
                name=name,
                role=role,
                team_id=teams.get(team) if team else None,
                created_at=at("2025-01-01 00:00"),
            )
            session.add(user)
            session.flush()
            ids[short] = user.id or 0
        for row in LEADS:
            assigned = at(row["assigned"])
            qualified = row["stage"] == "sql"
            session.add(
                Lead(
                    lead_key=row["key"],
                    **PROFILE,
                    owner_id=ids[row["owner"]],
                    marketer_id=ids["mo"],
                    stage=row["stage"],
                    disposition_reason=row["reason"],
                    created_at=assigned,
                    mql_at=assigned,
                    assigned_at=assigned,
                    first_touch_at=at(row["disp"]),
                    dispositioned_at=at(row["disp"]),
                    sql_at=at(row["disp"]) if qualified else None,
                    updated_at=assigned,
                )
            )
        session.commit()
    return ids


def edit_lead(engine: Engine, key: str, **changes: Any) -> None:
    """Change one lead's snapshot (as a late CRM correction would)."""
    with Session(engine) as session:
        lead = session.exec(select(Lead).where(Lead.lead_key == key)).one()
        for name, value in changes.items():
            setattr(lead, name, value)
        session.add(lead)
        session.commit()
