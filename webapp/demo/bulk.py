"""Bulk loading of postings (demo data, benchmarks): the driver's fastest path on each
database, in one transaction, with the keyword index built alongside."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable

import sqlalchemy as sa
from databases.core import Connection

from webapp.db import is_sqlite
from webapp.postings import index
from webapp.schema import job_postings

COLUMNS = [c.name for c in job_postings.columns]


def _server_default(column: sa.Column):
    """The value a column's server default gives, as Python ("", a number, a boolean)."""
    default = column.server_default.arg  # type: ignore[union-attr]
    if isinstance(column.type, sa.Boolean):
        return isinstance(default, sa.sql.elements.True_)
    if isinstance(column.type, sa.Integer):
        return int(default)
    return default


# Raw inserts skip server defaults: the NOT NULL columns a loaded posting may leave out.
DEFAULTS = {
    c.name: _server_default(c)
    for c in job_postings.columns
    if c.server_default is not None and not c.nullable
}
BATCH = 20_000


def _sqlite_value(value):
    # The forms SQLAlchemy itself writes on SQLite, so queries compare them correctly.
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


async def load_postings(conn: Connection, postings: Iterable[dict], *, optimize=True) -> int:
    """Insert postings (dicts of job_postings columns, without id) and index them."""
    async with conn.transaction():
        next_id = (await conn.fetch_val(sa.select(sa.func.max(job_postings.c.id))) or 0) + 1
        raw = conn.raw_connection
        loaded = 0
        iterator = iter(postings)
        while batch := list(itertools.islice(iterator, BATCH)):
            numbered = list(enumerate(batch, start=next_id + loaded))
            rows = [
                (i, *[p.get(name, DEFAULTS.get(name)) for name in COLUMNS[1:]]) for i, p in numbered
            ]
            tokens = [
                (
                    i,
                    index.posting_tokens(
                        p["search_text"], p["prefecture_code"], p.get("nearest_station") or ""
                    ),
                )
                for i, p in numbered
            ]
            if is_sqlite(conn):
                await _sqlite_batch(raw, rows, tokens)
            else:
                await _postgres_batch(raw, rows, tokens)
            loaded += len(batch)
        if not is_sqlite(conn):
            await raw.execute(
                "SELECT setval(pg_get_serial_sequence('job_postings', 'id'), "
                "(SELECT max(id) FROM job_postings))"
            )
        if is_sqlite(conn) and optimize:
            # Merge the index's segments: fewer b-trees for every later query to visit.
            await raw.execute("INSERT INTO job_search(job_search) VALUES ('optimize')")
    await conn.execute("ANALYZE")
    return loaded


async def _sqlite_batch(raw, rows, tokens) -> None:
    marks = ", ".join("?" * len(COLUMNS))
    await raw.executemany(
        f"INSERT INTO job_postings ({', '.join(COLUMNS)}) VALUES ({marks})",
        [tuple(_sqlite_value(v) for v in row) for row in rows],
    )
    await raw.executemany(
        "INSERT INTO job_search (rowid, tokens) VALUES (?, ?)",
        [(i, " ".join(t)) for i, t in tokens],
    )


async def _postgres_batch(raw, rows, tokens) -> None:
    # COPY into a copy of the table with the tokens as text[] (the driver has no tsvector
    # codec), then one INSERT ... SELECT that turns them into the tsvector column: each
    # row is written once (an UPDATE after the COPY would leave a dead copy of every row).
    listed = ", ".join(COLUMNS)
    await raw.execute(
        "CREATE TEMP TABLE IF NOT EXISTS job_postings_load ON COMMIT DROP AS "
        f"SELECT {listed}, NULL::text[] AS load_tokens FROM job_postings WITH NO DATA"
    )
    await raw.copy_records_to_table(
        "job_postings_load",
        records=[(*row, t) for row, (_, t) in zip(rows, tokens, strict=True)],
        columns=[*COLUMNS, "load_tokens"],
    )
    await raw.execute(
        f"INSERT INTO job_postings ({listed}, search_tokens) "
        f"SELECT {listed}, array_to_tsvector(load_tokens) FROM job_postings_load"
    )
    await raw.execute("TRUNCATE job_postings_load")
