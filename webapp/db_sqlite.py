"""SQLite backend for `databases` that keeps its connections and writes safely.

The stock backend opens a fresh aiosqlite connection (and thread) per use and begins
transactions DEFERRED, so a read-then-write under concurrency fails with SQLITE_BUSY
whatever the timeout. This one reuses connections, sets the per-connection pragmas
once per connection, and begins every transaction IMMEDIATE.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
import unicodedata
import weakref
from typing import Any, cast

import aiosqlite
from databases.backends.common.records import Record, Row
from databases.backends.sqlite import (
    CompilationContext,
    SQLiteBackend,
    SQLiteConnection,
    SQLitePool,
    SQLiteTransaction,
)
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.engine.cursor import CursorResultMetaData

from webapp.db import DatabaseUnavailable, note_query
from webapp.db_statements import AppRecord, Prepared, StatementCache

MMAP_BYTES = 2_147_418_112  # SQLite's largest (SQLITE_MAX_MMAP_SIZE)
BUSY_TIMEOUT_MS = 5000
# Idle connections kept. Each request holds one from start to end, so under load there are
# as many open as requests in flight: with 8 kept, 32 concurrent requests opened (a thread
# and four PRAGMAs) and closed a connection for most requests. Beyond this many, still.
POOL_SIZE = 32
# Statements run in their connections' threads at once, outside a transaction. Each thread
# takes Python's lock to hand its rows over; with one busy for each of 32 requests in
# flight, the threads spent more CPU waiting on that lock than the queries took (the
# posting page: 2.3 ms of CPU a request, 1.7 with two at once; bench/README.md). The event
# loop is one thread: more statements at once add no throughput, only waiting.
QUERIES_AT_ONCE = 2
# A read outside a transaction runs on the event loop itself while it stays this short: the
# trip to a connection's thread and back (a queue, a wake-up, Python's lock twice) costs
# more CPU than a lookup by key takes, a third of a signed-in SQLite page's (bench/README.md).
# A read that takes longer (CPU seconds of SQLite's work: a busy machine's waits do not
# count) is stopped there by SQLite's progress handler and run again in its thread, and its
# statement goes to the thread from then on: the loop is never held longer than this.
ON_LOOP_SECONDS = 0.001
# SQLite virtual-machine instructions between two looks at the clock (some tens of µs).
ON_LOOP_CHECK_EVERY = 10_000


def nfkc_lower(value: str | None) -> str | None:
    """SQL `nfkc_lower(x)`: the normal form keywords are compared in (postings/text.py);
    PostgreSQL spells it lower(normalize(x, NFKC))."""
    return None if value is None else unicodedata.normalize("NFKC", value).lower()


class PooledSQLitePool(SQLitePool):
    def __init__(self, url, **options) -> None:
        super().__init__(url, **options)
        # Only the *_nowait methods are used: the queue never waits, so it binds no loop.
        self._idle: asyncio.LifoQueue[aiosqlite.Connection] = asyncio.LifoQueue(maxsize=POOL_SIZE)
        self._running: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def running(self) -> asyncio.Semaphore:
        """The statements of this process's event loop allowed in their threads at once
        (QUERIES_AT_ONCE); one semaphore per loop, as a semaphore binds the loop it waits in."""
        loop = asyncio.get_running_loop()
        found = self._running.get(loop)
        if found is None:
            found = self._running[loop] = asyncio.Semaphore(QUERIES_AT_ONCE)
        return found

    async def acquire(self) -> aiosqlite.Connection:
        try:
            return self._idle.get_nowait()
        except asyncio.QueueEmpty:
            pass
        # Not bound to its thread: short reads run on the event loop's (_on_loop).
        connection = aiosqlite.connect(
            self._database, isolation_level=None, check_same_thread=False, **self._options
        )
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


def _fetch(conn: sqlite3.Connection, sql: str, args: list, one: bool):
    """In the connection's thread: the rows (or the first) and the cursor's description,
    with the cursor closed, in one trip to that thread instead of three."""
    cursor = conn.execute(sql, args)
    try:
        return (cursor.fetchone() if one else cursor.fetchall()), cursor.description
    finally:
        cursor.close()


class _TooLong(Exception):
    """A read on the event loop ran past ON_LOOP_SECONDS and was stopped."""


def _on_loop(conn: sqlite3.Connection, sql: str, args: list, one: bool):
    """_fetch on the event loop's thread, stopped once it runs past ON_LOOP_SECONDS."""
    deadline = time.thread_time() + ON_LOOP_SECONDS
    conn.set_progress_handler(lambda: time.thread_time() > deadline, ON_LOOP_CHECK_EVERY)
    try:
        return _fetch(conn, sql, args, one)
    except sqlite3.OperationalError as error:
        if time.thread_time() > deadline and "interrupted" in str(error):
            raise _TooLong from error
        raise
    finally:
        conn.set_progress_handler(None, 0)


