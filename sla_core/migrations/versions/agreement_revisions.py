"""agreement revisions: the content each save of a version left, for diffs between
revisions and for "what changed since I signed"; every version's current content is
recorded at its current revision

Revision ID: agreement_revisions
Revises: lead_event_owner
"""

import sqlalchemy as sa
from alembic import op

import sla_core.clock

revision = "agreement_revisions"
down_revision = "lead_event_owner"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agreementrevision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("saved_by", sa.Integer(), nullable=True),
        sa.Column("saved_at", sla_core.clock.UTCTimestamp(), nullable=False),
        sa.ForeignKeyConstraint(["saved_by"], ["user.id"]),
        sa.ForeignKeyConstraint(["version_id"], ["agreementversion.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version_id", "revision"),
    )
    with op.batch_alter_table("agreementrevision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreementrevision_version_id"), ["version_id"], unique=False
        )
    op.execute(
        "INSERT INTO agreementrevision "
        "(version_id, revision, content, content_hash, saved_by, saved_at) "
        "SELECT id, revision, content, content_hash, updated_by, updated_at FROM agreementversion"
    )


def downgrade() -> None:
    with op.batch_alter_table("agreementrevision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreementrevision_version_id"))
    op.drop_table("agreementrevision")
