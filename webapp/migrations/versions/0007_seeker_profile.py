"""seeker profile (求職情報), publishing (求職公開), direct requests, activities

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "employer_blocks",
        sa.Column("seeker_id", sa.Integer(), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["employer_id"],
            ["employers.id"],
            name=op.f("fk_employer_blocks_employer_id_employers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["seeker_id"],
            ["job_seekers.id"],
            name=op.f("fk_employer_blocks_seeker_id_job_seekers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("seeker_id", "employer_id", name=op.f("pk_employer_blocks")),
    )
    op.create_table(
        "seeker_profiles",
        sa.Column("seeker_id", sa.Integer(), nullable=False),
        sa.Column("desired_occupation_2", sa.String(length=1), server_default="", nullable=False),
        sa.Column("desired_occupation_3", sa.String(length=1), server_default="", nullable=False),
        sa.Column("desired_wage_type", sa.String(length=10), server_default="", nullable=False),
        sa.Column("desired_wage_min", sa.Integer(), nullable=True),
        sa.Column("desired_hours", sa.Text(), server_default="", nullable=False),
        sa.Column("desired_holidays", sa.Text(), server_default="", nullable=False),
        sa.Column("licenses", sa.Text(), server_default="", nullable=False),
        sa.Column("education", sa.Text(), server_default="", nullable=False),
        sa.Column("self_pr", sa.Text(), server_default="", nullable=False),
        sa.Column("published", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("publish_number", sa.String(length=12), nullable=True),
        sa.Column("publish_parts", sa.Text(), server_default="", nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["seeker_id"],
            ["job_seekers.id"],
            name=op.f("fk_seeker_profiles_seeker_id_job_seekers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("seeker_id", name=op.f("pk_seeker_profiles")),
        sa.UniqueConstraint("publish_number", name=op.f("uq_seeker_profiles_publish_number")),
    )
    op.create_table(
        "work_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seeker_id", sa.Integer(), nullable=False),
        sa.Column("started", sa.String(length=7), nullable=False),
        sa.Column("ended", sa.String(length=7), server_default="", nullable=False),
        sa.Column("company", sa.Text(), nullable=False),
        sa.Column("job", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["seeker_id"],
            ["job_seekers.id"],
            name=op.f("fk_work_history_seeker_id_job_seekers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_history")),
    )
    with op.batch_alter_table("work_history", schema=None) as batch_op:
        batch_op.create_index("ix_work_history_seeker", ["seeker_id", "started"], unique=False)

    op.create_table(
        "activities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seeker_id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_activities_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["office_id"], ["offices.id"], name=op.f("fk_activities_office_id_offices")
        ),
        sa.ForeignKeyConstraint(
            ["seeker_id"],
            ["job_seekers.id"],
            name=op.f("fk_activities_seeker_id_job_seekers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activities")),
    )
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.create_index("ix_activities_seeker", ["seeker_id", "happened_on"], unique=False)

    op.create_table(
        "direct_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("posting_id", sa.Integer(), nullable=False),
        sa.Column("seeker_id", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["employer_id"],
            ["employers.id"],
            name=op.f("fk_direct_requests_employer_id_employers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_direct_requests_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["posting_id"],
            ["job_postings.id"],
            name=op.f("fk_direct_requests_posting_id_job_postings"),
        ),
        sa.ForeignKeyConstraint(
            ["seeker_id"],
            ["job_seekers.id"],
            name=op.f("fk_direct_requests_seeker_id_job_seekers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_direct_requests")),
        sa.UniqueConstraint("posting_id", "seeker_id", name=op.f("uq_direct_requests_posting_id")),
    )
    with op.batch_alter_table("direct_requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_direct_requests_seeker", ["seeker_id", "created_at"], unique=False
        )

    op.create_table(
        "profile_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seeker_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=10), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("before", sa.Text(), server_default="", nullable=False),
        sa.Column("after", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_profile_changes_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["seeker_id"],
            ["job_seekers.id"],
            name=op.f("fk_profile_changes_seeker_id_job_seekers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_profile_changes")),
    )
    with op.batch_alter_table("profile_changes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_profile_changes_seeker", ["seeker_id", "created_at"], unique=False
        )

    with op.batch_alter_table("job_seekers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("mail_requests", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.add_column(sa.Column("lapse_reminded_for", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("job_seekers", schema=None) as batch_op:
        batch_op.drop_column("lapse_reminded_for")
        batch_op.drop_column("mail_requests")

    with op.batch_alter_table("profile_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_profile_changes_seeker")

    op.drop_table("profile_changes")
    with op.batch_alter_table("direct_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_direct_requests_seeker")

    op.drop_table("direct_requests")
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_index("ix_activities_seeker")

    op.drop_table("activities")
    with op.batch_alter_table("work_history", schema=None) as batch_op:
        batch_op.drop_index("ix_work_history_seeker")

    op.drop_table("work_history")
    op.drop_table("seeker_profiles")
    op.drop_table("employer_blocks")
