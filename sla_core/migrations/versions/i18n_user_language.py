"""user.language: each person's interface language (en, fa, ar)

Revision ID: i18n_user_language
Revises: newcomer_import_runner, scale_lead_updated_at_index
Create Date: 2026-11-22 16:30:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import sla_core.clock


revision = 'i18n_user_language'
down_revision = "sales_reminders"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'language',
                sqlmodel.sql.sqltypes.AutoString(length=8),
                server_default='en',
                nullable=False,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('language')
