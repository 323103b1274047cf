"""PostgreSQL: the keyword's GIN index holds each posting's 受付年月日 too (issue 14 point 3)

Revision ID: 0022
Revises: 0021

A keyword search sorted newest first wants the first 1,001 matches by 受付年月日 (the count
to 「1,000件以上」 and any page of the list). The GIN index of the tokens gives every
posting holding them, in no order: for 介護 at 1,000,000 postings 100,000 rows read from
the table to keep 1,001. With received_on in the same index (btree_gin's operator class
for dates), `received_on >= a recent date` narrows the bitmap inside the index, so only
the newest matches are read (webapp/postings/search.py, _newest_ids). A second GIN index
on received_on alone would do the same only if the planner chose to AND the two bitmaps,
which it does not for a keyword it has wrongly guessed rare; one index holding both, it
uses both conditions. The index keeps its name; SQLite is unchanged (its FTS5 walk stays).

btree_gin ships with PostgreSQL (contrib) and is a trusted extension: the database's owner
may create it. Going back leaves the extension installed (something else may use it).
"""

from __future__ import annotations

from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def _rebuild(columns: str) -> None:
    op.execute(
        f"CREATE INDEX ix_job_postings_search_tokens_new ON job_postings USING gin ({columns})"
    )
    op.execute("DROP INDEX ix_job_postings_search_tokens")
    op.execute(
        "ALTER INDEX ix_job_postings_search_tokens_new RENAME TO ix_job_postings_search_tokens"
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    _rebuild("search_tokens, received_on")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    _rebuild("search_tokens")
