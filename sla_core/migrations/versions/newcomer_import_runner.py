"""import batches name the process running them (so a killed import shows as failed)

Revision ID: newcomer_import_runner
Revises: scale_lead_updated_at_index
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "newcomer_import_runner"
down_revision = "scale_lead_updated_at_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("importbatch", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("runner", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("importbatch", schema=None) as batch_op:
        batch_op.drop_column("runner")