def _run(conn: sqlite3.Connection, sql: str, args: list) -> int | None:
    """In the connection's thread: execute, then what databases' execute returns."""
    cursor = conn.execute(sql, args)
    try:
        return cursor.rowcount if cursor.lastrowid == 0 else cursor.lastrowid
    finally:
        cursor.close()


class PooledSQLiteConnection(SQLiteConnection):
    def __init__(self, pool, dialect, statements: StatementCache) -> None:
        super().__init__(pool, dialect)
        self._statements = statements

    def transaction(self) -> ImmediateTransaction:
        return ImmediateTransaction(self)

    def _prepare(self, query) -> Prepared:
        prepared = self._statements.prepare(query)
        note_query(prepared.sql)
        return prepared

    async def _rows(self, query, one: bool) -> list[Record]:
        """databases' fetch_all and fetch_one, in one trip to the connection's thread, with
        the result's metadata and column maps made once per compiled statement (SQLAlchemy
        keeps its own metadata on the compiled statement the same way)."""
        assert self._connection is not None, "Connection is not acquired"
        prepared = self._prepare(query)
        found, description = await self._read(prepared, one)
        rows = ([found] if found is not None else []) if one else found
        if not rows:
            return []
        compiled = prepared.compiled
        metadata = getattr(compiled, "_app_sqlite_metadata", None)
        if metadata is None:
            context: Any = CompilationContext(self._context(prepared))  # as databases passes it
            metadata = compiled._app_sqlite_metadata = CursorResultMetaData(context, description)
        processors, keymap, dialect = metadata._processors, metadata._keymap, self._dialect
        keymap = cast(Any, keymap)  # databases' Row takes SQLAlchemy's keymap as it is
        return [
            AppRecord(Row(metadata, processors, keymap, row), prepared, dialect) for row in rows
        ]

    async def fetch_all(self, query) -> list[Record]:  # type: ignore[override]
        return await self._rows(query, one=False)

    async def fetch_one(self, query) -> Record | None:
        rows = await self._rows(query, one=True)
        return rows[0] if rows else None

    async def execute(self, query) -> Any:
        assert self._connection is not None, "Connection is not acquired"
        prepared = self._prepare(query)
        return await self._in_thread(_run, prepared.sql, prepared.args)

    async def _read(self, prepared: Prepared, one: bool) -> tuple[Any, Any]:
        """The rows and description of a statement: a short read on the event loop, any
        other in the connection's thread (ON_LOOP_SECONDS)."""
        connection = self._connection
        assert connection is not None, "Connection is not acquired"
        compiled = prepared.compiled
        if (
            not connection.in_transaction
            and not getattr(compiled, "_app_in_thread", False)
            and prepared.sql.startswith("SELECT")
        ):
            try:
                return _on_loop(connection._conn, prepared.sql, prepared.args, one)
            except _TooLong:
                compiled._app_in_thread = True
        return await self._in_thread(_fetch, prepared.sql, prepared.args, one)

    async def _in_thread(self, work, *args) -> Any:
        """`work(sqlite3 connection, *args)` in the connection's thread. Outside a
        transaction it waits its turn (QUERIES_AT_ONCE); inside one it never waits, since
        the transaction may hold the write lock that the statements waiting are after."""
        connection = self._connection
        assert connection is not None, "Connection is not acquired"
        if connection.in_transaction:
            return await connection._execute(work, connection._conn, *args)
        async with cast(PooledSQLitePool, self._pool).running():
            return await connection._execute(work, connection._conn, *args)

    def _context(self, prepared: Prepared) -> Any:
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
        return context

    def _compile(self, query):
        """databases' own `_compile`, from a statement compiled once (db_statements.py)."""
        prepared = self._prepare(query)
        context = self._context(prepared)
        return prepared.sql, prepared.args, prepared.result_columns, CompilationContext(context)


class HintingSQLiteCompiler(SQLiteCompiler):
    """SQLAlchemy's SQLite compiler drops a table's `with_hint`: this one writes it after
    the table, where SQLite reads `INDEXED BY` (postings/search.py's keyword count)."""

    def get_from_hint_text(self, table, text):
        return text


class PooledSQLiteBackend(SQLiteBackend):
    _pool: PooledSQLitePool

    def __init__(self, database_url, **options) -> None:
        super().__init__(database_url, **options)
        self._dialect.statement_compiler = HintingSQLiteCompiler
        self._pool = PooledSQLitePool(self._database_url, **self._options)
        self._statements = StatementCache.shared(self._dialect)

    async def disconnect(self) -> None:
        await self._pool.close()
        await super().disconnect()

    def connection(self) -> PooledSQLiteConnection:
        return PooledSQLiteConnection(self._pool, self._dialect, self._statements)
