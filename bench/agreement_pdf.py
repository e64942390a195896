"""How long the agreement PDF takes: render (two passes), export with its record, verify.

Run: DATABASE_URL=sqlite:////tmp/x.db .venv/bin/python bench/agreement_pdf.py
(a database with the demo loaded; `python -m sla_core demo`).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from sla_core import db
from sla_core.access import system_actor
from sla_core.agreement import export, pdf, verify
from sla_core.clock import now
from sla_core.store import snapshot


def _timed(label: str, runs: int, work) -> None:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    for _ in range(runs):
        work()
    print(f"{label:<34} {(time.perf_counter() - start) / runs * 1000:8.0f} ms")


def main() -> None:
    engine = db.make_engine(db.database_url())
    frame = snapshot.read_leads(engine)
    print(f"{len(frame):,} leads")
    with db.session_scope(engine) as session:
        version = export.pick_version(session=session, number=None)
        manifest = export.manifest_for(session=session, version=version, leads=frame, ref=now())
        data, _ = export.export_pdf(
            session=session, number=None, leads=frame, ref=now(), actor=system_actor()
        )
        print(f"PDF: {len(data):,} bytes, {data.count(b'/Type /Page') - 1} pages")
        _timed("render (two passes)", 5, lambda: pdf.render(manifest))
        _timed(
            "verify (genuine, on record)", 5, lambda: verify.verify_pdf(session=session, data=data)
        )
        _timed(
            "verify (edited: re-render)",
            5,
            lambda: verify.verify_pdf(session=session, data=data + b"\n"),
        )
        session.rollback()  # leave no export records behind


if __name__ == "__main__":
    main()
