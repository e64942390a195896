"""History is what happened: a table of hand-counted cases (issue 17, items 2, 3, 7, 8)."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from sla_core import users
from sla_core.access import system_actor
from sla_core.db import session_scope
from sla_core.importing import ImportOptions
from sla_core.importing.run import run_import
from sla_core.models import Role, User
from sla_core.snapshot import read_leads


def _user(engine: Engine, role: Role, username: str) -> User:
    with session_scope(engine) as session:
        user = users.create_user(
            actor=system_actor(),
            session=session,
            username=username,
            name=username.title(),
            role=role,
        )
        session.flush()
        session.expunge(user)
    return user


# --- item 8: an import whose mapped text column is empty in every row ---------------------


@pytest.mark.parametrize("column", ["Company", "Industry", "Source", "Country", "Job Title"])
def test_a_mapped_column_empty_in_every_row_imports_the_rows(engine: Engine, column: str) -> None:
    marketer = _user(engine, Role.MARKETER, "mo")
    data = f"Id,Email,Stage,{column}\n1,a@x.io,lead,\n2,b@x.io,mql,\n3,c@x.io,lead,\n".encode()
    report = run_import(
        engine=engine, data=data, filename="leads.csv", actor=marketer, options=ImportOptions()
    )
    assert (report.new, report.rejected) == (3, 0)
    assert len(read_leads(engine)) == 3
