"""Alembic environment: runs on the engine handed in by sla_core.db.migrate."""

from alembic import context
from sqlmodel import SQLModel

import sla_core.models  # noqa: F401  (registers the tables)
from sla_core.db import database_url, make_engine

config = context.config
target_metadata = SQLModel.metadata


def run() -> None:
    engine = config.attributes.get("engine") or make_engine(database_url())
    with engine.begin() as conn:
        context.configure(
            connection=conn,
            target_metadata=target_metadata,
            render_as_batch=conn.dialect.name == "sqlite",
            compare_type=True,
        )
        context.run_migrations()


run()
