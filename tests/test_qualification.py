"""Qualification: leads at `lead` reaching the threshold in force become MQLs, in bulk."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from sla_core import agreement
from sla_core.access import PermissionDenied, system_actor
from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.marketing.qualification import qualify, qualify_after_import
from sla_core.models import AuditEntry, Lead, LeadEvent, Role, User
from sla_core.terms import Criterion, CriterionField, MQLDefinition

MQL = MQLDefinition(
    criteria=(
        Criterion(field=CriterionField.INDUSTRY, weight=50, accepted=("Software",)),
        Criterion(field=CriterionField.ENGAGEMENT, weight=50, minimum=40),
    ),
    threshold=50,
)


def seed(engine: Engine) -> None:
    at = now() - timedelta(days=2)
    rows = [
        ("hit", "lead", "Software", 90),  # 100
        ("half", "lead", "Retail", 40),  # 50: reaches the threshold
        ("miss", "lead", "Retail", 10),  # 0
        ("crm-mql", "mql", "Software", 90),  # already MQL: keeps its stage and date
        ("won", "won", "Software", 90),  # later stage: untouched
    ]
    with session_scope(engine) as session:
        version = agreement.ensure_agreement(session=session)
        content = agreement.load_content(version).model_copy(update={"mql": MQL})
        agreement.save_draft(
            session=session,
            version_id=version.id or 0,
            revision=version.revision,
            content=content,
            actor=system_actor(),
        )
        for key, stage, industry, engagement in rows:
            session.add(
                Lead(
                    lead_key=key,
                    stage=stage,
                    industry=industry,
                    engagement=engagement,
                    created_at=at,
                    mql_at=at if stage != "lead" else None,
                )
            )


def stages(engine: Engine) -> dict[str, tuple[str, bool]]:
    with session_scope(engine) as session:
        return {
            lead.lead_key: (lead.stage, lead.mql_at is not None)
            for lead in session.exec(select(Lead)).all()
        }


def test_qualify_moves_only_leads_at_lead_that_reach_the_threshold(engine: Engine) -> None:
    seed(engine)
    with session_scope(engine) as session:
        result = qualify(session=session, actor=system_actor())
    assert (result.candidates, result.qualified, result.threshold) == (3, 2, 50)
    assert stages(engine) == {
        "hit": ("mql", True),
        "half": ("mql", True),
        "miss": ("lead", False),
        "crm-mql": ("mql", True),
        "won": ("won", True),
    }
    with session_scope(engine) as session:
        events = session.exec(select(LeadEvent).where(LeadEvent.kind == "stage")).all()
        notes = sorted(e.note or "" for e in events)
        audit = session.exec(select(AuditEntry).where(AuditEntry.action == "requalify_leads")).one()
        hit = session.exec(select(Lead).where(Lead.lead_key == "hit")).one()
    # without an import batch, qualify re-qualifies the backlog: each move says so
    assert notes == [
        "re-qualified under agreement v1 (threshold 50), score 100",
        "re-qualified under agreement v1 (threshold 50), score 50",
    ]
    assert {(e.from_stage, e.to_stage) for e in events} == {("lead", "mql")}
    assert all(e.at == hit.mql_at for e in events)
    assert "2 of 3 leads" in (audit.detail or "")


def test_a_second_run_changes_nothing(engine: Engine) -> None:
    seed(engine)
    with session_scope(engine) as session:
        qualify(session=session, actor=system_actor())
    with session_scope(engine) as session:
        again = qualify(session=session, actor=system_actor())
        count = len(session.exec(select(LeadEvent.id)).all())
    assert again.qualified == 0
    assert count == 2


def test_dry_run_counts_and_writes_nothing(engine: Engine) -> None:
    seed(engine)
    with session_scope(engine) as session:
        result = qualify(session=session, actor=system_actor(), dry_run=True)
    assert result.qualified == 2 and result.dry_run
    assert stages(engine)["hit"] == ("lead", False)


def test_a_rep_may_not_qualify(engine: Engine) -> None:
    seed(engine)
    rep = User(id=None, username="r", name="Rep", role=Role.SALES_REP)
    with pytest.raises(PermissionDenied), session_scope(engine) as session:
        qualify(session=session, actor=rep)
    assert stages(engine)["hit"] == ("lead", False)


def test_the_import_hook_commits_its_own_transaction_for_its_batch_only(engine: Engine) -> None:
    seed(engine)
    with session_scope(engine) as session:  # "hit" came with import 7, "half" earlier
        for lead in session.exec(select(Lead).where(col(Lead.lead_key).in_(["hit", "half"]))):
            lead.import_batch_id = 7 if lead.lead_key == "hit" else 6
            session.add(lead)
    done = qualify_after_import(engine=engine, actor=system_actor(), batch_id=7)
    assert (done.candidates, done.qualified) == (1, 1)
    with session_scope(engine) as session:
        mqls = session.exec(select(Lead.lead_key).where(col(Lead.stage) == "mql")).all()
        audit = session.exec(select(AuditEntry).where(AuditEntry.action == "qualify_leads")).one()
    assert sorted(mqls) == ["crm-mql", "hit"]
    assert "import #7" in (audit.detail or "")


def test_a_kill_between_the_import_and_its_qualification_is_resumed(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 18.17: the import committed, the process died before qualifying its leads."""
    from sla_core.importing import after
    from sla_core.importing.run import run_import

    seed(engine)
    data = b"Email,Industry,Engagement,Lifecycle Stage\nnew@x.io,Software,90,lead\n"

    def killed(**_kwargs: object) -> None:
        raise KeyboardInterrupt  # what a kill looks like to the code that is still running

    monkeypatch.setattr(after, "qualify_after_import", killed)
    with pytest.raises(KeyboardInterrupt):
        run_import(engine=engine, data=data, filename="a.csv", actor=system_actor())
    assert stages(engine)["new@x.io"] == ("lead", False)
    monkeypatch.undo()
    other = b"Email,Industry,Engagement,Lifecycle Stage\nother@x.io,Retail,10,lead\n"
    run_import(engine=engine, data=other, filename="b.csv", actor=system_actor())
    # an import never qualifies leads it did not bring (issue 17): the backlog action does,
    # as `python -m sla_core qualify` after a killed import (the README says so)
    assert stages(engine)["new@x.io"] == ("lead", False)
    with session_scope(engine) as session:
        qualify(session=session, actor=system_actor())
    assert stages(engine)["new@x.io"] == ("mql", True)
