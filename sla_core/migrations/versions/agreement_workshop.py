"""agreement workshop: review state, voided signatures, section comments

Revision ID: agreement_workshop
Revises: 0001
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import sla_core.clock

revision = "agreement_workshop"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("agreementversion", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("in_review_since", sla_core.clock.UTCTimestamp(), nullable=True)
        )
    with op.batch_alter_table("signature", schema=None) as batch_op:
        batch_op.add_column(sa.Column("voided_at", sla_core.clock.UTCTimestamp(), nullable=True))
    op.create_table(
        "agreementcomment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("section", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("at", sla_core.clock.UTCTimestamp(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["version_id"], ["agreementversion.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("agreementcomment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreementcomment_version_id"), ["version_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("agreementcomment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreementcomment_version_id"))
    op.drop_table("agreementcomment")
    with op.batch_alter_table("signature", schema=None) as batch_op:
        batch_op.drop_column("voided_at")
    with op.batch_alter_table("agreementversion", schema=None) as batch_op:
        batch_op.drop_column("in_review_since")
