"""members: an index on employer_id, for the rule of オンライン自主応募

Revision ID: 0012
Revises: 0011

A posting takes オンライン自主応募 only when its 事業所 has an active employer user
(webapp/postings/online.py). The search filter, the result tags and the posting page ask
that once per posting, so the users of a 事業所 are found through this index.
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_members_employer", "members", ["employer_id"])


def downgrade() -> None:
    op.drop_index("ix_members_employer", table_name="members")
