"""link guards replace link attempts; link codes remember who used them

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "link_guards",
        sa.Column("scope", sa.String(length=8), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("failures", sa.SmallInteger(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "key", name=op.f("pk_link_guards")),
    )
    with op.batch_alter_table("link_guards", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_link_guards_window_start"), ["window_start"], unique=False
        )
    op.drop_table("link_attempts")
    with op.batch_alter_table("link_codes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("used_by", sa.BigInteger(), nullable=True))
    # Codes hashed without the server key can no longer be checked; they were valid for 72 hours.
    op.execute("DELETE FROM link_codes WHERE used_at IS NULL")


def downgrade() -> None:
    with op.batch_alter_table("link_codes", schema=None) as batch_op:
        batch_op.drop_column("used_by")
    op.create_table(
        "link_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("nip", sa.String(length=18), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_attempts")),
    )
    with op.batch_alter_table("link_guards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_link_guards_window_start"))
    op.drop_table("link_guards")
