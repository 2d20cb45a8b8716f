"""Upload idempotency keys: the same ``Idempotency-Key`` again returns the first batch.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "upload_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.String(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("batch_id", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("org_id", "key"),
    )
    with op.batch_alter_table("upload_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_upload_key_org_id"), ["org_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("upload_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_upload_key_org_id"))
    op.drop_table("upload_key")
