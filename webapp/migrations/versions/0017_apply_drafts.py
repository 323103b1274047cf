"""what a job-seeker typed before 応募する / 紹介を希望する, kept between the steps

Revision ID: 0017
Revises: 0016

The application form and the 紹介の希望 form each go to a check page before they are
sent (GOV.UK's check answers). What was typed waits here between the steps, one row per
job-seeker, posting and kind, so Back, a lost signal or a second tap neither loses nor
duplicates it; the chosen 応募書類 wait beside it (checked as at sending), so a
validation error never drops them. Sending deletes the draft in the same transaction.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "apply_drafts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "seeker_id",
            sa.Integer,
            sa.ForeignKey("job_seekers.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "posting_id",
            sa.Integer,
            sa.ForeignKey("job_postings.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("acknowledged", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("message", sa.Text, nullable=False, server_default=""),
        sa.Column("revision", sa.Integer, nullable=False, server_default="1"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("seeker_id", "posting_id", "kind", name="uq_apply_drafts_one"),
    )
    op.create_table(
        "apply_draft_files",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "draft_id",
            sa.Integer,
            sa.ForeignKey("apply_drafts.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("filename", sa.Text, nullable=False),
        sa.Column("content_type", sa.String(40), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("draft_id", "kind", name="uq_apply_draft_files_kind"),
    )


def downgrade() -> None:
    op.drop_table("apply_draft_files")
    op.drop_table("apply_drafts")
