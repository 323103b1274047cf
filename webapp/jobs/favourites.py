"""お気に入り: postings a job-seeker keeps, up to a limit; closed ones stay listed."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from databases.core import Connection

from webapp.db import fetch_all_bound
from webapp.postings import search
from webapp.schema import favourites, job_postings, job_seekers

LIMIT = 100


class FavouriteLimit(Exception):
    message = (
        f"お気に入りに保存できる求人は{LIMIT}件までです。"
        "お気に入り一覧で不要な求人を解除してから、もう一度お試しください。"
    )


async def _lock_seeker(conn: Connection, seeker_id: int) -> None:
    # Two taps at once must not both pass the limit check (PostgreSQL; SQLite's
    # BEGIN IMMEDIATE already serializes writers).
    await conn.fetch_val(
        sa.select(job_seekers.c.id).where(job_seekers.c.id == seeker_id).with_for_update()
    )


async def count(conn: Connection, seeker_id: int) -> int:
    return await conn.fetch_val(
        sa.select(sa.func.count())
        .select_from(favourites)
        .where(favourites.c.seeker_id == seeker_id)
    )


async def set_favourite(
    conn: Connection, seeker_id: int, posting_id: int, on: bool, *, now: dt.datetime
) -> None:
    """Make the posting a favourite (or not). Idempotent: a second tap changes nothing."""
    async with conn.transaction():
        await _lock_seeker(conn, seeker_id)
        mine = (favourites.c.seeker_id == seeker_id) & (favourites.c.posting_id == posting_id)
        exists = await conn.fetch_val(sa.select(favourites.c.id).where(mine))
        if not on:
            if exists:
                await conn.execute(favourites.delete().where(mine))
            return
        if exists:
            return
        if await count(conn, seeker_id) >= LIMIT:
            raise FavouriteLimit()
        await conn.execute(
            favourites.insert().values(seeker_id=seeker_id, posting_id=posting_id, created_at=now)
        )


async def ids_among(conn: Connection, seeker: dict | None, posting_ids: list[int]) -> set[int]:
    """Which of these postings the signed-in job-seeker `seeker` has as favourites: read
    with their session where the page asked for it (session_columns), else here."""
    if not seeker or not posting_ids:
        return set()
    extras = seeker.get("extras") or {}
    if "favourite_ids" in extras:
        kept = extras["favourite_ids"]
        return {int(i) for i in kept.split(",")}.intersection(posting_ids) if kept else set()
    # All of the seeker's (at most LIMIT) and the page's picked out here: an IN list of the
    # page's ids is expanded by SQLAlchemy afresh on every search page, a statement with
    # only the seeker compiles once (a tenth of the signed-in search page's time).
    rows = await fetch_all_bound(conn, _SEEKERS_FAVOURITES, {"seeker_id": seeker["id"]})
    return {row["posting_id"] for row in rows}.intersection(posting_ids)


_SEEKERS_FAVOURITES = sa.select(favourites.c.posting_id).where(
    favourites.c.seeker_id == sa.bindparam("seeker_id", type_=sa.Integer)
)


def session_columns(seeker_id) -> dict[str, sa.ScalarSelect]:
    """The job-seeker's favourites (at most LIMIT ids, comma-separated) as a column of
    their session's query, for the search page (webapp.app): on PostgreSQL each query is a
    round trip, and this one was a tenth of the page's CPU."""
    ids = sa.func.aggregate_strings(sa.cast(favourites.c.posting_id, sa.Text), ",")
    return {
        "favourite_ids": sa.select(ids).where(favourites.c.seeker_id == seeker_id).scalar_subquery()
    }


async def listing(conn: Connection, seeker_id: int):
    """The seeker's favourites, newest first, with each posting's list columns."""
    return await conn.fetch_all(
        sa.select(*search.LIST_COLUMNS, favourites.c.created_at.label("favourited_at"))
        .select_from(favourites.join(job_postings, favourites.c.posting_id == job_postings.c.id))
        .where(favourites.c.seeker_id == seeker_id)
        .order_by(favourites.c.created_at.desc(), favourites.c.id.desc())
    )
