"""Review and correction (issue 14): needs-review flags, field corrections, the review audit log.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("batchfile", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("needs_review", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("review_fields", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("reviewed_by", sa.String(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_batchfile_needs_review"), ["needs_review"], unique=False
        )

    op.create_table(
        "field_correction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.String(), nullable=False),
        sa.Column("project_id", sa.String(), nullable=False),
        sa.Column("template_id", sa.String(), nullable=False),
        sa.Column("batch_id", sa.String(), nullable=False),
        sa.Column("file_id", sa.String(), nullable=False),
        sa.Column("field", sa.String(), nullable=False),
        sa.Column("original_value", sa.JSON(), nullable=True),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.Column("box", sa.JSON(), nullable=True),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("field_correction", schema=None) as batch_op:
        for column in ("org_id", "template_id", "batch_id", "file_id"):
            batch_op.create_index(
                batch_op.f(f"ix_field_correction_{column}"), [column], unique=False
            )

    op.create_table(
        "review_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.String(), nullable=False),
        sa.Column("template_id", sa.String(), nullable=True),
        sa.Column("file_id", sa.String(), nullable=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("review_event", schema=None) as batch_op:
        for column in ("org_id", "template_id", "file_id"):
            batch_op.create_index(batch_op.f(f"ix_review_event_{column}"), [column], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("review_event", schema=None) as batch_op:
        for column in ("file_id", "template_id", "org_id"):
            batch_op.drop_index(batch_op.f(f"ix_review_event_{column}"))
    op.drop_table("review_event")
    with op.batch_alter_table("field_correction", schema=None) as batch_op:
        for column in ("file_id", "batch_id", "template_id", "org_id"):
            batch_op.drop_index(batch_op.f(f"ix_field_correction_{column}"))
    op.drop_table("field_correction")
    with op.batch_alter_table("batchfile", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_batchfile_needs_review"))
        batch_op.drop_column("reviewed_by")
        batch_op.drop_column("reviewed_at")
        batch_op.drop_column("review_fields")
        batch_op.drop_column("needs_review")
