"""half-done 求人票 drafts; the reason of a staff correction in the change history

Revision ID: 0013
Revises: 0012

An employer's 下書き keeps whatever was typed: a wage or a 採用人数 not typed yet is NULL
(a text or a choice not given yet is ""), and completeness is checked when the draft is
submitted for review. Published postings (loaded or approved) always have them.

Dropping NOT NULL changes no stored row, only the table's declaration. PostgreSQL's
ALTER does exactly that. SQLite has no such ALTER, and Alembic's batch mode would copy
job_postings and make its six indexes again (20 s per 100,000 postings: minutes for a
million, at every instance's start). So on SQLite the declaration itself is edited, by
the procedure SQLite documents for removing a NOT NULL constraint
(https://www.sqlite.org/lang_altertable.html, "Making Other Kinds Of Table Schema
Changes": writable_schema, the new CREATE TABLE text, schema_version one up, a check),
then the columns are read back; if the text is not as expected or the edit is refused,
batch mode does it the slow way.

profile_changes.reason: why staff corrected a counter registration (氏名, フリガナ, 生年月日,
メールアドレス); empty for the job-seeker's own changes.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

DRAFT_NUMBERS = ("wage_min", "wage_max", "wage_monthly", "openings")


def _nullable_in_place() -> bool:
    """SQLite: drop the columns' NOT NULL by editing job_postings' CREATE TABLE text (no
    row changes). False, having changed nothing, where that cannot be done safely."""
    bind = op.get_bind()
    sql = str(
        bind.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'job_postings'"
        ).scalar()
    )
    for name in DRAFT_NUMBERS:
        # `name INTEGER [DEFAULT '1'] NOT NULL`, as SQLAlchemy wrote it: the NOT NULL goes.
        declared = rf"""(\b"?{name}"?\s+INTEGER(?:\s+DEFAULT\s+(?:'[^']*'|\([^)]*\)|\w+))?)"""
        sql, found = re.subn(declared + r"\s+NOT NULL", r"\1", sql)
        if found != 1:
            return False
    version = int(bind.exec_driver_sql("PRAGMA schema_version").scalar() or 0)
    try:
        bind.exec_driver_sql("PRAGMA writable_schema = ON")
        bind.exec_driver_sql(
            "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'job_postings'",
            (sql,),
        )
        bind.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
    except sa.exc.DBAPIError:  # SQLITE_DBCONFIG_DEFENSIVE: sqlite_master is read-only
        return False
    finally:
        bind.exec_driver_sql("PRAGMA writable_schema = OFF")
    problems = bind.exec_driver_sql("PRAGMA quick_check").scalar()
    if problems != "ok":
        raise RuntimeError(f"job_postings after dropping NOT NULL: {problems}")
    columns = bind.exec_driver_sql("PRAGMA table_info(job_postings)").fetchall()
    if any(column[3] for column in columns if column[1] in DRAFT_NUMBERS):
        raise RuntimeError("job_postings: NOT NULL still declared after the edit")
    return True


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite" or not _nullable_in_place():
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
