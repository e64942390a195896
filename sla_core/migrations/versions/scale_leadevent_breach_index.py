"""A partial index on the breach events: the breaches reassignments left with their owners are
read at every server start and a full read of the leads, a handful among a million events.

Revision ID: scale_leadevent_breach_index
Revises: agreement_revisions
"""

import sqlalchemy as sa
from alembic import op

revision = "scale_leadevent_breach_index"
down_revision = "agreement_revisions"
branch_labels = None
depends_on = None

BREACHES = sa.text("kind = 'breach'")


def upgrade() -> None:
    op.create_index(
        "ix_leadevent_breach",
        "leadevent",
        ["lead_id"],
        unique=False,
        sqlite_where=BREACHES,
        postgresql_where=BREACHES,
    )


def downgrade() -> None:
    op.drop_index("ix_leadevent_breach", table_name="leadevent")
