"""PostgreSQL backend for `databases` that says so when no connection can be had.

Taking a connection from the pool may open a new one, and then every way the server can be
out of reach surfaces as its own error: connection refused (an OSError, or several at once
for a name with two addresses), the server starting or shutting down (57P03), no free slot
(53300), the database not accepting connections (55000) or gone (3D000). Whatever it is,
the request cannot have a connection: db.DatabaseUnavailable, from the error.
"""

from __future__ import annotations

import asyncpg
from databases.backends.postgres import PostgresBackend, PostgresConnection

from webapp.db import DatabaseUnavailable


class ReportingPostgresConnection(PostgresConnection):
    async def acquire(self) -> None:
        try:
            await super().acquire()
        except (asyncpg.PostgresError, OSError) as error:
            raise DatabaseUnavailable(f"{type(error).__name__}: {error}") from error


class ReportingPostgresBackend(PostgresBackend):
    def connection(self) -> ReportingPostgresConnection:
        return ReportingPostgresConnection(self, self._dialect)
