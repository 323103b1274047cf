"""SQLite backend for `databases` that keeps its connections and writes safely.

The stock backend opens a fresh aiosqlite connection (and thread) per use and begins
transactions DEFERRED, so a read-then-write under concurrency fails with SQLITE_BUSY
whatever the timeout. This one reuses connections, sets the per-connection pragmas
once per connection, and begins every transaction IMMEDIATE.
"""

from __future__ import annotations

import asyncio
import sqlite3
import unicodedata
from typing import Any

import aiosqlite
from databases.backends.sqlite import (
    CompilationContext,
    SQLiteBackend,
    SQLiteConnection,
    SQLitePool,
    SQLiteTransaction,
)

from webapp.db import DatabaseUnavailable
from webapp.db_statements import StatementCache

MMAP_BYTES = 2_147_418_112  # SQLite's largest (SQLITE_MAX_MMAP_SIZE)
BUSY_TIMEOUT_MS = 5000
POOL_SIZE = 8


def nfkc_lower(value: str | None) -> str | None:
    """SQL `nfkc_lower(x)`: the normal form keywords are compared in (postings/text.py);
    PostgreSQL spells it lower(normalize(x, NFKC))."""
    return None if value is None else unicodedata.normalize("NFKC", value).lower()


class PooledSQLitePool(SQLitePool):
    def __init__(self, url, **options) -> None:
        super().__init__(url, **options)
        # Only the *_nowait methods are used: the queue never waits, so it binds no loop.
        self._idle: asyncio.LifoQueue[aiosqlite.Connection] = asyncio.LifoQueue(maxsize=POOL_SIZE)

    async def acquire(self) -> aiosqlite.Connection:
        try:
            return self._idle.get_nowait()
        except asyncio.QueueEmpty:
            pass
        connection = aiosqlite.connect(self._database, isolation_level=None, **self._options)
        try:
            await connection
        except (sqlite3.Error, OSError) as error:
            # The file cannot be opened: its directory gone or unreadable, say. aiosqlite
            # stops its thread on the way out and has it answer this event loop: wait for
            # it, so that it never answers a loop that has ended (asyncio.run's, the CLI's).
            await asyncio.to_thread(connection._thread.join)
            raise DatabaseUnavailable(f"{type(error).__name__}: {error}") from error
        await connection.execute("PRAGMA foreign_keys=ON")
        await connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        await connection.execute("PRAGMA synchronous=NORMAL")  # safe with WAL
        # Read the file through a memory map (shared by every connection, held by the OS
        # page cache): a keyword's matches are checked row by row against the postings, and
        # at 1,000,000 postings that halves the time a count takes (bench/README.md).
        await connection.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
        await connection.create_function("nfkc_lower", 1, nfkc_lower, deterministic=True)
        return connection

    async def release(self, connection: aiosqlite.Connection) -> None:
        if connection.in_transaction:  # a failed task left work behind: never reuse it
            await super().release(connection)
            return
        try:
            self._idle.put_nowait(connection)
        except asyncio.QueueFull:
            await super().release(connection)

    async def close(self) -> None:
        while not self._idle.empty():
            await super().release(self._idle.get_nowait())


class ImmediateTransaction(SQLiteTransaction):
    async def start(self, is_root, extra_options) -> None:
        if not is_root:
            return await super().start(is_root, extra_options)
        self._is_root = True
        await self._connection.raw_connection.execute("BEGIN IMMEDIATE")


class PooledSQLiteConnection(SQLiteConnection):
    def __init__(self, pool, dialect, statements: StatementCache) -> None:
        super().__init__(pool, dialect)
        self._statements = statements

    def transaction(self) -> ImmediateTransaction:
        return ImmediateTransaction(self)

    def _compile(self, query):
        """databases' own `_compile`, from a statement compiled once (db_statements.py)."""
        prepared = self._statements.prepare(query)
        context: Any = self._dialect.execution_ctx_cls()  # databases sets its attributes
        context.dialect = self._dialect
        if prepared.result_columns is not None:
            compiled = prepared.compiled
            context.result_column_struct = (
                compiled._result_columns,
                compiled._ordered_columns,
                compiled._textual_ordered_columns,
                compiled._ad_hoc_textual,
                compiled._loose_column_name_matching,
            )
        return prepared.sql, prepared.args, prepared.result_columns, CompilationContext(context)


class PooledSQLiteBackend(SQLiteBackend):
    _pool: PooledSQLitePool

    def __init__(self, database_url, **options) -> None:
        super().__init__(database_url, **options)
        self._pool = PooledSQLitePool(self._database_url, **self._options)
        self._statements = StatementCache(self._dialect)

    async def disconnect(self) -> None:
        await self._pool.close()
        await super().disconnect()

    def connection(self) -> PooledSQLiteConnection:
        return PooledSQLiteConnection(self._pool, self._dialect, self._statements)
