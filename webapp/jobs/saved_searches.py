"""検索条件保存: a job-seeker's named search conditions, each with an optional daily mail."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from databases.core import Connection

from webapp.jobs import forms, search
from webapp.jobs.search import SearchConditions
from webapp.schema import job_seekers, saved_searches

LIMIT = 20


class SavedSearchLimit(Exception):
    message = (
        f"保存できる検索条件は{LIMIT}件までです。"
        "検索条件の一覧で不要な条件を削除してから、もう一度保存してください。"
    )


class AlreadySaved(Exception):
    def __init__(self, row) -> None:
        self.row = row


async def save(
    conn: Connection, seeker_id: int, conditions: SearchConditions, name: str, *, now: dt.datetime
) -> int:
    """Save the conditions under a name. The same conditions twice: AlreadySaved."""
    query = conditions.to_query(page=False)
    async with conn.transaction():
        await conn.fetch_val(
            sa.select(job_seekers.c.id).where(job_seekers.c.id == seeker_id).with_for_update()
        )
        existing = await conn.fetch_one(
            sa.select(saved_searches).where(
                saved_searches.c.seeker_id == seeker_id, saved_searches.c.query == query
            )
        )
        if existing is not None:
            raise AlreadySaved(existing)
        total = await conn.fetch_val(
            sa.select(sa.func.count())
            .select_from(saved_searches)
            .where(saved_searches.c.seeker_id == seeker_id)
        )
        if total >= LIMIT:
            raise SavedSearchLimit()
        return await conn.fetch_val(
            saved_searches.insert()
            .values(
                seeker_id=seeker_id,
                name=name,
                query=query,
                created_at=now,
                last_run_at=now,
                mail_enabled=False,
            )
            .returning(saved_searches.c.id)
        )


async def get(conn: Connection, seeker_id: int, saved_id: int):
    """One of the seeker's saved searches; None for anyone else's (the caller answers 404)."""
    return await conn.fetch_one(
        sa.select(saved_searches).where(
            saved_searches.c.id == saved_id, saved_searches.c.seeker_id == seeker_id
        )
    )


async def listing(conn: Connection, seeker_id: int, *, now: dt.datetime) -> list[dict]:
    """The seeker's saved searches with a summary and the count of new postings since run."""
    rows = await conn.fetch_all(
        sa.select(saved_searches)
        .where(saved_searches.c.seeker_id == seeker_id)
        .order_by(saved_searches.c.created_at.desc(), saved_searches.c.id.desc())
    )
    items = []
    for row in rows:
        conditions = forms.conditions_from_query(row["query"])
        new = await search.count_new(conn, conditions, since=row["last_run_at"], now=now)
        items.append({"row": row, "conditions": conditions, "new_count": new})
    return items


async def mark_run(conn: Connection, seeker_id: int, saved_id: int, *, now: dt.datetime):
    """実行: remember when, so "new since" counts from now. None when not the seeker's."""
    return await conn.fetch_one(
        saved_searches.update()
        .where(saved_searches.c.id == saved_id, saved_searches.c.seeker_id == seeker_id)
        .values(last_run_at=now)
        .returning(saved_searches.c.query)
    )


async def rename(conn: Connection, seeker_id: int, saved_id: int, name: str) -> bool:
    return (
        await conn.fetch_val(
            saved_searches.update()
            .where(saved_searches.c.id == saved_id, saved_searches.c.seeker_id == seeker_id)
            .values(name=name)
            .returning(saved_searches.c.id)
        )
        is not None
    )


async def delete(conn: Connection, seeker_id: int, saved_id: int) -> bool:
    return (
        await conn.fetch_val(
            saved_searches.delete()
            .where(saved_searches.c.id == saved_id, saved_searches.c.seeker_id == seeker_id)
            .returning(saved_searches.c.id)
        )
        is not None
    )


async def set_mail(
    conn: Connection, seeker_id: int, saved_id: int, on: bool, *, now: dt.datetime
) -> bool:
    """Switch the daily mail. Switching on starts the cursor now: only newer postings count."""
    values = {"mail_enabled": on}
    row = await get(conn, seeker_id, saved_id)
    if row is None:
        return False
    if on and not row["mail_enabled"]:
        values["mailed_through"] = now
    await conn.execute(
        saved_searches.update()
        .where(saved_searches.c.id == saved_id, saved_searches.c.seeker_id == seeker_id)
        .values(**values)
    )
    return True
