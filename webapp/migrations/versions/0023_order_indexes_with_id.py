"""the 賃金 and 紹介期限 indexes end with the id, as those orders do

Revision ID: 0023
Revises: 0022

A search sorted by 賃金 (wage_monthly DESC, id DESC) or by 紹介期限 (referral_deadline
ASC, id ASC) with a common keyword seeks its first matches at the head of that order
(webapp/postings/search.py, _ordered_ids): it needs the (value, id) of about the n-th
posting in that order, and the postings up to it. With the id in the index both are read
from it as they are (an index-only scan; a row-value bound the index seeks); with the value
alone, PostgreSQL sorted every posting of a tie (紹介期限日 are mostly month ends: a third of
the postings share one). SQLite's index already ends with the rowid, the same order; its
indexes are rebuilt as well, so both databases keep one schema.

PostgreSQL: the keyword's GIN index holds wage_monthly too (btree_gin, as received_on since
0022). `wage_monthly >= the n-th highest` on the wage index alone made the planner read
every posting in that range and test its tokens on the table (a toasted tsvector each:
フォークリフト at 1,000,000 postings, 16,000 rows read, 170 ms to find none); in the one
index it narrows the keyword's bitmap inside it. 紹介期限 stays out: every query has
`referral_deadline >= today`, which would make the index list every open posting.
"""

from __future__ import annotations

from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

INDEXES = {"ix_job_postings_wage": "wage_monthly", "ix_job_postings_deadline": "referral_deadline"}


def _rebuild(with_id: bool) -> None:
    for name, column in INDEXES.items():
        op.drop_index(name, table_name="job_postings")
        op.create_index(name, "job_postings", [column, "id"] if with_id else [column])


def _tokens_index(columns: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute(
        f"CREATE INDEX ix_job_postings_search_tokens_new ON job_postings USING gin ({columns})"
    )
    op.execute("DROP INDEX ix_job_postings_search_tokens")
    op.execute(
        "ALTER INDEX ix_job_postings_search_tokens_new RENAME TO ix_job_postings_search_tokens"
    )


def upgrade() -> None:
    _rebuild(True)
    _tokens_index("search_tokens, received_on, wage_monthly")


def downgrade() -> None:
    _tokens_index("search_tokens, received_on")
    _rebuild(False)
