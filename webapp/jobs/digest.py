"""The daily mail of new postings matching a saved search (検索条件の新着求人メール).

Each saved search with mail switched on has a cursor, mailed_through: postings registered
up to it were already considered. Once a day has passed, one run claims the search by
moving the cursor with a compare-and-set UPDATE, and queues the mail in the same
transaction: several app instances (or the CLI beside a server) never send one twice,
and a crash before commit leaves the search to be claimed again.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging

import sqlalchemy as sa

from webapp.clock import Clock
from webapp.db import AppDatabase
from webapp.jobs import forms, search
from webapp.mail import outbox
from webapp.postings import catalog
from webapp.postings import service as postings
from webapp.schema import job_postings, job_seekers, saved_searches
from webapp.seekers import validity

log = logging.getLogger(__name__)

INTERVAL = dt.timedelta(days=1)
LISTED = 10  # postings written out in one mail; the rest are counted
POLL_SECONDS = 600.0


async def run_once(db: AppDatabase, clock: Clock, base_url: str) -> int:
    """Send every due digest once; returns how many mails were queued."""
    now = clock.now()
    async with db.connection() as conn:
        due = await conn.fetch_all(
            sa.select(saved_searches.c.id)
            .where(
                saved_searches.c.mail_enabled.is_(True),
                saved_searches.c.mailed_through <= now - INTERVAL,
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
        if since is None or since > now - INTERVAL:
            return False
        claimed = await conn.fetch_val(
            saved_searches.update()
            .where(saved_searches.c.id == saved_id, saved_searches.c.mailed_through == since)
            .values(mailed_through=now)
            .returning(saved_searches.c.id)
        )
        if claimed is None:
            return False  # another instance took it
        conditions = forms.conditions_from_query(saved["query"])
        match = search.filters(conn, conditions, today=search.jst_today(now)).also(
            job_postings.c.registered_at > since, job_postings.c.registered_at <= now
        )
        total, capped = await search.count(conn, match, cap=999)
        if not total:
            return False
        rows = await conn.fetch_all(
            sa.select(*search.LIST_COLUMNS)
            .where(*match.where())
            .order_by(job_postings.c.registered_at.desc(), job_postings.c.id.desc())
            .limit(LISTED)
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


class DigestTask:
    """Runs run_once every POLL_SECONDS in the app's lifespan."""

    def __init__(self, app_state, poll_seconds: float = POLL_SECONDS) -> None:
        self.state = app_state
        self.poll_seconds = poll_seconds
        self._task: asyncio.Task | None = None
        self._stop = asyncio.Event()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="saved-search-digest")

    async def stop(self) -> None:
        self._stop.set()
        if self._task:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while not self._stop.is_set():
            try:
                base_url = self.state.settings.base_url
                digests = await run_once(self.state.db, self.state.clock, base_url)
                # The 7-day lapse reminder of 求職登録 shares this daily round.
                reminders = await validity.remind_once(self.state.db, self.state.clock, base_url)
                if digests or reminders:
                    self.state.wake_outbox()
            except asyncio.CancelledError:
                raise
            except Exception:  # the database may be briefly away: try next round
                log.exception("saved-search digest round failed")
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.poll_seconds):
                    await self._stop.wait()
