"""Who owned a lead when: an assignment event records the owner it handed the lead to.

- leadevent.owner_id: for an "assigned" event, the rep who owns the lead from then on (the
  event's actor is whoever assigned it: a manager, routing, an admin merging people).
  Older events leave it empty; the lead page then reads the owner from what it knows.
- leadevent.previous_owner_id: for an "assigned" event, who owned it before (none for a
  lead routed from the backlog); the event's `since` then says since when they had it.

Revision ID: lead_event_owner
Revises: history_handoff_rules
"""

import sqlalchemy as sa
from alembic import op

revision = "lead_event_owner"
down_revision = "history_handoff_rules"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("leadevent", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("previous_owner_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("leadevent", schema=None) as batch_op:
        batch_op.drop_column("previous_owner_id")
        batch_op.drop_column("owner_id")
