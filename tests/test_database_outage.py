"""While the database cannot be reached, every page is a plain 503 with Retry-After, and the
log has a warning, not an error; when it is back the app carries on by itself (issue 13).

Real databases, made unreachable the way an outage makes them: on SQLite the file's
directory is gone; on PostgreSQL the app's connections are ended from a second connection
and the database cannot be reached under its name. The driver's own errors are checked
one by one too (webapp.db.is_database_unavailable)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import sqlite3
from pathlib import Path

import asyncpg
import pytest
from databases import DatabaseURL
from starlette.testclient import TestClient

from tests import factories
from tests.conftest import PG_URL, free_port, off_main_thread, settings_for
from tests.helpers import SEEKER, signed_in
from webapp import create_app
from webapp.db import AppDatabase, DatabaseUnavailable, is_database_unavailable
from webapp.errors import ERROR_MESSAGES, RETRY_AFTER_SECONDS
from webapp.htmx import ERROR_PAGE_SWAP

only_sqlite = pytest.mark.skipif(bool(PG_URL), reason="the SQLite run checks SQLite's file")
only_postgres = pytest.mark.skipif(not PG_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)")


def assert_unavailable_page(response) -> None:
    assert response.status_code == 503
    assert response.headers["retry-after"] == str(RETRY_AFTER_SECONDS)
    assert "ただいまご利用いただけません" in response.text
    assert ERROR_MESSAGES[503] in response.text
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"


def problems_logged(caplog) -> list[str]:
    """What the app logged at ERROR or worse: a bug's traceback, say."""
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def outage_warnings(caplog) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING and "database unavailable" in r.getMessage()
    ]


# --- the driver's errors -------------------------------------------------------------------


def test_sqlite_errors_of_an_unreachable_file_and_of_a_bad_query(tmp_path):
    with pytest.raises(sqlite3.OperationalError) as gone:
        sqlite3.connect(tmp_path / "no-such-directory" / "app.db")
    assert is_database_unavailable(gone.value)  # SQLITE_CANTOPEN

    conn = sqlite3.connect(tmp_path / "app.db")
    conn.execute("CREATE TABLE t (k INTEGER UNIQUE)")
    conn.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(sqlite3.IntegrityError) as duplicate:
        conn.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(sqlite3.OperationalError) as no_table:
        conn.execute("SELECT * FROM no_such_table")
    conn.close()
    assert not is_database_unavailable(duplicate.value)
    assert not is_database_unavailable(no_table.value)  # a bug, not an outage


async def _take_a_connection(url: str) -> None:
    """Take a connection the way a request does (the pool opens none before)."""
    database = AppDatabase(url, min_size=0) if url.startswith("postgresql") else AppDatabase(url)
    await database.connect()
    try:
        async with database.connection() as conn:
            await conn.fetch_val("SELECT 1")
    finally:
        await database.disconnect()


def test_no_connection_to_a_missing_sqlite_file_is_database_unavailable(tmp_path):
    url = f"sqlite:///{tmp_path / 'no-such-directory' / 'app.db'}"
    with pytest.raises(DatabaseUnavailable) as caught:
        asyncio.run(_take_a_connection(url))
    assert isinstance(caught.value.__cause__, sqlite3.OperationalError)
    assert is_database_unavailable(caught.value)


def test_no_connection_to_a_closed_port_is_database_unavailable():
    """The driver's own error for a server that is not listening (runs without PostgreSQL:
    the port is closed on purpose)."""
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/test"
    with pytest.raises(DatabaseUnavailable) as caught:
        asyncio.run(_take_a_connection(url))
    assert isinstance(caught.value.__cause__, OSError)
    assert is_database_unavailable(caught.value)


@only_postgres
def test_no_connection_to_a_missing_postgresql_database_is_database_unavailable():
    base = DatabaseURL(PG_URL)
    url = str(base.replace(database=f"{base.database}_no_such_database"))
    with pytest.raises(DatabaseUnavailable) as caught:
        off_main_thread(_take_a_connection, url)
    assert isinstance(caught.value.__cause__, asyncpg.InvalidCatalogNameError)


def test_other_errors_are_bugs_not_outages():
    assert not is_database_unavailable(RuntimeError("a bug"))
    assert not is_database_unavailable(KeyError("id"))


def test_a_connection_broken_mid_answer_is_an_outage_but_one_shared_by_two_tasks_a_bug():
    """asyncpg's words for each, as it raises them (see is_database_unavailable)."""
    broken = "cannot switch to state 11; another operation (2) is in progress"
    shared = "cannot perform operation: another operation is in progress"
    assert is_database_unavailable(asyncpg.exceptions.InternalClientError(broken))
    assert not is_database_unavailable(asyncpg.InterfaceError(shared))
    assert not is_database_unavailable(asyncpg.exceptions.InternalClientError("other"))


