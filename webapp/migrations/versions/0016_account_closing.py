"""the end of an account: 退会 and a staff-ended registration (就職, 取消)

Revision ID: 0016
Revises: 0015

job_seekers.closed_at: when the account was closed (NULL: open); closed_reason says how
(withdrawn: 退会 by the job-seeker; employed: 就職; cancelled: 取消), closed_by which staff
member ended it (no foreign key, as job_postings.approved_by: a plain column can be added
to SQLite without copying the table), closed_note the staff member's reason.

On closing, the address moves to closed_email and `email` gets a placeholder, so the
address is free again for a new registration (by the usual rules) and the sign-in door
finds no account behind it (the same answer as for any unknown address). `python -m
webapp purge` deletes the account once the retention period after closed_at has passed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("job_seekers", sa.Column("closed_at", sa.DateTime(timezone=True)))
    op.add_column("job_seekers", sa.Column("closed_reason", sa.String(length=10)))
    op.add_column("job_seekers", sa.Column("closed_by", sa.Integer()))
    op.add_column(
        "job_seekers", sa.Column("closed_note", sa.Text(), server_default="", nullable=False)
    )
    op.add_column("job_seekers", sa.Column("closed_email", sa.String(length=100)))
    op.create_index("ix_job_seekers_closed_at", "job_seekers", ["closed_at"])


def downgrade() -> None:
    op.drop_index("ix_job_seekers_closed_at", table_name="job_seekers")
    with op.batch_alter_table("job_seekers") as batch:
        for name in ("closed_email", "closed_note", "closed_by", "closed_reason", "closed_at"):
            batch.drop_column(name)
