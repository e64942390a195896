"""review reminders: a reminder may concern the agreement's review instead of a lead

Revision ID: review_reminders
Revises: trust_sign_in
"""

import sqlalchemy as sa
from alembic import op

revision = "review_reminders"
down_revision = "trust_sign_in"
branch_labels = None
depends_on = None

WHERE = sa.text("lead_id IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.alter_column("lead_id", existing_type=sa.BigInteger(), nullable=True)
        batch_op.create_index(
            "uq_reminder_review",
            ["clock", "step", "recipient_id", "deadline"],
            unique=True,
            sqlite_where=WHERE,
            postgresql_where=WHERE,
        )


def downgrade() -> None:
    op.execute("DELETE FROM reminder WHERE lead_id IS NULL")
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_index("uq_reminder_review")
        batch_op.alter_column("lead_id", existing_type=sa.BigInteger(), nullable=False)
