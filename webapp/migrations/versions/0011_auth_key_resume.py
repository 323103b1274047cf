"""auth_keys: resume_hash, the key mail's continue link

Revision ID: 0011
Revises: 0010

A key mail's link (「ブラウザを閉じてしまった場合は…」) is often opened in another browser
(the mail app's own, or another one than the wizard began in), where no wizard cookie
exists. The link carries a random resume token, kept here only as an HMAC and valid as
long as its key, which binds that browser to the key page; the key must still be typed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("auth_keys") as batch:
        batch.add_column(sa.Column("resume_hash", sa.String(length=64), nullable=True))
        batch.create_index("ix_auth_keys_resume_hash", ["resume_hash"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("auth_keys") as batch:
        batch.drop_index("ix_auth_keys_resume_hash")
        batch.drop_column("resume_hash")
