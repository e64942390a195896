"""What runs after every successful import: the one place later steps are wired in.

Qualification: the leads this import brought (new or changed rows) still at stage lead,
whose score under the agreement in force reaches its threshold, become MQLs
(sla_core.marketing.qualification), in a transaction of its own. Leads the import did not
bring are never re-qualified by it; leads a killed import left unscored are qualified by
`python -m sla_core qualify` (the backlog, previewed first with `requalify --preview`).
"""

from __future__ import annotations

from sqlalchemy.engine import Engine

from sla_core.marketing.qualification import qualify_after_import
from sla_core.models import User


def after_import(*, engine: Engine, batch_id: int, actor: User) -> list[str]:
    """Steps after import `batch_id` committed; returns notes for the report.

    The import itself is stored whatever happens here: a step that fails says so in a note.
    """
    try:
        result = qualify_after_import(engine=engine, actor=actor, batch_id=batch_id)
    except Exception as exc:  # the import is committed; say what did not follow it
        return [f"qualification did not run after import #{batch_id}: {exc}"]
    return [f"Qualification: {result.summary()}"]
