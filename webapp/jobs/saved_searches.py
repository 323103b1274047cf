"""検索条件保存: a job-seeker's named search conditions, each with an optional daily mail
of new postings matching it (検索条件の新着求人メール).

Each saved search with mail switched on has a cursor, mailed_through: postings registered
up to it were already considered. Once a day has passed, one run claims the search by
moving the cursor with a compare-and-set UPDATE, and queues the mail in the same
transaction: several app instances (or the CLI beside a server) never send one twice,
and a crash before commit leaves the search to be claimed again. The daily round
(webapp/daily.py) runs queue_digests.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from databases.core import Connection

from webapp.clock import Clock, jst_date
from webapp.db import AppDatabase
from webapp.jobs.forms import SAVED_NAME_MAX
from webapp.mail import outbox
from webapp.postings import catalog, search, search_form
from webapp.postings import service as postings
from webapp.postings.search import SearchConditions
from webapp.schema import job_postings, job_seekers, saved_searches

LIMIT = 20
DIGEST_EVERY = dt.timedelta(days=1)
DIGEST_LISTED = 10  # postings written out in one mail; the rest are counted


class SavedSearchLimit(Exception):
    message = (
        f"保存できる検索条件は{LIMIT}件までです。"
        "検索条件の一覧で不要な条件を削除してから、もう一度保存してください。"
    )


class AlreadySaved(Exception):
    def __init__(self, row) -> None:
        self.row = row


class NothingToSave(Exception):
    """Conditions not worth keeping: none at all, or no posting matches them."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


NO_CONDITIONS = (
    "検索条件が指定されていないため、保存できません。"
    "キーワードや勤務地などの条件を指定して検索してから、保存してください。"
)
NO_RESULTS = (
    "この検索条件に合う求人がないため、保存できません。"
    "条件を変えて検索し、求人が見つかる条件を保存してください。"
)


def default_name(conditions: SearchConditions) -> str:
    """The name a saved search gets when none is typed: its conditions (cut to 30
    characters by jobs/forms.py)."""
    return "・".join(conditions.summary())


def save_refusal(conditions: SearchConditions, matching: int) -> str | None:
    """Why these conditions may not be saved (no conditions, or no posting matches them:
    the search page then offers no 「この検索条件を保存する」), or None."""
    if conditions.is_empty:
        return NO_CONDITIONS
    if not matching:
        return NO_RESULTS
    return None


async def save(
    conn: Connection, seeker_id: int, conditions: SearchConditions, name: str, *, now: dt.datetime
) -> int:
    """Save the conditions under a name. The same conditions twice: AlreadySaved; none,
    or none that any open posting matches: NothingToSave."""
    query = conditions.to_query(page=False)
    match = search.filters(conn, conditions, today=jst_date(now))
    matching, _ = await search.count(conn, match, cap=1) if not conditions.is_empty else (0, False)
    refusal = save_refusal(conditions, matching)
    if refusal is not None:
        raise NothingToSave(refusal)
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
        conditions = search_form.conditions_from_query(row["query"])
        new = await search.count_new(conn, conditions, since=row["last_run_at"], now=now)
        # A name of its own, or the conditions themselves (then the card states them once).
        named = row["name"] != default_name(conditions)[:SAVED_NAME_MAX]
        items.append({"row": row, "conditions": conditions, "new_count": new, "named": named})
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
    values: dict[str, object] = {"mail_enabled": on}
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


async def queue_digests(db: AppDatabase, clock: Clock, base_url: str) -> int:
    """Queue every due digest once; returns how many mails were queued."""
    now = clock.now()
    async with db.connection() as conn:
        due = await conn.fetch_all(
            sa.select(saved_searches.c.id)
            .where(
                saved_searches.c.mail_enabled.is_(True),
                saved_searches.c.mailed_through <= now - DIGEST_EVERY,
            )
            .order_by(saved_searches.c.mailed_through)
        )
    queued = 0
    for row in due:
        async with db.connection() as conn:
            if await _digest_one(conn, row["id"], now, base_url):
                queued += 1
    return queued


async def _digest_one(conn, saved_id: int, now: dt.datetime, base_url: str) -> bool:
    async with conn.transaction():
        saved = await conn.fetch_one(
            sa.select(saved_searches, job_seekers.c.email, job_seekers.c.name.label("seeker"))
            .select_from(saved_searches.join(job_seekers))
            .where(saved_searches.c.id == saved_id)
        )
        if saved is None or not saved["mail_enabled"]:
            return False
        since = saved["mailed_through"]
        if since is None or since > now - DIGEST_EVERY:
            return False
        claimed = await conn.fetch_val(
            saved_searches.update()
            .where(saved_searches.c.id == saved_id, saved_searches.c.mailed_through == since)
            .values(mailed_through=now)
            .returning(saved_searches.c.id)
        )
        if claimed is None:
            return False  # another instance took it
        conditions = search_form.conditions_from_query(saved["query"])
        match = search.filters(conn, conditions, today=jst_date(now)).also(
            job_postings.c.registered_at > since, job_postings.c.registered_at <= now
        )
        total, capped = await search.count(conn, match, cap=999)
        if not total:
            return False
        rows = await conn.fetch_all(
            sa.select(*search.LIST_COLUMNS)
            .where(*match.where())
            .order_by(job_postings.c.registered_at.desc(), job_postings.c.id.desc())
            .limit(DIGEST_LISTED)
        )
        listed = [
            {
                "title": r["job_title"],
                "company": r["company_name"],
                "place": catalog.prefecture_name(r["prefecture_code"]) + r["municipality"],
                "wage": postings.wage_text(r),
                "employment": catalog.EMPLOYMENT_TYPES[r["employment_type"]],
                "url": f"{base_url}/jobs/{r['job_number']}",
            }
            for r in rows
        ]
        await outbox.enqueue(
            conn,
            to=saved["email"],
            template="saved_search_digest",
            context={
                "seeker": saved["seeker"],
                "name": saved["name"],
                "summary": " / ".join(conditions.summary()),
                "total": total,
                "capped": capped,
                "postings": listed,
                "more": total - len(listed),
                "run_url": f"{base_url}/mypage/saved-searches/{saved_id}/run",
                "list_url": f"{base_url}/mypage/saved-searches",
                "since": since,
            },
            now=now,
        )
        return True
