"""PostgreSQL backend for `databases` whose statements are compiled once per shape
(webapp/db_statements.py) for asyncpg's `$1` parameters."""

from __future__ import annotations

from typing import Any

from databases.backends.postgres import PostgresBackend, PostgresConnection, psycopg_dialect
from sqlalchemy.engine.interfaces import Dialect

from webapp.db_statements import StatementCache


class PostgresDialect(psycopg_dialect):
    """databases' PostgreSQL dialect (a plain PGDialect with its Numeric), said to be safe
    for SQLAlchemy's statement cache, which it is: it adds no compilation of its own."""

    supports_statement_cache = True
    driver = "asyncpg"


class CachedPostgresConnection(PostgresConnection):
    def __init__(self, database: PostgresBackend, dialect: Dialect, statements: StatementCache):
        super().__init__(database, dialect)
        self._statements = statements

    def _compile(self, query):
        prepared = self._statements.prepare(query)
        return prepared.sql, prepared.args, prepared.result_columns


class CachedPostgresBackend(PostgresBackend):
    def __init__(self, database_url, **options) -> None:
        super().__init__(database_url, **options)
        self._statements = StatementCache(self._dialect)

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

    def connection(self) -> CachedPostgresConnection:
        return CachedPostgresConnection(self, self._dialect, self._statements)
