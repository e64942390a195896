"""Qualification: leads at stage `lead` whose score reaches the threshold in force become MQLs.

Definitions change the future, not the past: an import scores only the leads it brought
(new or changed rows of its batch) under the definition in force. Re-qualifying the backlog
(every lead still at `lead`, scored earlier under an older definition) is a separate,
explicit action: `requalify_preview` says how many leads, from which months, and the load
it would put on each rep; `requalify` applies it with an audit entry. A re-qualified lead
carries `requalified_at` (and its event says so), so it is counted beside, not inside, the
month's new MQLs (`sla.cohorts.requalified`, `sla.cohorts.requalified_in`).

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
from sla_core.clock import micros_to_series, now, to_micros
from sla_core.db import session_scope
from sla_core.marketing import route_run, routing
from sla_core.models import User
from sla_core.org import load_org_settings
from sla_core.periods import labels_of
from sla_core.scoring import score_leads
from sla_core.sla.handoff import current_rules_id
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


def candidates(engine: Engine, batch_id: int | None = None) -> pd.DataFrame:
    """The id, creation instant and six profile fields of every lead still at stage `lead`
    (with `batch_id`: only those that import brought, new or changed)."""
    only = "" if batch_id is None else f" AND import_batch_id = {int(batch_id)}"
    table = read_arrow(
        engine, f"SELECT id, created_at, {PROFILE} FROM lead WHERE stage = '{Stage.LEAD}'{only}"
    )
    return table.to_pandas()


def _apply(
    conn: Connection,
    ids: np.ndarray,
    scores: np.ndarray,
    note: str,
    actor: User,
    *,
    rules_id: int,
    requalified: bool,
) -> int:
    """Move the staged leads still at `lead` to MQL and log one event each; returns how many."""
    rows = zip(ids.tolist(), scores.tolist(), strict=True)
    stage_int_rows(conn, "qualify_rows", ("id", "score"), rows)
    at = to_micros(now())
    flag = ", requalified_at = :at" if requalified else ""
    moved = conn.execute(
        text(
            f"UPDATE lead SET stage = '{Stage.MQL}', mql_at = :at, updated_at = :at,"
            f" handoff_rules_id = :rules{flag}"
            f" WHERE stage = '{Stage.LEAD}' AND id IN (SELECT id FROM qualify_rows)"
        ),
        {"at": at, "rules": rules_id},
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


def qualify(
    *, session: Session, actor: User, dry_run: bool = False, batch_id: int | None = None
) -> QualifyResult:
    """Make MQLs of the leads at stage `lead` whose score reaches the threshold in force.

    With `batch_id` (an import): only the leads that import brought, as new MQLs. Without:
    the whole backlog at `lead` is re-qualified, and each lead moved is flagged as such
    (`requalified_at`, "re-qualified" in its event) - see `requalify`.
    """
    if not dry_run:
        require(actor, Permission.IMPORT_LEADS)
    governing = agreement.governing_version(session=session)
    mql = governing.content.mql
    frame = candidates(session.get_bind(), batch_id)  # type: ignore[arg-type]
    scores = score_leads(frame, mql).to_numpy()
    hit = scores >= mql.threshold
    result = QualifyResult(
        governing.version.number, mql.threshold, len(frame), int(hit.sum()), dry_run
    )
    if dry_run or not hit.any():
        return result
    backlog = batch_id is None
    note = f"agreement v{governing.version.number} (threshold {mql.threshold}), score "
    note = f"re-qualified under {note}" if backlog else note
    ids = frame["id"].to_numpy(dtype=np.int64)[hit]
    rules_id = current_rules_id(session=session)
    moved = _apply(session.connection(), ids, scores[hit], note, actor,
                   rules_id=rules_id, requalified=backlog)  # fmt: skip
    result = QualifyResult(result.version, result.threshold, result.candidates, moved, False)
    audit.record(
        session=session,
        actor=actor,
        action="requalify_leads" if backlog else "qualify_leads",
        entity="lead",
        detail=result.summary() if batch_id is None else f"import #{batch_id}: {result.summary()}",
    )
    return result


def qualify_after_import(*, engine: Engine, actor: User, batch_id: int) -> QualifyResult:
    """The importer's hook: qualify the leads import `batch_id` brought, in a transaction of
    its own. It never touches a lead the import did not bring."""
    with session_scope(engine) as session:
        return qualify(session=session, actor=actor, batch_id=batch_id)


@dataclass(frozen=True)
class RequalifyPreview:
    """What re-qualifying the backlog would do under the definition in force now.

    `months`: label and count of the leads that would become MQLs, by the month they were
    created (the organisation's zone and calendar), oldest first. `load`: per active rep
    (id, name, month: MQLs this month, would_get, month_after), as routing would hand the
    leads out within the monthly max; `unrouted`: the ones no rep has room for.
    """

    result: QualifyResult
    months: pd.DataFrame
    load: pd.DataFrame
    unrouted: int

    def summary(self) -> str:
        spans = ", ".join(f"{r.month}: {int(r.leads):,}" for r in self.months.itertuples())
        return f"{self.result.summary()}" + (f"; created {spans}" if spans else "")


def requalify_preview(*, session: Session, actor: User) -> RequalifyPreview:
    """How many backlog leads would become MQLs, from which months, and each rep's load."""
    require(actor, Permission.IMPORT_LEADS)
    governing = agreement.governing_version(session=session)
    mql = governing.content.mql
    frame = candidates(session.get_bind())  # type: ignore[arg-type]
    scores = score_leads(frame, mql).to_numpy()
    hit = scores >= mql.threshold
    result = QualifyResult(
        governing.version.number, mql.threshold, len(frame), int(hit.sum()), True
    )
    settings = load_org_settings(session=session)
    created = micros_to_series(frame.loc[hit, "created_at"])
    labels = labels_of(created, zone=settings.time_zone, calendar=settings.calendar)
    months = labels.value_counts().sort_index().rename_axis("month").reset_index(name="leads")
    reps = route_run.rep_loads(session=session, away=(), ref=now())
    queue = pd.DataFrame(
        {"id": frame.loc[hit, "id"].to_numpy(dtype=np.int64), "score": scores[hit],
         "since": created.to_numpy()}
    )  # fmt: skip
    t = governing.content.targets
    plan = routing.plan(queue, reps, t.min_mqls_per_rep, t.max_mqls_per_rep)
    given = plan["rep_id"].value_counts()
    load = reps[["id", "name", "month"]].copy()
    load["would_get"] = load["id"].map(given).fillna(0).astype("int64")
    load["month_after"] = load["month"] + load["would_get"]
    return RequalifyPreview(result, months.astype({"leads": "int64"}), load, len(queue) - len(plan))


def requalify(*, session: Session, actor: User) -> QualifyResult:
    """Re-qualify the backlog under the definition in force: the explicit action (preview it
    first with `requalify_preview`); leads moved are flagged re-qualified, with an audit entry."""
    return qualify(session=session, actor=actor)
