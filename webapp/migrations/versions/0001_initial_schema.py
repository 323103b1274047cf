"""initial schema: offices, job-seekers, keys, wizard state, sessions, outbox

Revision ID: 0001
Revises:
Create Date: 2026-11-23 12:22:16.029995
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "caught_mail",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("mail_from", sa.Text(), nullable=False),
        sa.Column("to_addr", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_caught_mail")),
    )
    op.create_table(
        "offices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=5), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("phone", sa.Text(), nullable=False),
        sa.Column("last_serial", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offices")),
        sa.UniqueConstraint("code", name=op.f("uq_offices_code")),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("to_addr", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_due", ["sent_at", "next_attempt_at"], unique=False)

    op.create_table(
        "job_seekers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seeker_number", sa.String(length=14), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kana", sa.Text(), nullable=False),
        sa.Column("birthdate", sa.Date(), nullable=False),
        sa.Column("email", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=True),
        sa.Column("password_set_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"], ["offices.id"], name=op.f("fk_job_seekers_office_id_offices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_seekers")),
        sa.UniqueConstraint("email", name=op.f("uq_job_seekers_email")),
        sa.UniqueConstraint("seeker_number", name=op.f("uq_job_seekers_seeker_number")),
    )
    op.create_table(
        "auth_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("seeker_id", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(length=100), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["seeker_id"],
            ["job_seekers.id"],
            name=op.f("fk_auth_keys_seeker_id_job_seekers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_keys")),
    )
    with op.batch_alter_table("auth_keys", schema=None) as batch_op:
        batch_op.create_index("ix_auth_keys_seeker_purpose", ["seeker_id", "purpose"], unique=False)

    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("seeker_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_agent", sa.Text(), server_default="", nullable=False),
        sa.Column("ip_address", sa.String(length=45), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["seeker_id"],
            ["job_seekers.id"],
            name=op.f("fk_sessions_seeker_id_job_seekers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_sessions_token_hash")),
    )
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.create_index("ix_sessions_seeker", ["seeker_id"], unique=False)

    op.create_table(
        "registration_wizards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=100), nullable=True),
        sa.Column("birth_year", sa.String(length=4), nullable=True),
        sa.Column("birth_month", sa.String(length=2), nullable=True),
        sa.Column("birth_day", sa.String(length=2), nullable=True),
        sa.Column("auth_key_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["auth_key_id"],
            ["auth_keys.id"],
            name=op.f("fk_registration_wizards_auth_key_id_auth_keys"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration_wizards")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_registration_wizards_token_hash")),
    )
    op.bulk_insert(
        sa.table("offices", sa.column("code"), sa.column("name"), sa.column("phone")),
        # The office on the seed leaflet: counter registration works on a fresh database.
        [{"code": "16040", "name": "ハローワーク砺波", "phone": "0763-32-2914"}],
    )


def downgrade() -> None:
    op.drop_table("registration_wizards")
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_sessions_seeker")

    op.drop_table("sessions")
    with op.batch_alter_table("auth_keys", schema=None) as batch_op:
        batch_op.drop_index("ix_auth_keys_seeker_purpose")

    op.drop_table("auth_keys")
    op.drop_table("job_seekers")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_due")

    op.drop_table("outbox")
    op.drop_table("offices")
    op.drop_table("caught_mail")
