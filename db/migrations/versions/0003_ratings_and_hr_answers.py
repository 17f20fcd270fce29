"""answer ratings and HR answers

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "answer_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("entry_id", sa.String(length=60), nullable=False),
        sa.Column("rating", sa.SmallInteger(), nullable=False),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_answer_ratings_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer_ratings")),
        sa.UniqueConstraint("user_id", "entry_id", name=op.f("uq_answer_ratings_user_id")),
    )
    with op.batch_alter_table("answer_ratings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_answer_ratings_entry_id"), ["entry_id"], unique=False)

    with op.batch_alter_table("hr_questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answer", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("answered_by", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("delivery_attempts", sa.SmallInteger(), nullable=False, server_default="0")
        )


def downgrade() -> None:

    with op.batch_alter_table("hr_questions", schema=None) as batch_op:
        batch_op.drop_column("delivery_attempts")
        batch_op.drop_column("delivered_at")
        batch_op.drop_column("answered_at")
        batch_op.drop_column("answered_by")
        batch_op.drop_column("answer")

    with op.batch_alter_table("answer_ratings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_answer_ratings_entry_id"))

    op.drop_table("answer_ratings")
