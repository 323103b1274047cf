"""The database layer: what each backend's driver raises when a constraint refuses a write,
and the lookup of a row that must exist (the suite runs on SQLite and, with
TEST_DATABASE_URL, on PostgreSQL)."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
import sqlalchemy as sa

from tests.helpers import run_db
from webapp import db_sqlite
from webapp.db import (
    MissingRow,
    counting_queries,
    create_database,
    fetch_bound,
    fetch_existing,
    is_unique_violation,
)
from webapp.db_statements import Bound
from webapp.schema import job_seekers, offices

OFFICE = {"id": 901, "code": "99901", "name": "ハローワーク試験", "phone": "03-0000-0000"}
SEEKER = {
    "seeker_number": "99901-00000001",
    "office_id": OFFICE["id"],
    "name": "山田太郎",
    "kana": "ヤマダタロウ",
    "birthdate": dt.date(1990, 4, 1),
    "email": "taro@example.com",
    "created_at": dt.datetime(2026, 11, 10, 1, 0, tzinfo=dt.UTC),
}

# (the statement that fails after OFFICE and SEEKER were written, a unique violation?)
REFUSED = {
    "a taken unique column": (offices.insert().values({**OFFICE, "id": 902}), True),
    "a taken primary key": (offices.insert().values({**OFFICE, "code": "99902"}), True),
    "a taken address": (
        job_seekers.insert().values({**SEEKER, "seeker_number": "99901-00000002"}),
        True,
    ),
    "a missing NOT NULL value": (
        offices.insert().values(id=903, code="99903", name="名前だけ"),
        False,
    ),
    "a foreign key to nothing": (
        job_seekers.insert().values(
            {
                **SEEKER,
                "seeker_number": "99901-00000003",
                "email": "x@example.com",
                "office_id": 999_999,
            }
        ),
        False,
    ),
}


def _refusal(database_url: str, statement) -> Exception:
    async def work(conn):
        await conn.execute(offices.insert().values(OFFICE))
        await conn.execute(job_seekers.insert().values(SEEKER))
        try:
            await conn.execute(statement)
        except Exception as error:  # whatever the driver raises, as `databases` lets it by
            return error
        raise AssertionError("the database accepted the write")

    return run_db(database_url, work)


@pytest.mark.parametrize("statement, unique", REFUSED.values(), ids=REFUSED.keys())
def test_only_a_unique_violation_is_recognised_as_one(database_url, statement, unique):
    error = _refusal(database_url, statement)
    assert is_unique_violation(error) is unique


def test_a_unique_violation_names_its_column(database_url):
    error = _refusal(database_url, REFUSED["a taken address"][0])
    assert is_unique_violation(error, "email")
    assert not is_unique_violation(error, "seeker_number")


def test_other_errors_are_not_unique_violations():
    assert not is_unique_violation(ValueError("UNIQUE constraint failed: offices.code"))


def test_a_row_that_must_exist_is_fetched_or_its_absence_raised(database_url):
    async def work(conn):
        await conn.execute(offices.insert().values(OFFICE))
        found = await fetch_existing(conn, sa.select(offices).where(offices.c.id == OFFICE["id"]))
        with pytest.raises(MissingRow):
            await fetch_existing(conn, sa.select(offices).where(offices.c.id == 999_999))
        return found

    assert run_db(database_url, work)["code"] == OFFICE["code"]


# A statement built once, its placeholders bound at each run (db.fetch_bound).
BY_CODE = sa.select(offices.c.name, offices.c.phone).where(
    offices.c.code == sa.bindparam("code", type_=sa.String)
)


def test_a_statement_built_once_runs_with_each_value_and_is_counted(database_url):
    other = {**OFFICE, "id": 902, "code": "99902", "name": "ハローワーク別所"}

    async def work(conn):
        await conn.execute(offices.insert().values(OFFICE))
        await conn.execute(offices.insert().values(other))
        with counting_queries() as count:
            first = await fetch_bound(conn, BY_CODE, {"code": "99901"})
            second = await fetch_bound(conn, BY_CODE, {"code": "99902"})
            none = await fetch_bound(conn, BY_CODE, {"code": "00000"})
        return first, second, none, count.statements

    first, second, none, statements = run_db(database_url, work)
    assert (first["name"], second["name"], none) == ("ハローワーク試験", "ハローワーク別所", None)
    assert second[1] == OFFICE["phone"]  # by position too
    assert len(statements) == 3 and len(set(statements)) == 1


def test_databases_of_one_kind_share_their_compiled_statements(tmp_path):
    """A process compiles a statement once per kind of database, not once per database
    (the suite makes hundreds of apps); each kind keeps its own SQL."""
    sqlite = [create_database(f"sqlite:///{tmp_path}/{name}.db") for name in ("a", "b")]
    postgres = [create_database(f"postgresql://nobody@127.0.0.1/{name}") for name in ("a", "b")]
    caches = [db._backend._statements for db in sqlite + postgres]  # none connected
    assert caches[0] is caches[1] and caches[2] is caches[3] and caches[0] is not caches[2]
    bound = Bound(BY_CODE, {"code": "99901"})
    assert caches[0].prepare(bound).sql.endswith("offices.code = ?")
    assert caches[2].prepare(bound).sql.endswith("offices.code = $1")


def test_a_keyword_count_is_checked_on_the_narrow_index_where_it_can_be(database_url):
    # SQLite: the table hint SQLAlchemy's own SQLite compiler drops (INDEXED BY) is written
    # for a keyword whose conditions read only ix_job_postings_filter's columns.
    from starlette.datastructures import QueryParams

    from webapp.postings import search, search_form

    async def work(conn):
        statements = {}
        for keyword in ("倉庫", "倉庫作業員"):  # the longer one is confirmed on the text
            conditions = search_form.parse_conditions(QueryParams({"q": keyword})).conditions
            match = search.filters(conn, conditions, today=dt.date(2026, 12, 7))
            with counting_queries() as count:
                assert await search.count(conn, match) == (0, False)
            statements[keyword] = count.statements[0]
        return statements

    statements = run_db(database_url, work)
    hinted = "job_postings INDEXED BY ix_job_postings_filter"
    assert (hinted in statements["倉庫"]) is database_url.startswith("sqlite")
    assert hinted not in statements["倉庫作業員"]


def test_a_rows_values_read_by_name_column_and_place_are_the_same(database_url):
    """db_statements.AppRecord reads a column by name without databases' lookups: the
    values, converted as databases converts them (a date, a timezone-aware moment, a
    label), must be what its own ways of reading give."""

    async def work(conn):
        await conn.execute(offices.insert().values(OFFICE))
        await conn.execute(job_seekers.insert().values(SEEKER))
        query = sa.select(
            job_seekers.c.name,
            job_seekers.c.birthdate,
            job_seekers.c.created_at,
            offices.c.name.label("office_name"),
        ).select_from(job_seekers.join(offices, job_seekers.c.office_id == offices.c.id))
        return await conn.fetch_one(query)

    row = run_db(database_url, work)
    assert row["name"] == row[0] == row[job_seekers.c.name] == row.name == "山田太郎"
    assert row["birthdate"] == row[1] == row[job_seekers.c.birthdate] == SEEKER["birthdate"]
    assert row["created_at"] == row[job_seekers.c.created_at] == SEEKER["created_at"]
    assert row["created_at"].tzinfo is not None
    assert row["office_name"] == row[3] == OFFICE["name"]
    with pytest.raises(KeyError):
        row["no_such_column"]


def test_sqlite_statements_wait_their_turn_but_a_transactions_never_do(database_url):
    """db_sqlite runs QUERIES_AT_ONCE statements in their threads at once; the others wait.
    A transaction's statements do not wait: it may hold the write lock the waiting ones
    are after. Here every turn is taken: a write on its own (which goes to its thread, as
    no write runs on the event loop) waits, a transaction on another connection still
    commits, and the waiting write goes on once a turn is free."""
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's connections each run in a thread of their own")
    mine = offices.c.id == OFFICE["id"]

    async def work(_conn):
        db = create_database(database_url)
        await db.connect()
        try:
            turns = db._backend._pool.running()
            for _ in range(db_sqlite.QUERIES_AT_ONCE):
                await turns.acquire()

            async def rename():
                async with db.connection() as conn:
                    await conn.execute(offices.update().where(mine).values(name="改称"))

            async def write():
                async with db.connection() as conn, conn.transaction():
                    await conn.execute(offices.insert().values(OFFICE))
                    return await conn.fetch_val(sa.select(offices.c.name).where(mine))

            waiting = asyncio.create_task(rename())
            written = await asyncio.wait_for(write(), timeout=10)
            await asyncio.sleep(0)
            assert not waiting.done()
            turns.release()
            await asyncio.wait_for(waiting, timeout=10)
            async with db.connection() as conn:
                return written, await conn.fetch_val(sa.select(offices.c.name).where(mine))
        finally:
            await db.disconnect()

    assert run_db(database_url, work) == (OFFICE["name"], "改称")


# A read SQLite takes far longer than db_sqlite.ON_LOOP_SECONDS over.
LONG_READ = sa.text(
    "SELECT thread_of(), (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c"
    " WHERE x < 300000) SELECT count(*) FROM c)"
)


def test_sqlite_short_reads_run_on_the_event_loop_and_the_rest_in_their_threads(database_url):
    """A short read outside a transaction runs on the event loop's thread (no trip to the
    connection's); a read that runs past ON_LOOP_SECONDS is stopped, answered from the
    connection's thread, and goes there directly from then on; a transaction's reads and
    every write go to the thread."""
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's connections each run in a thread of their own")
    import threading

    async def work(_conn):
        loop_thread = threading.get_ident()
        db = create_database(database_url)
        await db.connect()
        seen: list[int] = []

        def thread_of() -> int:
            seen.append(threading.get_ident())
            return threading.get_ident()

        try:
            async with db.connection() as conn:
                await conn.raw_connection.create_function("thread_of", 0, thread_of)
                assert await conn.fetch_val(sa.text("SELECT thread_of()")) == loop_thread

                row = await conn.fetch_one(LONG_READ)
                assert (row[0], row[1]) == (seen[-1], 300000)
                assert seen[-1] != loop_thread  # answered by the thread
                seen.clear()
                row = await conn.fetch_one(LONG_READ)
                assert loop_thread not in seen and row[1] == 300000

                async with conn.transaction():
                    assert await conn.fetch_val(sa.text("SELECT thread_of()")) != loop_thread
                seen.clear()
                await conn.execute(
                    sa.text(
                        "INSERT INTO offices (id, code, name, phone)"
                        " VALUES (903, '99903', 'ハローワーク試験', thread_of())"
                    )
                )
                assert await conn.fetch_val(sa.text("SELECT thread_of()")) == loop_thread
            return seen[0] != loop_thread
        finally:
            await db.disconnect()

    assert run_db(database_url, work) is True


def test_no_statement_sets_postgres_session_state():
    """db.keep_session gives a connection back to the pool without RESET ALL, so no
    statement may leave session state behind for the next request: every set_config is
    local to its transaction (third argument true), and nothing says SET, LISTEN, or takes
    an advisory lock that outlives its transaction."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "webapp"
    found = []
    for path in root.rglob("*.py"):
        if "migrations" in path.parts:  # Alembic's own connection, not the pool
            continue
        source = path.read_text(encoding="utf-8")
        for call in re.finditer(r"set_config\(([^)]*)\)", source):
            if not call.group(1).replace(" ", "").endswith(",true"):
                found.append(f"{path.name}: set_config({call.group(1)})")
        for statement in re.finditer(
            r"""["'](\s*(?:SET|RESET|LISTEN|DECLARE)\s[^"']*|[^"']*pg_advisory_lock[^"']*)""",
            source,
        ):
            if not statement.group(1).strip().startswith("SET NULL"):
                found.append(f"{path.name}: {statement.group(1)[:60]}")
    assert found == []
