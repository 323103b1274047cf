"""job search: postings (求人票) with their keyword index, favourites, saved searches

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# The columns searches filter on, carried by the ordering indexes (as in schema.py).
FILTERS = [
    "status",
    "referral_deadline",
    "prefecture_code",
    "employment_type",
    "job_category",
    "weekends_off",
    "online_application",
    "occupation",
    "wage_type",
    "wage_min",
    "municipality",
]


def upgrade() -> None:
    op.create_table(
        "job_postings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_number", sa.String(length=14), nullable=False),
        sa.Column("office_code", sa.String(length=5), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), server_default="open", nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("referral_deadline", sa.Date(), nullable=False),
        sa.Column("company_name", sa.Text(), nullable=False),
        sa.Column("company_address", sa.Text(), nullable=False),
        sa.Column("company_business", sa.Text(), server_default="", nullable=False),
        sa.Column("occupation", sa.String(length=1), nullable=False),
        sa.Column("job_title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("employment_type", sa.String(length=20), nullable=False),
        sa.Column("job_category", sa.String(length=10), nullable=False),
        sa.Column("prefecture_code", sa.String(length=2), nullable=False),
        sa.Column("municipality", sa.Text(), nullable=False),
        sa.Column("work_address", sa.Text(), server_default="", nullable=False),
        sa.Column("wage_type", sa.String(length=10), nullable=False),
        sa.Column("wage_min", sa.Integer(), nullable=False),
        sa.Column("wage_max", sa.Integer(), nullable=False),
        sa.Column("wage_monthly", sa.Integer(), nullable=False),
        sa.Column("working_hours", sa.Text(), nullable=False),
        sa.Column("holidays", sa.Text(), nullable=False),
        sa.Column("weekends_off", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("annual_holidays", sa.Integer(), nullable=True),
        sa.Column("age_limit", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("age_limit_detail", sa.Text(), server_default="", nullable=False),
        sa.Column("education", sa.Text(), server_default="不問", nullable=False),
        sa.Column("experience", sa.Text(), server_default="不問", nullable=False),
        sa.Column("licenses", sa.Text(), server_default="不問", nullable=False),
        sa.Column("insurance", sa.Text(), nullable=False),
        sa.Column("trial_period", sa.Text(), server_default="なし", nullable=False),
        sa.Column("selection_method", sa.Text(), nullable=False),
        sa.Column("openings", sa.Integer(), server_default="1", nullable=False),
        sa.Column("online_application", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_postings")),
        sa.UniqueConstraint("job_number", name=op.f("uq_job_postings_job_number")),
    )
    with op.batch_alter_table("job_postings", schema=None) as batch_op:
        batch_op.create_index("ix_job_postings_received", ["received_on", "id", *FILTERS])
        batch_op.create_index(
            "ix_job_postings_prefecture",
            [
                "prefecture_code",
                "received_on",
                "id",
                *[c for c in FILTERS if c != "prefecture_code"],
            ],
        )
        batch_op.create_index("ix_job_postings_deadline", ["referral_deadline"])
        batch_op.create_index("ix_job_postings_wage", ["wage_monthly"])
        batch_op.create_index("ix_job_postings_registered", ["registered_at"])
        batch_op.create_index(
            "ix_job_postings_filter",
            [
                "id",
                "status",
                "referral_deadline",
                "received_on",
                "prefecture_code",
                "occupation",
                "employment_type",
                "job_category",
                "wage_type",
                "wage_min",
                "wage_monthly",
                "weekends_off",
                "online_application",
                "municipality",
                "registered_at",
            ],
        )

    # The keyword index: one row per posting (same id), holding its two-character tokens
    # (webapp/postings/text.py). Not in schema.py's metadata: each database has its own kind.
    if op.get_bind().dialect.name == "sqlite":
        # Contentless (the tokens are not stored twice) and without positions: a query
        # only needs which postings hold every token; the text check does the rest.
        op.execute(
            "CREATE VIRTUAL TABLE job_search USING fts5("
            "tokens, content='', detail='none', columnsize=0, "
            "tokenize='unicode61 remove_diacritics 0')"
        )
    else:
        op.create_table(
            "job_search",
            sa.Column("posting_id", sa.Integer(), nullable=False),
            sa.Column("tokens", sa.dialects.postgresql.TSVECTOR(), nullable=False),
            sa.ForeignKeyConstraint(
                ["posting_id"],
                ["job_postings.id"],
                name=op.f("fk_job_search_posting_id_job_postings"),
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("posting_id", name=op.f("pk_job_search")),
        )
        op.create_index("ix_job_search_tokens", "job_search", ["tokens"], postgresql_using="gin")

    op.create_table(
        "favourites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seeker_id", sa.Integer(), nullable=False),
        sa.Column("posting_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["posting_id"],
            ["job_postings.id"],
            name=op.f("fk_favourites_posting_id_job_postings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["seeker_id"],
            ["job_seekers.id"],
            name=op.f("fk_favourites_seeker_id_job_seekers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_favourites")),
        sa.UniqueConstraint("seeker_id", "posting_id", name=op.f("uq_favourites_seeker_id")),
    )
    op.create_table(
        "saved_searches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seeker_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("mail_enabled", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("mailed_through", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["seeker_id"],
            ["job_seekers.id"],
            name=op.f("fk_saved_searches_seeker_id_job_seekers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_searches")),
        sa.UniqueConstraint("seeker_id", "query", name=op.f("uq_saved_searches_seeker_id")),
    )
    with op.batch_alter_table("saved_searches", schema=None) as batch_op:
        batch_op.create_index("ix_saved_searches_mail_due", ["mail_enabled", "mailed_through"])


def downgrade() -> None:
    op.drop_table("saved_searches")
    op.drop_table("favourites")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE job_search")
    else:
        op.drop_table("job_search")
    op.drop_table("job_postings")
