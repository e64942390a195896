"""Qualification: leads at stage `lead` whose score reaches the threshold in force become MQLs.

Set-based for a million leads: the snapshot's profile columns are scored in pandas, the
qualifying ids are staged in a temporary table, then one UPDATE ... WHERE stage = 'lead'
moves them and one INSERT ... SELECT writes their stage events. A lead someone else moved
in the meantime (or a CRM already marked MQL or later) is left alone by that WHERE.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from sla_core import agreement, audit
from sla_core.access import Permission, require
from sla_core.clock import now, to_micros
from sla_core.db import session_scope
from sla_core.models import User
from sla_core.scoring import score_leads
from sla_core.stages import EventKind, Stage
from sla_core.store.bulk import read_arrow, stage_int_rows
from sla_core.terms import CriterionField

PROFILE = ", ".join(f.value for f in CriterionField)


@dataclass(frozen=True)
class QualifyResult:
    """What a qualification run found (and, unless a dry run, did)."""

    version: int
    threshold: int
    candidates: int
    qualified: int
    dry_run: bool

    def summary(self) -> str:
        verb = "would become" if self.dry_run else "became"
        return (
            f"{self.qualified:,} of {self.candidates:,} leads at stage 'lead' {verb} MQLs "
            f"(agreement v{self.version}, threshold {self.threshold})"
        )


def candidates(engine: Engine) -> pd.DataFrame:
    """The id and six profile fields of every lead still at stage `lead`."""
    table = read_arrow(engine, f"SELECT id, {PROFILE} FROM lead WHERE stage = '{Stage.LEAD}'")
    return table.to_pandas()


def _apply(conn: Connection, ids: np.ndarray, scores: np.ndarray, note: str, actor: User) -> int:
    """Move the staged leads still at `lead` to MQL and log one event each; returns how many."""
    rows = zip(ids.tolist(), scores.tolist(), strict=True)
    stage_int_rows(conn, "qualify_rows", ("id", "score"), rows)
    at = to_micros(now())
    moved = conn.execute(
        text(
            f"UPDATE lead SET stage = '{Stage.MQL}', mql_at = :at, updated_at = :at"
            f" WHERE stage = '{Stage.LEAD}' AND id IN (SELECT id FROM qualify_rows)"
        ),
        {"at": at},
    ).rowcount
    conn.execute(
        text(
            "INSERT INTO leadevent (lead_id, at, kind, from_stage, to_stage, actor_id, note)"
            f" SELECT lead.id, :at, '{EventKind.STAGE}', '{Stage.LEAD}', '{Stage.MQL}', :actor,"
            " CAST(:note AS TEXT) || CAST(q.score AS TEXT)"
            " FROM lead JOIN qualify_rows AS q ON q.id = lead.id"
            f" WHERE lead.stage = '{Stage.MQL}' AND lead.mql_at = :at AND lead.updated_at = :at"
        ),
        {"at": at, "actor": actor.id, "note": note},
    )
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("DELETE FROM qualify_rows")
    return int(moved)


def qualify(*, session: Session, actor: User, dry_run: bool = False) -> QualifyResult:
    """Make MQLs of the leads at stage `lead` whose score reaches the threshold in force."""
    if not dry_run:
        require(actor, Permission.IMPORT_LEADS)
    governing = agreement.governing_version(session=session)
    mql = governing.content.mql
    frame = candidates(session.get_bind())  # type: ignore[arg-type]
    scores = score_leads(frame, mql).to_numpy()
    hit = scores >= mql.threshold
    result = QualifyResult(
        governing.version.number, mql.threshold, len(frame), int(hit.sum()), dry_run
    )
    if dry_run or not hit.any():
        return result
    note = f"agreement v{governing.version.number} (threshold {mql.threshold}), score "
    ids = frame["id"].to_numpy(dtype=np.int64)[hit]
    moved = _apply(session.connection(), ids, scores[hit], note, actor)
    result = QualifyResult(result.version, result.threshold, result.candidates, moved, False)
    audit.record(
        session=session,
        actor=actor,
        action="qualify_leads",
        entity="lead",
        detail=result.summary(),
    )
    return result


def qualify_after_import(*, engine: Engine, actor: User) -> QualifyResult:
    """The importer's hook: qualify newly stored leads in one transaction of its own."""
    with session_scope(engine) as session:
        return qualify(session=session, actor=actor)
