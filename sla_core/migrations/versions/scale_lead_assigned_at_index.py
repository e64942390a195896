"""An index on lead (assigned_at, owner_id): routing counts each rep's leads of the last
30 days and of this month on every preview; without it that is a scan of every lead.

Revision ID: scale_lead_assigned_at_index
Revises: review_reminders
"""

from alembic import op

revision = "scale_lead_assigned_at_index"
down_revision = "review_reminders"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_lead_assigned_owner", "lead", ["assigned_at", "owner_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_lead_assigned_owner", table_name="lead")
