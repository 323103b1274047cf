"""The bench scripts' PostgreSQL chores, on a connection of their own (asyncpg): an empty
database, and the vacuum autovacuum would run soon after a large load."""

from __future__ import annotations

import asyncpg
from databases.core import DatabaseURL


async def recreate(url: str) -> None:
    """The database `url` names, dropped (with its connections) and created empty."""
    parsed = DatabaseURL(url)
    admin = await asyncpg.connect(str(parsed.replace(database="postgres")))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{parsed.database}"')
    finally:
        await admin.close()


async def vacuum(url: str, table: str = "") -> None:
    """VACUUM (ANALYZE) of `table`, or of every table: the visibility map lets a search by
    filters alone answer from the ordering indexes without reading the wide rows."""
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(f"VACUUM (ANALYZE) {table}".strip())
    finally:
        await conn.close()
