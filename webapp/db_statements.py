"""SQL statements compiled once per shape, not once per execution.

`databases` compiles every SQLAlchemy statement afresh (`query.compile(...)`), and on a
signed-in page with seven or eight small queries that compiling was most of the time the
page took. SQLAlchemy's own engines keep a cache of compiled statements keyed by the
statement's structure, with the literal values pulled out as parameters; this does the
same for the two `databases` backends the app uses (webapp/db_sqlite.py, db_postgres.py).

Statements are compiled for a positional paramstyle (SQLite's `?`, asyncpg's `$1`), so
the driver's arguments are read off `positiontup` with no string rewriting per query. IN
lists and other "expanding" parameters are expanded at execution from the cached compiled
form, exactly as SQLAlchemy's own execution does.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any, NamedTuple, cast

from databases.backends.common.records import Record, create_column_maps
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.ddl import DDLElement
from sqlalchemy.util import LRUCache

# Distinct statement shapes the app runs are a few hundred; search filters combine into
# more, so room for several thousand (each entry is one compiled statement).
CACHE_SIZE = 5000


class Bound(NamedTuple):
    """A statement built once (at import, say) with `sa.bindparam` placeholders, and the
    values of one execution. SQLAlchemy works out a statement object's cache key once and
    keeps it on the object, so a wide statement built afresh per request (the session's,
    on every request) costs its building and keying each time; reused, neither."""

    query: ClauseElement
    values: Mapping[str, Any]


class Prepared(NamedTuple):
    sql: str
    args: list[Any]
    result_columns: Any  # the compiled statement's result columns (databases' Record reads them)
    compiled: Any


def column_maps(prepared: Prepared) -> Any:
    """databases' maps from a result column's name, index and Column to its place and type,
    made once per compiled statement (databases makes them on every query, and each
    Column's name it writes by compiling the column again: a tenth of a page's time)."""
    compiled = prepared.compiled
    maps = getattr(compiled, "_app_column_maps", None)
    if maps is None:
        maps = compiled._app_column_maps = create_column_maps(prepared.result_columns)
    return maps


# databases applies a column's result processor to a raw value on PostgreSQL only (the
# SQLite row it wraps has applied them already).
_PROCESSED_BY_RECORD = {"postgresql"}


def by_name(prepared: Prepared, dialect: Dialect) -> dict[str, tuple[int, Any]]:
    """A result column's name to its place and its result processor (None where databases
    applies none), found once per compiled statement: databases' Record looks the
    processor up again on every access, and a page reads a few hundred values."""
    compiled = prepared.compiled
    found = getattr(compiled, "_app_by_name", None)
    if found is None:
        processed = dialect.name in _PROCESSED_BY_RECORD
        found = {
            name: (index, datatype._cached_result_processor(dialect, None) if processed else None)
            for name, (index, datatype) in column_maps(prepared)[0].items()
        }
        compiled._app_by_name = found
    return found


class AppRecord(Record):
    """databases' Record, reading a column by name through `by_name`: the same values,
    without the per-access lookups. A Column or an index as the key goes databases' way."""

    __slots__ = ("_by_name",)

    def __init__(self, row: Any, prepared: Prepared, dialect: Dialect) -> None:
        super().__init__(row, prepared.result_columns, dialect, column_maps(prepared))
        self._by_name = by_name(prepared, dialect)

    def __getitem__(self, key: Any) -> Any:
        found = self._by_name.get(key) if key.__class__ is str else None
        if found is None:
            return super().__getitem__(key)
        index, processor = found
        raw = self._row[index]
        if processor is not None and isinstance(raw, int | str | float):
            return processor(raw)
        return raw


class StatementCache:
    """Compiled statements for one dialect, shared by every connection of a database (and
    by every database of its kind in the process: `shared`)."""

    _made: dict[tuple, StatementCache] = {}

    @classmethod
    def shared(cls, dialect: Dialect) -> StatementCache:
        """The process's cache for dialects configured as `dialect` is. A server runs one
        app, but the test suite makes hundreds, and compiling the same statements again
        for each was a fifth of its time. A compiled statement depends on the dialect's
        class, compiler and paramstyle alone: the backends set nothing else per database."""
        key = (type(dialect), dialect.statement_compiler, dialect.paramstyle)
        found = cls._made.get(key)
        if found is None:
            found = cls._made[key] = cls(dialect)
        return found

    def __init__(self, dialect: Dialect, size: int = CACHE_SIZE) -> None:
        self.dialect = dialect
        self.compiled_cache: LRUCache = LRUCache(size)
        # A Bound statement is one object run again and again: its compiled form is found
        # by the object itself, without hashing its cache key (a nested tuple as wide as
        # the statement) on every run. The statement is held, so its id stays its own.
        self._bound: LRUCache = LRUCache(size)

    def prepare(self, query: ClauseElement | Bound) -> Prepared:
        values = None
        if isinstance(query, Bound):
            query, values = query
            found = self._bound.get(id(query))
            if found is None or found[0] is not query:
                found = self._bound[id(query)] = (query, *self._compile(query)[:3])
            _, shaped, extracted, collected = found
        elif isinstance(query, DDLElement):
            compiled = query.compile(dialect=self.dialect)
            return Prepared(compiled.string, [], None, compiled)
        else:
            shaped, extracted, collected, _ = self._compile(query)
        compiled = cast(SQLCompiler, shaped)  # a statement (not DDL) compiles to SQL
        params: MutableMapping[str, Any] = compiled.construct_params(
            values, extracted_parameters=extracted, escape_names=False, _collected_params=collected
        )
        # A tuple type's processor is a sequence of them; the app binds no tuples.
        processors: Mapping[str, Any] = compiled._bind_processors
        if compiled.literal_execute_params or compiled.post_compile_params:
            expanded = compiled._process_parameters_for_postcompile(params)
            sql, params = expanded.statement, dict(expanded.parameters)
            order: Sequence[str] = expanded.positiontup or []
            processors = {**processors, **expanded.processors}
        else:
            sql, order = compiled.string, compiled.positiontup or []
        args = [processors[key](params[key]) if key in processors else params[key] for key in order]
        return Prepared(sql, args, compiled._result_columns, compiled)

    def _compile(self, query: ClauseElement) -> Any:
        return query._compile_w_cache(
            self.dialect,
            compiled_cache=self.compiled_cache,
            column_keys=[],
            for_executemany=False,
            schema_translate_map=None,
        )
