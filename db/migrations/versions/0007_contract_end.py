"""PPPK contract end on employees and staged employees

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ("employees", "staged_employees"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("contract_end", sa.Date(), nullable=True))


def downgrade() -> None:
    for table in ("staged_employees", "employees"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("contract_end")
