"""Fixtures: a fresh real database per test (SQLite file, or PostgreSQL when
TEST_DATABASE_URL names one), a real SMTP server (aiosmtpd), a clock the test controls,
and a TestClient with the app's lifespan running."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import itertools
import os
import shutil
import socket
import sqlite3
import threading
import time
from email import message_from_bytes, policy

import asyncpg
import pytest
from aiosmtpd.controller import Controller
from databases import DatabaseURL
from starlette.testclient import TestClient

from tests import factories, online_forms
from tests.helpers import EMPLOYER, SEEKER, STAFF, off_main_thread, signed_in
from webapp import create_app
from webapp.clock import FrozenClock
from webapp.config import Settings
from webapp.db import migrate

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
TEST_SECRET = "test-secret-key-not-for-production-0123456789"
# argon2id at its cheapest (argon2.profiles.CHEAPEST): the tests check what is hashed and
# when, not the cost; test_security checks that production hashes at the library's default.
CHEAP_ARGON2 = {"argon2_time_cost": 1, "argon2_memory_cost": 8, "argon2_parallelism": 1}
CHEAP_ARGON2_ENV = {"ARGON2_TIME_COST": "1", "ARGON2_MEMORY_COST": "8", "ARGON2_PARALLELISM": "1"}


async def _admin(url: str, *statements: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


def own_postgres_database(url: str, suffix: str = "run", template: str | None = None):
    """A database of this test run's own beside TEST_DATABASE_URL's (a copy of `template`
    when given), so that two runs on one server (a developer's and CI's, say) never touch
    each other's tables; returns its URL and a function that drops it."""
    base = DatabaseURL(url)
    name = f"{base.database}_{suffix}{os.getpid()}"
    copy = f' TEMPLATE "{template}"' if template else ""
    off_main_thread(
        _admin,
        url,
        f'DROP DATABASE IF EXISTS "{name}"',
        f'CREATE DATABASE "{name}"{copy}',
        # A test's commits need not wait for the disk: a crash loses only a test database.
        f'ALTER DATABASE "{name}" SET synchronous_commit = off',
    )

    def drop() -> None:
        off_main_thread(_admin, url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return str(base.replace(database=name)), drop


@pytest.fixture(autouse=True)
def outside_playwright(request):
    """A test that drives no browser runs with the main thread's loop unmarked, so that
    `asyncio.run` works in it even after this worker's Chromium (which marks Playwright's
    loop as running between its calls) has started; the mark is put back after it."""
    if request.node.get_closest_marker("browser"):
        yield
        return
    marked = asyncio._get_running_loop()
    asyncio._set_running_loop(None)
    yield
    asyncio._set_running_loop(marked)


class PostgresPool:
    """The worker's PostgreSQL test databases: copies of its migrated template, each put
    back to the template's state when a test takes it.

    Putting back is one round trip of DELETEs (children first), the template's own rows
    written again and every sequence set where the template left it: about 2 ms, where a
    new copy (CREATE DATABASE … TEMPLATE) took 40–150 ms and dropping one 300 ms, each
    waiting for a checkpoint that every other run on the server also waits for."""

    def __init__(self, template_url: str, worker_id: str) -> None:
        self.template_url = template_url
        self.worker_id = worker_id
        self.numbers = itertools.count(1)
        self.free: list[str] = []
        self.made: list[tuple[str, object]] = []
        self.reset_sql = off_main_thread(_reset_statements, template_url)

    def take(self):
        """A database in the template's state: its URL, and the function that gives it back."""
        if self.free:
            url = self.free.pop()
            off_main_thread(_admin, url, self.reset_sql)
        else:
            suffix = f"{self.worker_id}_{next(self.numbers)}_"
            template = DatabaseURL(self.template_url).database
            url, drop = own_postgres_database(PG_URL, suffix=suffix, template=template)
            self.made.append((url, drop))
        return url, lambda: self.free.append(url)

    def close(self) -> None:
        for _, drop in self.made:
            drop()


async def _reset_statements(template_url: str) -> str:
    """What puts a copy of the template back as the template is (see PostgresPool)."""
    from webapp.schema import metadata

    conn = await asyncpg.connect(template_url)
    try:
        present = {
            r["tablename"]
            for r in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        }
        # Children before parents; a table only the migrations know (none today) last.
        ordered = [t.name for t in reversed(metadata.sorted_tables) if t.name in present]
        ordered += sorted(present - set(ordered) - {"alembic_version"})
        statements = [f'DELETE FROM "{name}"' for name in ordered]
        for name in reversed(ordered):
            rows = await conn.fetch(f'SELECT * FROM "{name}"')
            for row in rows:  # the template's own rows (offices), written again
                columns = ", ".join(f'"{column}"' for column, _ in row.items())
                values = ", ".join(_literal(value) for _, value in row.items())
                statements.append(f'INSERT INTO "{name}" ({columns}) VALUES ({values})')
        for seq in await conn.fetch(
            "SELECT sequencename, last_value, start_value FROM pg_sequences"
            " WHERE schemaname = 'public'"
        ):
            value, called = (
                (seq["last_value"], "true") if seq["last_value"] else (seq["start_value"], "false")
            )
            statements.append(f"SELECT setval('\"{seq['sequencename']}\"', {value}, {called})")
        return ";\n".join(statements)
    finally:
        await conn.close()


def _literal(value) -> str:
    """A template row's value as SQL (the template holds only plain seed rows)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory, worker_id):
    """Migrate once per worker; each test then starts from a copy of it (a file copy on
    SQLite; on PostgreSQL a copy put back to the template's state: see PostgresPool)."""
    if PG_URL:
        url, drop = own_postgres_database(PG_URL, suffix=f"tmpl_{worker_id}_")
        off_main_thread(migrate, url)
        pool = PostgresPool(url, worker_id)
        yield pool
        pool.close()
        drop()
        return
    path = tmp_path_factory.mktemp("template") / "template.db"
    off_main_thread(migrate, f"sqlite:///{path}")
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    yield path


@contextlib.contextmanager
def fresh_database(migrated_template, directory):
    """A migrated database of its own, made from the template: its URL."""
    if PG_URL:
        url, drop = migrated_template.take()
        try:
            yield url
        finally:
            drop()
        return
    path = directory / "test.db"
    shutil.copy(migrated_template, path)
    yield f"sqlite:///{path}"


@pytest.fixture
def database_url(migrated_template, tmp_path):
    """A fresh migrated database for this test alone."""
    with fresh_database(migrated_template, tmp_path) as url:
        yield url


class CaughtMail:
    """What the test SMTP server received, with a way to wait for delivery."""

    def __init__(self) -> None:
        self.messages: list = []
        self._recipients: list[str] = []  # each message's To, parsed once (not per look-up)
        self._lock = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(
            envelope.original_content or envelope.content, policy=policy.default
        )
        with self._lock:
            self.messages.append(message)
            self._recipients.append(str(message["To"]))
            self._lock.notify_all()
        return "250 OK"

    def _to(self, address: str) -> list:
        return [m for m, to in zip(self.messages, self._recipients, strict=True) if to == address]

    def wait_for(self, to: str, count: int = 1, timeout: float = 10.0) -> list:
        """Block until `count` mails to `to` have arrived; return them, oldest first."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = self._to(to)
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no mail to {to} within {timeout}s: {self.messages}")
                self._lock.wait(left)

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()
            self._recipients.clear()

    def to(self, address: str) -> list:
        with self._lock:
            return self._to(address)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_server():
    """One real SMTP server (aiosmtpd) per worker; `smtp` empties it for each test."""
    handler = CaughtMail()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


@pytest.fixture
def smtp(smtp_server):
    """What reached the SMTP server during this test (the apps of earlier tests have
    stopped their senders by the time this one starts)."""
    smtp_server.clear()
    return smtp_server


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


def settings_for(database_url: str, **overrides) -> Settings:
    """The app's settings in a test: this database and the tests' costs; `overrides` say
    where mail goes (smtp_port) and the base URL."""
    values = {
        "database_url": database_url,
        "secret_key": TEST_SECRET,
        "base_url": "http://testserver",
        "smtp_host": "127.0.0.1",
        "outbox_poll_seconds": 0.2,
        "outbox_wake_delay": 0.0,  # bench/enumeration.py measures the real delay's point
        "migrate_on_start": False,  # the template is migrated; test_migrations checks the start
        # The tests run the daily round themselves, on their clock (a round at start would
        # race a test that moves the clock); test_periodic checks the loop.
        "daily_round_seconds": 0,
        **CHEAP_ARGON2,
        **overrides,
    }
    return Settings(**values)


@contextlib.contextmanager
def running(app, smtp):
    """A TestClient on `app` inside `with`, so that its lifespan runs."""
    with TestClient(app, base_url="http://testserver") as test_client:
        test_client.smtp = smtp  # where the app's mail arrives (tests.helpers.login reads it)
        yield test_client


@pytest.fixture
def settings(database_url, smtp) -> Settings:
    return settings_for(database_url, smtp_port=smtp.port)


@pytest.fixture
def app(settings, clock):
    return create_app(settings, clock=clock)


@pytest.fixture
def client(app, smtp):
    with running(app, smtp) as test_client:
        yield test_client


# --- signed in as each role, on a fresh database -----------------------------------------


@pytest.fixture
def seeker_client(client):
    """`client` signed in as Taro (tests.helpers.SEEKER), a counter-registered job-seeker."""
    factories.seeker(client, password=SEEKER.password)
    return signed_in(client, SEEKER, first=True)


@pytest.fixture
def staff_client(client):
    """`client` signed in as staff of ハローワーク砺波 (tests.helpers.STAFF)."""
    factories.staff(client)
    return signed_in(client, STAFF, first=True)


@pytest.fixture
def employer_client(client):
    """`client` signed in as the user of 株式会社となみ精工 (tests.helpers.EMPLOYER)."""
    factories.employer(client)
    return signed_in(client, EMPLOYER, first=True)


@pytest.fixture
def online(client, smtp):
    """Hanako applied online (an オンライン登録者 of ハローワーク砺波), signed in on `client`;
    砺波's staff on `client.staff`; a posting."""
    online_forms.open_account(client, smtp)
    online_forms.fill_all(client)
    client.seeker_id = factories.seeker_id(client, email=online_forms.EMAIL)
    factories.staff(client)
    client.staff = signed_in(client, STAFF)
    client.posting = factories.posting(client, job_title="一般事務", company_name="株式会社となみ")
    return client


# --- one app and database for a module, for data its tests only read -------------------


@pytest.fixture(scope="module")
def module_client(migrated_template, tmp_path_factory, smtp_server):
    """One app, clock and database for the whole module: for large data that many tests
    only read. The module's fixture that writes that data wraps what it yields in
    `factories.unchanged`, so a test that writes fails the module; tests that write use
    `client` and a database of their own. Tests reach it through `shared_client`."""
    directory = tmp_path_factory.mktemp("module")
    with fresh_database(migrated_template, directory) as url:
        app = create_app(settings_for(url, smtp_port=smtp_server.port), clock=FrozenClock())
        with running(app, smtp_server) as test_client:
            yield test_client


@pytest.fixture
def shared_client(module_client):
    """The module's shared app as a new visitor finds it: no cookies, and its page and
    search caches empty, so no test sees what an earlier one left in memory."""
    module_client.cookies.clear()
    for cache in ("page_cache", "search_cache"):
        if hasattr(module_client.app.state, cache):
            delattr(module_client.app.state, cache)
    return module_client


def pytest_collection_modifyitems(config, items):
    """Browser walks first, the longest (by source lines) first, and split between the
    two halves of the list: pytest-xdist's worksteal scheduler (make test) hands each
    worker one contiguous half, so each starts on half of the walks (each 10–35 s) and
    the short tests fill in behind them, instead of one walk starting last."""
    walks = [item for item in items if item.get_closest_marker("browser")]
    if not walks:
        return
    rest = [item for item in items if not item.get_closest_marker("browser")]
    walks.sort(key=lambda item: -len(inspect.getsource(item.function).splitlines()))
    first, second = walks[0::2], walks[1::2]
    half = len(items) // 2
    head = rest[: max(half - len(first), 0)]
    items[:] = first + head + second + rest[len(head) :]
