"""Signing in and out: checking the password and server-side session records.

The session cookie carries a random secret; the table keeps only its HMAC, so a leaked
table opens no session. Sessions end after 30 idle minutes or 12 hours in all.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa
from databases.core import Connection

from webapp.auth.roles import SEEKER, Account
from webapp.db import fetch_bound
from webapp.schema import employers, job_seekers, members, offices, sessions
from webapp.security import throttle, tokens
from webapp.security.passwords import hash_password, needs_rehash, verify_password

IDLE_TIMEOUT = dt.timedelta(minutes=30)
ABSOLUTE_TIMEOUT = dt.timedelta(hours=12)
# last_seen_at is written at most this often: one write per click would cost every page.
TOUCH_INTERVAL = dt.timedelta(seconds=60)


def _hash(secret_key: str, token: str) -> str:
    return tokens.digest(secret_key, "session", token)


def account_table(role: str) -> sa.Table:
    return job_seekers if role == SEEKER else members


def _by_email(role: str, email: str):
    table = account_table(role)
    query = sa.select(table.c.id, table.c.name, table.c.email, table.c.password_hash).where(
        table.c.email == email
    )
    if role == SEEKER:
        # A closed account (退会, ended by staff) opens no door; its address was freed on
        # closing anyway, so this is a second lock, not what keeps the answers alike.
        query = query.where(job_seekers.c.closed_at.is_(None))
    else:
        # A staff address never opens the employer door, and a disabled member no door.
        query = query.where(members.c.role == role, members.c.active.is_(True))
    return query


async def find_account(conn: Connection, role: str, email: str):
    """(id, name, email, password_hash) of the account behind this address at this door."""
    return await conn.fetch_one(_by_email(role, email))


async def owner(conn: Connection, role: str, email: str) -> throttle.Owner | None:
    """Whom a wrong password at this door counts against (audit ids, name), or None."""
    row = await find_account(conn, role, email)
    return throttle.Owner(Account(role, row["id"]).columns, row["name"]) if row else None


async def authenticate(conn: Connection, role: str, email: str, password: str) -> Account | None:
    """The account whose address and password these are, else None (same time either way)."""
    row = await find_account(conn, role, email)
    # One argon2 verification whether or not the account exists (a dummy hash for none).
    verified = await verify_password(row["password_hash"] if row else None, password)
    if row is None or not verified:
        return None
    if needs_rehash(row["password_hash"]):
        table = account_table(role)
        await conn.execute(
            table.update()
            .where(table.c.id == row["id"])
            .values(password_hash=await hash_password(password))
        )
    return Account(role, row["id"])


async def start_session(
    conn: Connection,
    secret_key: str,
    *,
    account: Account,
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
                **account.columns,
                created_at=now,
                last_seen_at=now,
                expires_at=now + ABSOLUTE_TIMEOUT,
                user_agent=user_agent[:300],
                ip_address=ip_address[:45],
            )
        )
    return token


# What every request knows of who is signed in: (name in request.state, column).
_SEEKER_COLUMNS = {
    c: job_seekers.c[c]
    for c in (
        "id",
        "name",
        "seeker_number",
        "email",
        "office_id",
        "status",
        "valid_until",
        "registration_kind",
    )
}
_MEMBER_COLUMNS = {
    **{c: members.c[c] for c in ("id", "role", "name", "email", "office_id", "employer_id")},
    "office_name": offices.c.name,
    "office_code": offices.c.code,
    "employer_name": employers.c.name,
}


# Each column's name in the person's dict and its label in the session's query.
_SEEKER_LABELS = tuple((name, f"seeker__{name}") for name in _SEEKER_COLUMNS)
_MEMBER_LABELS = tuple((name, f"member__{name}") for name in _MEMBER_COLUMNS)


# What a page shows of the signed-in job-seeker beyond their row (the My Page menu's and
# the header's unread counts): scalar subqueries for the session's seeker_id, by name.
SeekerCounts = Callable[[Any], Mapping[str, Any]]


@functools.cache
def _session_query(
    seeker_counts: SeekerCounts | None, page_extras: SeekerCounts | None = None
) -> tuple[sa.Select, tuple[str, ...], tuple[str, ...]]:
    """The session's one query (for a token_hash bound at each run) and the names of its
    counts and of the page's extras: built once per app and page (db.fetch_bound)."""
    counts = dict(seeker_counts(sessions.c.seeker_id)) if seeker_counts else {}
    extras = dict(page_extras(sessions.c.seeker_id)) if page_extras else {}
    query = (
        sa.select(
            sessions.c.id,
            sessions.c.seeker_id,
            sessions.c.member_id,
            sessions.c.last_seen_at,
            sessions.c.expires_at,
            *(column.label(f"seeker__{name}") for name, column in _SEEKER_COLUMNS.items()),
            *(column.label(f"member__{name}") for name, column in _MEMBER_COLUMNS.items()),
            *(column.label(f"count__{name}") for name, column in counts.items()),
            *(column.label(f"extra__{name}") for name, column in extras.items()),
        )
        .select_from(
            # A closed account's session opens nothing (closing deletes them anyway).
            sessions.outerjoin(
                job_seekers,
                sa.and_(
                    sessions.c.seeker_id == job_seekers.c.id, job_seekers.c.closed_at.is_(None)
                ),
            )
            # A disabled member's session opens nothing.
            .outerjoin(
                members,
                sa.and_(sessions.c.member_id == members.c.id, members.c.active.is_(True)),
            )
            .outerjoin(offices, members.c.office_id == offices.c.id)
            .outerjoin(employers, members.c.employer_id == employers.c.id)
        )
        .where(sessions.c.token_hash == sa.bindparam("token_hash", type_=sa.String))
    )
    return query, tuple(counts), tuple(extras)


