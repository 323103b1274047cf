"""Fixtures: a fresh real database per test (SQLite file, or PostgreSQL when
TEST_DATABASE_URL names one), a real SMTP server (aiosmtpd), a clock the test controls,
and a TestClient with the app's lifespan running."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import sqlite3
import threading
import time
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from starlette.testclient import TestClient

from webapp import create_app
from webapp.clock import FrozenClock
from webapp.config import Settings
from webapp.db import migrate

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
TEST_SECRET = "test-secret-key-not-for-production-0123456789"


def _reset_postgres(url: str) -> None:
    import asyncio

    import asyncpg

    async def reset():
        conn = await asyncpg.connect(url)
        try:
            tables = await conn.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname='public' "
                "AND tablename <> 'alembic_version'"
            )
            names = ", ".join(f'"{t["tablename"]}"' for t in tables)
            await conn.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
            # The office the first migration seeds (see 0001_initial_schema).
            await conn.execute(
                "INSERT INTO offices (code, name, phone) "
                "VALUES ('16040', 'ハローワーク砺波', '0763-32-2914')"
            )
        finally:
            await conn.close()

    asyncio.run(reset())


def own_postgres_database(url: str, suffix: str = "run"):
    """A database of this test run's own beside TEST_DATABASE_URL's, so that two runs on
    one server (a developer's and CI's, say) never truncate each other's tables; returns
    its URL and a function that drops it."""
    import asyncio

    import asyncpg
    from databases import DatabaseURL

    base = DatabaseURL(url)
    name = f"{base.database}_{suffix}{os.getpid()}"

    async def create():
        conn = await asyncpg.connect(url)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    async def drop():
        conn = await asyncpg.connect(url)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    asyncio.run(create())
    return str(base.replace(database=name)), lambda: asyncio.run(drop())


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """Migrate once per run; each test then starts from a copy (SQLite) or a truncation."""
    if PG_URL:
        url, drop = own_postgres_database(PG_URL)
        migrate(url)
        yield url
        drop()
        return
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate(f"sqlite:///{path}")
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    yield path


@pytest.fixture
def database_url(migrated_template, tmp_path) -> str:
    if PG_URL:
        _reset_postgres(migrated_template)
        return migrated_template
    path = tmp_path / "test.db"
    shutil.copy(migrated_template, path)
    return f"sqlite:///{path}"


class CaughtMail:
    """What the test SMTP server received, with a way to wait for delivery."""

    def __init__(self) -> None:
        self.messages: list = []
        self._lock = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(
            envelope.original_content or envelope.content, policy=policy.default
        )
        with self._lock:
            self.messages.append(message)
            self._lock.notify_all()
        return "250 OK"

    def wait_for(self, to: str, count: int = 1, timeout: float = 10.0) -> list:
        """Block until `count` mails to `to` have arrived; return them, oldest first."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [m for m in self.messages if m["To"] == to]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no mail to {to} within {timeout}s: {self.messages}")
                self._lock.wait(left)

    def to(self, address: str) -> list:
        with self._lock:
            return [m for m in self.messages if m["To"] == address]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    handler = CaughtMail()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def settings(database_url, smtp) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key=TEST_SECRET,
        base_url="http://testserver",
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        outbox_poll_seconds=0.2,
    )


@pytest.fixture
def app(settings, clock):
    return create_app(settings, clock=clock)


@pytest.fixture
def client(app, smtp):
    with TestClient(app, base_url="http://testserver") as test_client:
        test_client.smtp = smtp  # where the app's mail arrives (tests.helpers.login reads it)
        yield test_client
