"""Database: the `databases` handle, one connection per request, migrations at start."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Any, cast

from databases import Database
from databases.core import Connection, DatabaseURL
from databases.interfaces import Record
from sqlalchemy.sql import ClauseElement
from starlette.types import ASGIApp, Receive, Scope, Send

from webapp.db_statements import Bound

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class QueryCount:
    """The statements run while it was counting (see counting_queries)."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __len__(self) -> int:
        return len(self.statements)


_counting: ContextVar[QueryCount | None] = ContextVar("counting_queries", default=None)


@contextlib.contextmanager
def counting_queries() -> Iterator[QueryCount]:
    """Count the statements run in this context (a request, when an ASGI wrapper opens it
    around the app: tests guard how many queries a page takes). Tasks started inside
    inherit the count; a background task started earlier (the outbox sender) does not."""
    count = QueryCount()
    token = _counting.set(count)
    try:
        yield count
    finally:
        _counting.reset(token)


def note_query(sql: str) -> None:
    """Called by the backends (db_sqlite, db_postgres) for every statement they run."""
    count = _counting.get()
    if count is not None:
        count.statements.append(sql)


class AppDatabase(Database):
    SUPPORTED_BACKENDS = {
        **Database.SUPPORTED_BACKENDS,
        "sqlite": "webapp.db_sqlite:PooledSQLiteBackend",
        "postgresql": "webapp.db_postgres:AppPostgresBackend",
        "postgres": "webapp.db_postgres:AppPostgresBackend",
    }

    @property
    def is_sqlite(self) -> bool:
        return self.url.dialect == "sqlite"


def is_sqlite(conn: Connection) -> bool:
    """Whether a connection is SQLite's (where a query must differ between the two)."""
    return conn._database.url.dialect == "sqlite"  # databases 0.9 keeps the Database here


# PostgreSQL sessions: a keyword's bitmap of matching postings (a GIN index scan) stays
# exact within 16 MB at 1,000,000 postings; past work_mem it turns lossy, and a lossy page
# is rechecked row by row, reading each posting's tokens: 介護's count took twice as long.
# No JIT: the app's queries are short, and a search whose plan the planner costs high (a
# keyword at 1,000,000 postings) paid 11–45 ms compiling it, more than running it.
POSTGRES_SETTINGS = {"work_mem": "16MB", "jit": "off"}


async def keep_session(connection) -> None:
    """asyncpg's pool, on giving a connection back: nothing past its own rollback of an
    open transaction. Its default sends `RESET ALL`, `CLOSE ALL`, `UNLISTEN *` and an
    advisory unlock, a round trip after every request, for session state this app never
    sets: each set_config is local to its transaction (tests/test_db.py), and it uses no
    LISTEN, no cursor outside a transaction, no session advisory lock."""


def create_database(url: str) -> AppDatabase:
    if url.startswith("sqlite"):
        return AppDatabase(url)
    return AppDatabase(
        url, min_size=2, max_size=10, server_settings=POSTGRES_SETTINGS, reset=keep_session
    )


async def with_connection(url: str, work):
    """`await work(conn)` on a connection of its own, outside the app (CLI, scripts, tests)."""
    db = create_database(url)
    await db.connect()
    try:
        async with db.connection() as conn:
            return await work(conn)
    finally:
        await db.disconnect()


def _sqlalchemy_async_url(url: str) -> str:
    """The same database as SQLAlchemy's async drivers name it (for Alembic)."""
    parsed = DatabaseURL(url)
    if parsed.dialect == "sqlite":
        return str(parsed.replace(dialect="sqlite", driver="aiosqlite"))
    return str(parsed.replace(dialect="postgresql", driver="asyncpg"))


def alembic_config(url: str):
    """Alembic's configuration for this database (the migrations in webapp/migrations)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", _sqlalchemy_async_url(url))
    return config


def migrate(url: str, revision: str = "head") -> None:
    """Apply the Alembic migrations up to `revision`, every one by default (blocking: run
    it in a thread from async code)."""
    from alembic import command

    parsed = DatabaseURL(url)
    if parsed.dialect == "sqlite" and parsed.database not in ("", ":memory:"):
        path = Path(parsed.database)
        path.parent.mkdir(parents=True, exist_ok=True)
        # WAL is a property of the file: readers never wait for the writer.
        with contextlib.closing(sqlite3.connect(path)) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
    command.upgrade(alembic_config(url), revision)


# A duplicate primary key is a unique violation too (PostgreSQL reports both alike).
_SQLITE_UNIQUE = {sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY}


def is_unique_violation(error: BaseException, column: str | None = None) -> bool:
    """A unique constraint or index refused the write (a racing writer got there first),
    on either backend; with `column`, one that covers that column. A NOT NULL, foreign-key
    or check violation is not one. `databases` lets each driver's own exception through."""
    if isinstance(error, sqlite3.IntegrityError):
        if error.sqlite_errorcode not in _SQLITE_UNIQUE:
            return False
        # "UNIQUE constraint failed: job_postings.job_number" (one "table.column" per column)
        names = str(error).partition(": ")[2].split(", ")
        columns = {name.rpartition(".")[2] for name in names}
    else:
        # Imported here: a SQLite-only process (the CLI, say) never loads asyncpg.
        from asyncpg.exceptions import UniqueViolationError

        if not isinstance(error, UniqueViolationError):
            return False
        # detail: "Key (seeker_id, posting_id)=(1, 2) already exists."
        key = (error.detail or "").partition("(")[2].partition(")=")[0]
        columns = {name.strip() for name in key.split(",")}
    return column is None or column in columns


