"""rate limits: whom a client's failure was against (spraying counts distinct accounts)

Revision ID: 0009
Revises: 0008

The flat per-client caps (30 failed sign-ins in 15 minutes, 10 key requests an hour) stopped
honest crowds behind one address. Spraying is now told apart by the number of distinct
accounts a client failed against, so each failure row keeps an HMAC of the address typed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rate_limit_hits") as batch:
        batch.add_column(sa.Column("subject_hash", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("rate_limit_hits") as batch:
        batch.drop_column("subject_hash")
