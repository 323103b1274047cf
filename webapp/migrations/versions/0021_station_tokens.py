"""最寄り駅 in the keyword index (issue 14 point 3)

Revision ID: 0021
Revises: 0020

A search by 最寄り駅 tested a part of the station's name on every open posting's entry of an
ordering index: no btree seeks a substring, so a rare station read the whole index (62 ms
at 100,000 postings, ten times that at 1,000,000). The keyword index now also holds the
station's two-character tokens (normalized as typed keywords are), each marked with a
private-use character (webapp/postings/index.py, STATION_MARK) so they never meet a
keyword's tokens: the search seeks them as it seeks a keyword and confirms on the column.

Every indexed posting gets its station's tokens: PostgreSQL adds them to the tokens column
(one UPDATE joined to each distinct station's tokens), SQLite rebuilds its contentless FTS5
table (it cannot add to a row). Going back takes them out again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

BATCH = 5_000


def _station_tokens(station: str) -> list[str]:
    from webapp.postings import index

    return index.station_tokens(station)


def _sqlite_rebuild(*, stations: bool) -> None:
    """Re-insert every indexed posting's tokens (the FTS5 table is contentless)."""
    from webapp.postings import index, text

    bind = op.get_bind()
    # A contentless detail=none table cannot be scanned, but every indexed posting holds
    # its 都道府県's token: those find them all.
    prefectures = bind.execute(sa.text("SELECT DISTINCT prefecture_code FROM job_postings"))
    ids = [
        row[0]
        for (code,) in prefectures.all()
        for row in bind.execute(
            sa.text("SELECT rowid FROM job_search WHERE job_search MATCH :q"),
            {"q": f'"{index.prefecture_token(code)}"'},
        )
    ]
    if not ids:
        return
    op.execute("INSERT INTO job_search(job_search) VALUES ('delete-all')")
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        rows = bind.execute(
            sa.text(
                "SELECT id, search_text, prefecture_code, nearest_station FROM job_postings "
                "WHERE id IN (SELECT value FROM json_each(:ids))"
            ),
            {"ids": "[" + ",".join(map(str, chunk)) + "]"},
        ).all()
        values = []
        for posting_id, search_text, prefecture, station in rows:
            tokens = [*text.index_tokens(search_text), index.prefecture_token(prefecture)]
            if stations:
                tokens += _station_tokens(station or "")
            values.append({"id": posting_id, "tokens": " ".join(tokens)})
        bind.execute(
            sa.text("INSERT INTO job_search (rowid, tokens) VALUES (:id, :tokens)"), values
        )
    op.execute("INSERT INTO job_search(job_search) VALUES ('optimize')")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        _sqlite_rebuild(stations=True)
        return
    stations = [
        row[0]
        for row in bind.execute(
            sa.text(
                "SELECT DISTINCT nearest_station FROM job_postings "
                "WHERE search_tokens IS NOT NULL AND nearest_station <> ''"
            )
        )
    ]
    values = [{"station": s, "tokens": _station_tokens(s)} for s in stations]
    values = [v for v in values if v["tokens"]]
    if not values:
        return
    op.execute("CREATE TEMPORARY TABLE station_tokens (station text PRIMARY KEY, tokens tsvector)")
    bind.execute(
        sa.text(
            "INSERT INTO station_tokens (station, tokens) "
            "VALUES (:station, array_to_tsvector(CAST(:tokens AS text[])))"
        ),
        values,
    )
    op.execute(
        "UPDATE job_postings SET search_tokens = job_postings.search_tokens || s.tokens "
        "FROM station_tokens s WHERE job_postings.nearest_station = s.station "
        "AND job_postings.search_tokens IS NOT NULL"
    )
    op.execute("DROP TABLE station_tokens")
    op.execute("ANALYZE job_postings")


def downgrade() -> None:
    from webapp.postings import index

    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        _sqlite_rebuild(stations=False)
        return
    bind.execute(
        sa.text(
            "UPDATE job_postings SET search_tokens = ts_delete(search_tokens, ARRAY("
            "SELECT t FROM unnest(tsvector_to_array(search_tokens)) AS t "
            "WHERE left(t, 1) = :mark)) "
            "WHERE search_tokens IS NOT NULL AND nearest_station <> ''"
        ),
        {"mark": index.STATION_MARK},
    )
    op.execute("ANALYZE job_postings")
