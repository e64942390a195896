"""The rules a lead is judged by: the agreement as it stood at its hand-off.

Each hand-off (qualification into the sales queue, routing, a reassignment) records on the
lead the id of a HandoffRules row: the content of the version that governed then (the signed
version in force, or the draft while nothing is signed). One row per distinct content, so
editing the draft later makes a new row for later hand-offs and re-judges no earlier lead.
"""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from sla_core.agreement import versions
from sla_core.clock import now
from sla_core.models import HandoffRules
from sla_core.terms import AgreementContent


def current_rules_id(*, session: Session) -> int:
    """The id of the rules in force now (the governing version's content), stored once."""
    governing = versions.governing_version(session=session)
    text = versions.canonical_json(governing.content)
    digest = versions.content_hash(governing.content)
    values = {
        "version_id": governing.version.id,
        "content_hash": digest,
        "content": text,
        "created_at": now(),
    }
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(HandoffRules)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["content_hash"])
    )
    session.execute(statement)
    found = session.exec(
        select(HandoffRules.id).where(col(HandoffRules.content_hash) == digest)
    ).one()
    return int(found or 0)


def load_rules(*, session: Session) -> dict[int, AgreementContent]:
    """Every stored hand-off rule set by id (few: one per distinct agreement content)."""
    return {
        int(row.id): AgreementContent.model_validate_json(row.content)
        for row in session.exec(select(HandoffRules)).all()
        if row.id is not None
    }
