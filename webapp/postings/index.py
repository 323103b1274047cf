"""The keyword index of published postings: what it holds for a posting, and writing it.

SQLite keeps the tokens in an FTS5 table (job_search, migration 0002), PostgreSQL in the
posting's own GIN-indexed tsvector column (search_tokens, migration 0008). 求人検索
(webapp/postings/search.py) reads either; this module only writes, when a posting is
published (webapp/postings/service.py) or loaded in bulk (webapp/demo/bulk.py).
"""

from __future__ import annotations

from databases.core import Connection

from webapp.db import is_sqlite
from webapp.postings import text


def prefecture_token(prefecture_code: str) -> str:
    """The 都道府県 as a token of its own: longer than any text token, so never confused
    with one, and a keyword and a prefecture intersect inside the index."""
    return f"pref{prefecture_code}"


def posting_tokens(search_text: str, prefecture_code: str) -> list[str]:
    """What the keyword index holds for a posting: its text's tokens and its 都道府県."""
    return [*text.index_tokens(search_text), prefecture_token(prefecture_code)]


async def index_postings(conn: Connection, rows: list[tuple[int, str, str]]) -> None:
    """Index new postings: (id, search_text, prefecture_code). Call in the writing
    transaction."""
    if not rows:
        return
    if is_sqlite(conn):
        # A contentless FTS5 table deletes only given the old tokens: new postings only.
        await conn.execute_many(
            "INSERT INTO job_search (rowid, tokens) VALUES (:id, :tokens)",
            [{"id": i, "tokens": " ".join(posting_tokens(t, p))} for i, t, p in rows],
        )
        return
    await conn.execute_many(
        "UPDATE job_postings SET search_tokens = array_to_tsvector(CAST(:tokens AS text[])) "
        "WHERE id = :id",
        [{"id": i, "tokens": posting_tokens(t, p)} for i, t, p in rows],
    )
