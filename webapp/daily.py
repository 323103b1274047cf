"""The daily round: the mails that fall due with the date, not with a request.

Two kinds today, each owned by its area and safe to run on several instances at once:
saved searches' mails of new postings (webapp/jobs/saved_searches.py) and the 7-day
reminder before a registration lapses (webapp/seekers/validity.py). It also sweeps the
rate-limit rows older than any limit's window, and the application drafts given up
(webapp/applications/drafts.py). The server runs the round in its lifespan
(DailyRound); `python -m webapp digest` runs it once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from webapp.applications import drafts
from webapp.clock import Clock
from webapp.db import AppDatabase
from webapp.jobs import saved_searches
from webapp.periodic import PeriodicTask
from webapp.security import rate_limit
from webapp.seekers import validity

# Each mail falls due once a day at most; polling every 10 minutes sends it within
# 10 minutes of falling due and costs two small queries.
POLL_SECONDS = 600.0


@dataclass(frozen=True)
class Queued:
    """How many mails one round queued, of each kind."""

    digests: int
    reminders: int


async def run_once(db: AppDatabase, clock: Clock, base_url: str) -> Queued:
    """Queue every mail that is due; the outbox sender delivers them. Also drops the
    rate-limit rows that no limit counts any more and the drafts given up."""
    async with db.connection() as conn:
        await rate_limit.sweep(conn, clock.now())
        await drafts.sweep(conn, clock.now())
    return Queued(
        digests=await saved_searches.queue_digests(db, clock, base_url),
        reminders=await validity.remind_once(db, clock, base_url),
    )


class DailyRound(PeriodicTask):
    """run_once every POLL_SECONDS in the app's lifespan, waking the sender when it queued."""

    name = "daily-round"

    def __init__(
        self,
        db: AppDatabase,
        clock: Clock,
        base_url: str,
        wake_outbox: Callable[[], None],
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        super().__init__(poll_seconds)
        self.db, self.clock, self.base_url = db, clock, base_url
        self.wake_outbox = wake_outbox

    async def run_round(self) -> None:
        queued = await run_once(self.db, self.clock, self.base_url)
        if queued.digests or queued.reminders:
            self.wake_outbox()
