"""PostgreSQL: the keyword tokens move onto job_postings (no separate job_search table)

Revision ID: 0008
Revises: 0007

A keyword search on PostgreSQL read each candidate three times: job_search's row (for its
posting_id), the filter index, then the posting's row for the text check. With the tokens
in a column of job_postings, the GIN index's bitmap leads straight to the posting rows,
where the filters and the text check run: half the time at 1,000,000 postings
(bench/README.md). SQLite keeps its FTS5 table: its index holds no rows to read.
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute("ALTER TABLE job_postings ADD COLUMN search_tokens tsvector")
    op.execute(
        "UPDATE job_postings SET search_tokens = job_search.tokens "
        "FROM job_search WHERE job_search.posting_id = job_postings.id"
    )
    op.execute(
        "CREATE INDEX ix_job_postings_search_tokens ON job_postings USING gin (search_tokens)"
    )
    op.execute("DROP TABLE job_search")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute(
        "CREATE TABLE job_search ("
        "posting_id integer NOT NULL, tokens tsvector NOT NULL, "
        "CONSTRAINT pk_job_search PRIMARY KEY (posting_id), "
        "CONSTRAINT fk_job_search_posting_id_job_postings FOREIGN KEY (posting_id) "
        "REFERENCES job_postings (id) ON DELETE CASCADE)"
    )
    op.execute(
        "INSERT INTO job_search (posting_id, tokens) "
        "SELECT id, search_tokens FROM job_postings WHERE search_tokens IS NOT NULL"
    )
    op.execute("CREATE INDEX ix_job_search_tokens ON job_search USING gin (tokens)")
    op.execute("DROP INDEX ix_job_postings_search_tokens")
    op.execute("ALTER TABLE job_postings DROP COLUMN search_tokens")