class DatabaseUnavailable(Exception):
    """No connection could be taken: the database is down, starting, refusing connections
    or out of reach (raised by our backends, from the driver's own error)."""


# SQLite: the file cannot be opened (its directory is gone, say) or read (SQLITE_IOERR and
# its extended codes, such as SQLITE_IOERR_READ: the primary code is the low byte).
_SQLITE_UNAVAILABLE = {sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_IOERR}
# PostgreSQL: a connection exception (SQLSTATE class 08, asyncpg's PostgresConnectionError
# and its ConnectionDoesNotExistError), the server shutting down, crashed or starting up
# (57P01 AdminShutdownError, 57P02, 57P03 CannotConnectNowError), no free connection
# (53300) or no such database (3D000: dropped, or not restored yet).
_POSTGRES_UNAVAILABLE = {"57P01", "57P02", "57P03", "53300", "3D000"}


def is_database_unavailable(error: BaseException) -> bool:
    """The database cannot be reached or read just now (stopped, restarting, its file or
    network gone): not a fault of the request or of the code, and over once it is back,
    which the pool notices by itself (a new connection for the next request). Taking a
    connection fails with DatabaseUnavailable (db_sqlite, db_postgres); a connection
    already taken fails with the driver's own error, told apart here."""
    if isinstance(error, DatabaseUnavailable):
        return True
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        return code is not None and code & 0xFF in _SQLITE_UNAVAILABLE
    # Imported here: a SQLite-only process (the CLI, say) never loads asyncpg.
    from asyncpg.exceptions import InterfaceError, InternalClientError, PostgresError

    if isinstance(error, PostgresError):
        state = error.sqlstate or ""
        return state.startswith("08") or state in _POSTGRES_UNAVAILABLE
    # A pooled connection the server closed under it (asyncpg has no class of its own
    # for this one: "cannot call Connection.fetch(): connection is closed").
    if isinstance(error, InterfaceError):
        return "connection is closed" in str(error)
    # One the server broke in the middle of an answer, taken before asyncpg saw the
    # socket close: its protocol still waits for the rest ("cannot switch to state 11;
    # another operation (2) is in progress", MagicStack/asyncpg#784 and #1069). Seen once
    # in the outage test. Two tasks sharing a connection, a bug, raise InterfaceError.
    return isinstance(error, InternalClientError) and "cannot switch to state" in str(error)


async def migrate_async(url: str) -> None:
    await asyncio.to_thread(migrate, url)


class ConnectionPerRequest:
    """Hold one connection for the whole request, so every query reuses it."""

    def __init__(self, app: ASGIApp, database: AppDatabase) -> None:
        self.app = app
        self.database = database

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            return await self.app(scope, receive, send)
        async with self.database.connection():
            await self.app(scope, receive, send)


class MissingRow(LookupError):
    """A row the code holds a reference to is not there: a broken invariant (a 500), never
    a user's mistake (those are looked up with fetch_one and answered, e.g. with a 404)."""


async def fetch_existing(conn: Connection, query: ClauseElement) -> Record:
    """The row `query` finds when it cannot be missing: the target of a foreign key (rows
    this service never deletes), the signed-in account, a row read earlier in the request.
    Raises MissingRow when it is."""
    row = await conn.fetch_one(query)
    if row is None:
        raise MissingRow(str(query))
    return row


async def fetch_bound(conn: Connection, query: ClauseElement, values: dict) -> Record | None:
    """The first row of `query`, a statement built once with `sa.bindparam` placeholders,
    run with `values` for them (db_statements.Bound: no building or keying per call)."""
    async with conn._query_lock:  # as databases' own fetch_one
        return await conn._connection.fetch_one(cast(Any, Bound(query, values)))


async def fetch_all_bound(conn: Connection, query: ClauseElement, values: dict) -> list[Record]:
    """Every row of `query`, built once with placeholders (as fetch_bound)."""
    async with conn._query_lock:  # as databases' own fetch_all
        return await conn._connection.fetch_all(cast(Any, Bound(query, values)))


def current(request_or_app) -> Connection:
    """The connection the current task holds (see ConnectionPerRequest)."""
    return request_or_app.state.db.connection()
