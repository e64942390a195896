"""sign-in sessions and throttling; the set-up marker for databases that already have an admin

Revision ID: trust_sign_in
Revises: i18n_user_language
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import sla_core.clock

revision = "trust_sign_in"
down_revision = "i18n_user_language"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signinsession",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("expires_at", sla_core.clock.UTCTimestamp(), nullable=False),
        sa.Column("ended_at", sla_core.clock.UTCTimestamp(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("signinsession", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_signinsession_user_id"), ["user_id"], unique=False
        )
    op.create_table(
        "signinthrottle",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", sla_core.clock.UTCTimestamp(), nullable=False),
        sa.Column("locked_until", sla_core.clock.UTCTimestamp(), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    # A database that already has an admin was set up: the setup screen must never reopen.
    op.execute(
        "INSERT INTO setting (key, value) SELECT 'setup_completed_at', 'before-marker' "
        "WHERE EXISTS (SELECT 1 FROM \"user\" WHERE role = 'admin') "
        "AND NOT EXISTS (SELECT 1 FROM setting WHERE key = 'setup_completed_at')"
    )


def downgrade() -> None:
    op.drop_table("signinthrottle")
    with op.batch_alter_table("signinsession", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signinsession_user_id"))
    op.drop_table("signinsession")
