"""outbox: failed_at, for a mail the sender gave up on

Revision ID: 0010
Revises: 0009

A mail the SMTP server refuses for good (5xx), that cannot be built (a line break in its
subject), or that ran out of attempts is marked failed, with its reason in last_error,
and is no longer retried; `python -m webapp outbox` lists it, `retry` and `drop` act on it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("outbox", sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.drop_column("failed_at")
