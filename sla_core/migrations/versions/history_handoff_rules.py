"""History is what happened: the rules in force at each hand-off, re-qualified leads, and
the instant the follow-up duty was met.

- handoffrules: one row per distinct agreement content a lead was handed off under (the
  signed version in force, or the draft), so a later edit of the draft re-judges nothing.
- lead.handoff_rules_id: the rules of the lead's current hand-off.
- lead.requalified_at: the lead became an MQL by re-qualifying the backlog (counted beside,
  not inside, the month's new MQLs).
- lead.follow_up_done_at: the instant of the touch that met the follow-up duty.
- leadevent.since: for a "breach" event (a clock the previous owner had breached when the
  lead was reassigned), when the missed obligation started: its period counts it.

Revision ID: history_handoff_rules
Revises: scale_lead_assigned_at_index
"""

import sqlalchemy as sa
from alembic import op

revision = "history_handoff_rules"
down_revision = "scale_lead_assigned_at_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "handoffrules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("content_hash"),
    )
    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.add_column(sa.Column("handoff_rules_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("requalified_at", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("follow_up_done_at", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("leadevent", schema=None) as batch_op:
        batch_op.add_column(sa.Column("since", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("leadevent", schema=None) as batch_op:
        batch_op.drop_column("since")
    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.drop_column("follow_up_done_at")
        batch_op.drop_column("requalified_at")
        batch_op.drop_column("handoff_rules_id")
    op.drop_table("handoffrules")
