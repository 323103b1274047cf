"""PostgreSQL backend for `databases`: statements compiled once per shape
(webapp/db_statements.py) for asyncpg's `$1` parameters, and a plain answer when no
connection can be had.

Taking a connection from the pool may open a new one, and then every way the server can be
out of reach surfaces as its own error: connection refused (an OSError, or several at once
for a name with two addresses), the server starting or shutting down (57P03), no free slot
(53300), the database not accepting connections (55000) or gone (3D000). Whatever it is,
the request cannot have a connection: db.DatabaseUnavailable, from the error.
"""

from __future__ import annotations

from typing import Any

import asyncpg
from databases.backends.common.records import Record
from databases.backends.postgres import PostgresBackend, PostgresConnection, psycopg_dialect
from sqlalchemy.engine.interfaces import Dialect

from webapp.db import DatabaseUnavailable, note_query
from webapp.db_statements import AppRecord, StatementCache


class PostgresDialect(psycopg_dialect):
    """databases' PostgreSQL dialect (a plain PGDialect with its Numeric), said to be safe
    for SQLAlchemy's statement cache, which it is: it adds no compilation of its own."""

    supports_statement_cache = True
    driver = "asyncpg"


class AppPostgresConnection(PostgresConnection):
    def __init__(self, database: PostgresBackend, dialect: Dialect, statements: StatementCache):
        super().__init__(database, dialect)
        self._statements = statements

    async def acquire(self) -> None:
        try:
            await super().acquire()
        except (asyncpg.PostgresError, OSError) as error:
            raise DatabaseUnavailable(f"{type(error).__name__}: {error}") from error

    def _compile(self, query):
        prepared = self._statements.prepare(query)
        note_query(prepared.sql)
        return prepared.sql, prepared.args, prepared.result_columns

    async def fetch_all(self, query) -> list[Record]:  # type: ignore[override]
        """databases' own, with the column maps made once per compiled statement."""
        assert self._connection is not None, "Connection is not acquired"
        prepared = self._statements.prepare(query)
        note_query(prepared.sql)
        rows = await self._connection.fetch(prepared.sql, *prepared.args)
        dialect = self._dialect
        return [AppRecord(row, prepared, dialect) for row in rows]

    async def fetch_one(self, query) -> Record | None:
        assert self._connection is not None, "Connection is not acquired"
        prepared = self._statements.prepare(query)
        note_query(prepared.sql)
        row = await self._connection.fetchrow(prepared.sql, *prepared.args)
        if row is None:
            return None
        return AppRecord(row, prepared, self._dialect)


class AppPostgresBackend(PostgresBackend):
    def __init__(self, database_url, **options) -> None:
        super().__init__(database_url, **options)
        self._statements = StatementCache.shared(self._dialect)

    def _get_dialect(self) -> Dialect:
        """databases' dialect, compiling to asyncpg's own `$n` (it compiles `%(name)s` and
        rewrites the string on every query)."""
        dialect: Any = PostgresDialect(paramstyle="numeric_dollar")
        dialect.implicit_returning = True
        dialect.supports_native_enum = True
        dialect.supports_smallserial = True
        dialect._backslash_escapes = False
        dialect.supports_sane_multi_rowcount = True
        dialect._has_native_hstore = True
        dialect.supports_native_decimal = True
        return dialect

    def connection(self) -> AppPostgresConnection:
        return AppPostgresConnection(self, self._dialect, self._statements)
