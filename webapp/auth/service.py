"""Signing in and out: checking the password and server-side session records.

The session cookie carries a random secret; the table keeps only its HMAC, so a leaked
table opens no session. Sessions end after 30 idle minutes or 12 hours in all.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from databases.core import Connection

from webapp.schema import job_seekers, sessions
from webapp.security import tokens
from webapp.security.passwords import hash_password, needs_rehash, verify_password

IDLE_TIMEOUT = dt.timedelta(minutes=30)
ABSOLUTE_TIMEOUT = dt.timedelta(hours=12)
# last_seen_at is written at most this often: one write per click would cost every page.
TOUCH_INTERVAL = dt.timedelta(seconds=60)


def _hash(secret_key: str, token: str) -> str:
    return tokens.digest(secret_key, "session", token)


async def authenticate(conn: Connection, email: str, password: str):
    """The job-seeker whose address and password these are, else None (same time either way)."""
    row = await conn.fetch_one(
        sa.select(job_seekers.c.id, job_seekers.c.password_hash).where(job_seekers.c.email == email)
    )
    stored = row["password_hash"] if row else None
    if not await verify_password(stored, password):
        return None
    if needs_rehash(stored):
        await conn.execute(
            job_seekers.update()
            .where(job_seekers.c.id == row["id"])
            .values(password_hash=await hash_password(password))
        )
    return row["id"]


async def start_session(
    conn: Connection,
    secret_key: str,
    *,
    seeker_id: int,
    previous_token: str | None,
    user_agent: str,
    ip_address: str,
    now: dt.datetime,
) -> str:
    """A new session (a new cookie secret: the one before login is never promoted)."""
    token = tokens.new_cookie_secret()
    async with conn.transaction():
        if previous_token:
            await conn.execute(
                sessions.delete().where(sessions.c.token_hash == _hash(secret_key, previous_token))
            )
        await conn.execute(
            sessions.insert().values(
                token_hash=_hash(secret_key, token),
                seeker_id=seeker_id,
                created_at=now,
                last_seen_at=now,
                expires_at=now + ABSOLUTE_TIMEOUT,
                user_agent=user_agent[:300],
                ip_address=ip_address[:45],
            )
        )
    return token


async def load_session(conn: Connection, secret_key: str, token: str | None, now: dt.datetime):
    """(the signed-in job-seeker for this cookie or None, the job-seeker id of a session that
    has just expired or None): the second lets typed input be kept for its owner only."""
    if not token:
        return None, None
    row = await conn.fetch_one(
        sa.select(
            sessions.c.id.label("session_id"),
            sessions.c.last_seen_at,
            sessions.c.expires_at,
            job_seekers.c.id,
            job_seekers.c.name,
            job_seekers.c.seeker_number,
            job_seekers.c.email,
        )
        .select_from(sessions.join(job_seekers, sessions.c.seeker_id == job_seekers.c.id))
        .where(sessions.c.token_hash == _hash(secret_key, token))
    )
    if row is None:
        return None, None
    if row["expires_at"] <= now or row["last_seen_at"] + IDLE_TIMEOUT <= now:
        await conn.execute(sessions.delete().where(sessions.c.id == row["session_id"]))
        return None, row["id"]
    if now - row["last_seen_at"] >= TOUCH_INTERVAL:
        await conn.execute(
            sessions.update().where(sessions.c.id == row["session_id"]).values(last_seen_at=now)
        )
    return row, None


async def end_session(conn: Connection, secret_key: str, token: str | None) -> None:
    if token:
        await conn.execute(
            sessions.delete().where(sessions.c.token_hash == _hash(secret_key, token))
        )
