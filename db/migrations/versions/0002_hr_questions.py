"""hr question queue

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "hr_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_hr_questions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hr_questions")),
    )
    with op.batch_alter_table("hr_questions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hr_questions_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_hr_questions_user_id"), ["user_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("hr_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hr_questions_user_id"))
        batch_op.drop_index(batch_op.f("ix_hr_questions_status"))

    op.drop_table("hr_questions")