async def load_session(
    conn: Connection,
    secret_key: str,
    token: str | None,
    now: dt.datetime,
    *,
    touch: bool = True,
    seeker_counts: SeekerCounts | None = None,
    page_extras: SeekerCounts | None = None,
):
    """(the signed-in job-seeker or None, the signed-in staff or employer member or None,
    the job-seeker id of a session that has just expired or None): the last lets typed
    input be kept for its owner only. One query on every request, whoever holds it: the
    session, the person and, for a job-seeker, `seeker_counts` (in seeker["counts"]) and
    what this page needs of them beside (`page_extras`, in seeker["extras"]); a write only
    when the session ends or last_seen_at is TOUCH_INTERVAL old."""
    if not token:
        return None, None, None
    query, counts, extras = _session_query(seeker_counts, page_extras)
    row = await fetch_bound(conn, query, {"token_hash": _hash(secret_key, token)})
    if row is None:
        return None, None, None
    if row["expires_at"] <= now or row["last_seen_at"] + IDLE_TIMEOUT <= now:
        await conn.execute(sessions.delete().where(sessions.c.id == row["id"]))
        return None, None, row["seeker_id"]
    seeker = member = None
    if row["seeker__id"] is not None:
        seeker = {name: row[label] for name, label in _SEEKER_LABELS}
        seeker["session_id"] = row["id"]
        seeker["counts"] = {name: row[f"count__{name}"] for name in counts}
        seeker["extras"] = {name: row[f"extra__{name}"] for name in extras}
    elif row["member__id"] is not None:  # NULL when the member was disabled
        member = {name: row[label] for name, label in _MEMBER_LABELS}
        member["session_id"] = row["id"]
    if touch and now - row["last_seen_at"] >= TOUCH_INTERVAL:
        await conn.execute(
            sessions.update().where(sessions.c.id == row["id"]).values(last_seen_at=now)
        )
    return seeker, member, None


async def end_session(conn: Connection, secret_key: str, token: str | None) -> None:
    if token:
        await conn.execute(
            sessions.delete().where(sessions.c.token_hash == _hash(secret_key, token))
        )
