"""import staging

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "import_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("actor_id", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_runs")),
    )
    with op.batch_alter_table("import_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_runs_status"), ["status"], unique=False)

    op.create_table(
        "staged_competencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("nip", sa.String(length=18), nullable=False),
        sa.Column("competency", sa.String(length=40), nullable=False),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["import_runs.id"],
            name=op.f("fk_staged_competencies_run_id_import_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staged_competencies")),
    )
    with op.batch_alter_table("staged_competencies", schema=None) as batch_op:
        batch_op.create_index("ix_staged_competencies_run_nip", ["run_id", "nip"], unique=False)

    op.create_table(
        "staged_employees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("nip", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("employment_type", sa.String(length=4), nullable=False),
        sa.Column("gender", sa.String(length=1), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("unit_code", sa.String(length=40), nullable=False),
        sa.Column("position_name", sa.String(length=200), nullable=False),
        sa.Column("position_type", sa.String(length=20), nullable=False),
        sa.Column("functional_level", sa.String(length=20), nullable=True),
        sa.Column("grade", sa.String(length=6), nullable=False),
        sa.Column("grade_tmt", sa.Date(), nullable=False),
        sa.Column("position_tmt", sa.Date(), nullable=False),
        sa.Column("cpns_tmt", sa.Date(), nullable=True),
        sa.Column("education", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["import_runs.id"],
            name=op.f("fk_staged_employees_run_id_import_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staged_employees")),
    )
    with op.batch_alter_table("staged_employees", schema=None) as batch_op:
        batch_op.create_index("ix_staged_employees_run_nip", ["run_id", "nip"], unique=False)

    op.create_table(
        "staged_yearly",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("nip", sa.String(length=18), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("predicate", sa.String(length=20), nullable=True),
        sa.Column("hours", sa.SmallInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["import_runs.id"],
            name=op.f("fk_staged_yearly_run_id_import_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staged_yearly")),
    )
    with op.batch_alter_table("staged_yearly", schema=None) as batch_op:
        batch_op.create_index("ix_staged_yearly_run_nip", ["run_id", "nip"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("staged_yearly", schema=None) as batch_op:
        batch_op.drop_index("ix_staged_yearly_run_nip")

    op.drop_table("staged_yearly")
    with op.batch_alter_table("staged_employees", schema=None) as batch_op:
        batch_op.drop_index("ix_staged_employees_run_nip")

    op.drop_table("staged_employees")
    with op.batch_alter_table("staged_competencies", schema=None) as batch_op:
        batch_op.drop_index("ix_staged_competencies_run_nip")

    op.drop_table("staged_competencies")
    with op.batch_alter_table("import_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_runs_status"))

    op.drop_table("import_runs")
