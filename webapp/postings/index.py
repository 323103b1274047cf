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


# 最寄り駅's tokens carry this private-use character in front (migration 0021): a word
# character to both indexes' tokenizers, so "\ue000高崎" stays one token, and one nobody
# types, so a keyword's one-character prefix query never reaches a station token.
STATION_MARK = "\ue000"


def station_tokens(nearest_station: str) -> list[str]:
    """The 最寄り駅 as tokens of its own, normalized as typed keywords are: a station search
    seeks them in the keyword index instead of testing every posting's station."""
    return [STATION_MARK + t for t in text.index_tokens(text.normalize(nearest_station))]


def station_query(station: str) -> tuple[list[str], list[str]]:
    """(tokens, one-character prefixes) a posting's 最寄り駅 holds when it contains
    `station` (a superset: search.py confirms on the column)."""
    terms = text.parse_terms(station)
    return (
        [STATION_MARK + t for term in terms for t in term.tokens],
        [STATION_MARK + p for term in terms for p in term.prefixes],
    )


def posting_tokens(search_text: str, prefecture_code: str, nearest_station: str = "") -> list[str]:
    """What the keyword index holds for a posting: its text's tokens, its 都道府県 and
    its 最寄り駅."""
    return [
        *text.index_tokens(search_text),
        prefecture_token(prefecture_code),
        *station_tokens(nearest_station),
    ]


async def index_postings(conn: Connection, rows: list[tuple[int, str, str, str]]) -> None:
    """Index new postings: (id, search_text, prefecture_code, nearest_station). Call in the
    writing transaction."""
    if not rows:
        return
    if is_sqlite(conn):
        # A contentless FTS5 table deletes only given the old tokens: new postings only.
        await conn.execute_many(
            "INSERT INTO job_search (rowid, tokens) VALUES (:id, :tokens)",
            [{"id": i, "tokens": " ".join(posting_tokens(t, p, s))} for i, t, p, s in rows],
        )
        return
    await conn.execute_many(
        "UPDATE job_postings SET search_tokens = array_to_tsvector(CAST(:tokens AS text[])) "
        "WHERE id = :id",
        [{"id": i, "tokens": posting_tokens(t, p, s)} for i, t, p, s in rows],
    )
