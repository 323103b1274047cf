"""job_postings by employer_id, job_seekers by office_id: the signed-in pages of members

Revision ID: 0019
Revises: 0017

An employer's applicant list and posting list found the 事業所's postings by reading every
posting (20,000 in the demo data: most of that page's time); staff's job-seeker search read
every job-seeker for the office's newest. Each now goes through an index.
"""

from __future__ import annotations

from alembic import op

revision = "0019"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_job_postings_employer", "job_postings", ["employer_id"])
    op.create_index("ix_job_seekers_office", "job_seekers", ["office_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_job_seekers_office", table_name="job_seekers")
    op.drop_index("ix_job_postings_employer", table_name="job_postings")
