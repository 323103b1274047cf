"""求職申込み online: the オンライン登録者, their 求職申込書 in steps, and office hours

Revision ID: 0015
Revises: 0014

job_seekers.registration_kind: "counter" (利用登録者: registered or confirmed at a Hello
Work counter, every row before this revision) or "online" (オンライン登録者: applied on
the web, not yet seen at a counter). A person filling in the 求職申込書 has status
"applying" (see webapp/security/capabilities.py).

online_applications: one row per online applicant: the step reached (so any device
resumes there), what the 求職申込書 asks that job_seekers does not hold (〒, 性別, 障害の
有無), when it was sent, and when and by whom a counter confirmed the person.

offices.hours: the office's 開庁時間, told to an オンライン登録者 who must visit.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

OFFICE_HOURS = "平日 8時30分〜17時15分（土曜・日曜・祝日・年末年始を除く）"


def upgrade() -> None:
    op.add_column(
        "job_seekers",
        sa.Column("registration_kind", sa.String(10), server_default="counter", nullable=False),
    )
    op.add_column(
        "offices", sa.Column("hours", sa.Text(), server_default=OFFICE_HOURS, nullable=False)
    )
    op.create_table(
        "online_applications",
        sa.Column("seeker_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), server_default="1", nullable=False),
        sa.Column("postcode", sa.String(7), server_default="", nullable=False),
        sa.Column("gender", sa.String(10), server_default="", nullable=False),
        sa.Column("disability", sa.String(10), server_default="", nullable=False),
        sa.Column("disability_note", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["seeker_id"],
            ["job_seekers.id"],
            name=op.f("fk_online_applications_seeker_id_job_seekers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["confirmed_by"],
            ["members.id"],
            name=op.f("fk_online_applications_confirmed_by_members"),
        ),
        sa.PrimaryKeyConstraint("seeker_id", name=op.f("pk_online_applications")),
    )
    op.create_index("ix_job_seekers_kind_office", "job_seekers", ["registration_kind", "office_id"])


def downgrade() -> None:
    op.drop_index("ix_job_seekers_kind_office", table_name="job_seekers")
    op.drop_table("online_applications")
    # A person still filling in the 求職申込書 has no place in the older release.
    op.execute("DELETE FROM job_seekers WHERE status = 'applying'")
    with op.batch_alter_table("offices") as batch:
        batch.drop_column("hours")
    with op.batch_alter_table("job_seekers") as batch:
        batch.drop_column("registration_kind")
