"""An index on lead.updated_at: the snapshot's data revision reads its maximum on every rerun.

Revision ID: scale_lead_updated_at_index
Revises: gamification_points
"""

from alembic import op

revision = "scale_lead_updated_at_index"
down_revision = "gamification_points"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_lead_updated_at", "lead", ["updated_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_lead_updated_at", table_name="lead")
