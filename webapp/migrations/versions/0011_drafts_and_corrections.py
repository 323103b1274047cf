"""half-done 求人票 drafts; the reason of a staff correction in the change history

Revision ID: 0011
Revises: 0010

An employer's 下書き keeps whatever was typed: a wage or a 採用人数 not typed yet is NULL
(a text or a choice not given yet is ""), and completeness is checked when the draft is
submitted for review. Published postings (loaded or approved) always have them.

On SQLite, dropping NOT NULL rebuilds job_postings (Alembic's batch mode copies the rows,
ids included, so the FTS5 index's rowids still name them, and makes the indexes again):
about a second per 50,000 postings. PostgreSQL changes only the catalogue.

profile_changes.reason: why staff corrected a counter registration (氏名, フリガナ, 生年月日,
メールアドレス); empty for the job-seeker's own changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

DRAFT_NUMBERS = ("wage_min", "wage_max", "wage_monthly", "openings")


def upgrade() -> None:
    with op.batch_alter_table("job_postings") as batch:
        for name in DRAFT_NUMBERS:
            batch.alter_column(name, existing_type=sa.Integer(), nullable=True)
    op.add_column(
        "profile_changes", sa.Column("reason", sa.Text(), server_default="", nullable=False)
    )


def downgrade() -> None:
    with op.batch_alter_table("profile_changes") as batch:
        batch.drop_column("reason")
    # A half-done draft cannot be kept by the older release: it goes (nothing else can
    # point at a draft: it has no applications, referrals or favourites).
    op.execute(
        "DELETE FROM job_postings WHERE status = 'draft' AND "
        "(wage_min IS NULL OR wage_max IS NULL OR wage_monthly IS NULL OR openings IS NULL)"
    )
    with op.batch_alter_table("job_postings") as batch:
        for name in DRAFT_NUMBERS:
            batch.alter_column(name, existing_type=sa.Integer(), nullable=False)