async def _errors_from_postgresql() -> dict:
    """Each error as asyncpg raises it, from the server itself."""
    base = DatabaseURL(PG_URL)
    found = {}
    try:
        await asyncpg.connect(str(base.replace(database=f"{base.database}_no_such_database")))
    except asyncpg.PostgresError as error:
        found["no such database"] = error
    victim = await asyncpg.connect(PG_URL)
    admin = await asyncpg.connect(PG_URL)
    try:
        for query, name in (
            ("SELEC 1", "syntax error"),
            ("SELECT 1 / 0", "division by zero"),
            ("CREATE TEMP TABLE t (k int UNIQUE); INSERT INTO t VALUES (1), (1)", "unique"),
        ):
            try:
                await victim.execute(query)
            except asyncpg.PostgresError as error:
                found[name] = error
        # Ended from a second connection, as a restart or an operator does.
        await admin.fetchval("SELECT pg_terminate_backend($1, 5000)", victim.get_server_pid())
        try:
            await victim.fetchval("SELECT 1")
        except Exception as error:
            found["terminated"] = error
        try:
            await victim.fetchval("SELECT 1")
        except Exception as error:
            found["closed"] = error
    finally:
        await admin.close()
        await victim.close()
    return found


@only_postgres
def test_postgresql_errors_told_apart():
    errors = off_main_thread(_errors_from_postgresql)
    unavailable = {name for name, error in errors.items() if is_database_unavailable(error)}
    assert set(errors) == {
        "no such database",
        "syntax error",
        "division by zero",
        "unique",
        "terminated",
        "closed",
    }
    assert unavailable == {"no such database", "terminated", "closed"}


# --- the app during an outage ------------------------------------------------------------


def pages_during_the_outage(client) -> list:
    """What a person meets: the top page, a search, a signed-in page, an htmx swap."""
    return [
        client.get("/"),
        client.get("/jobs/search?keyword=介護"),
        client.get("/login"),
        client.get("/mypage", follow_redirects=False),
    ]


@only_sqlite
def test_while_the_sqlite_file_is_out_of_reach_pages_answer_503(
    database_url, tmp_path, smtp, caplog
):
    """The database's directory is gone (a volume not mounted yet, say), then back."""
    home = tmp_path / "data"
    home.mkdir()
    Path(DatabaseURL(database_url).database).rename(home / "app.db")
    away = tmp_path / "data-away"
    home.rename(away)
    app = create_app(settings_for(f"sqlite:///{home / 'app.db'}", smtp_port=smtp.port))
    with caplog.at_level(logging.WARNING), TestClient(app) as client:
        for response in pages_during_the_outage(client):
            assert_unavailable_page(response)
        htmx = client.get("/jobs/search", headers={"HX-Request": "true"})
        assert_unavailable_page(htmx)
        assert all(htmx.headers[name] == value for name, value in ERROR_PAGE_SWAP.items())

        away.rename(home)
        assert client.get("/").status_code == 200
        assert client.get("/login").status_code == 200
    assert outage_warnings(caplog)
    assert problems_logged(caplog) == []


async def _admin(*statements: str) -> None:
    conn = await asyncpg.connect(PG_URL)
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


@contextlib.contextmanager
def postgresql_out_of_reach(database_url: str):
    """No new connection is let in, the app's connections are ended, and the database is
    renamed away (a connection then finds no such database): the app's view of a server
    that went down. Put back as it was at the end."""
    name = DatabaseURL(database_url).database
    off_main_thread(
        _admin,
        f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false',
        "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
        f" WHERE datname = '{name}' AND pid <> pg_backend_pid()",
        f'ALTER DATABASE "{name}" RENAME TO "{name}_away"',
    )
    try:
        yield
    finally:
        off_main_thread(
            _admin,
            f'ALTER DATABASE "{name}_away" RENAME TO "{name}"',
            f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true',
        )


@only_postgres
def test_while_postgresql_is_out_of_reach_pages_answer_503(client, database_url, caplog):
    factories.seeker(client, password=SEEKER.password)
    taro = signed_in(client, SEEKER)
    assert taro.get("/mypage").status_code == 200
    with caplog.at_level(logging.WARNING):
        with postgresql_out_of_reach(database_url):
            for response in [*pages_during_the_outage(client), taro.get("/mypage")]:
                assert_unavailable_page(response)
        # Back: the same session, the pool's new connections, nothing restarted.
        page = taro.get("/mypage")
        assert page.status_code == 200 and re.search("山田", page.text)
    assert outage_warnings(caplog)
    assert problems_logged(caplog) == []
