"""Background sender: delivers the outbox with aiosmtplib, retrying with backoff.

Rows are claimed with a lease (locked_until), so several app instances can each run a
sender against one database without sending a mail twice. An SMTP outage only delays.
"""

from __future__ import annotations

import datetime as dt
import logging
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import aiosmtplib
import sqlalchemy as sa

from webapp.clock import Clock
from webapp.db import AppDatabase
from webapp.periodic import PeriodicTask
from webapp.schema import outbox

log = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=2)
MAX_BACKOFF = dt.timedelta(hours=1)


def backoff(attempts: int) -> dt.timedelta:
    """5 s, 10 s, 20 s … capped at an hour; a mail is never given up."""
    return min(dt.timedelta(seconds=5 * 2 ** min(max(attempts - 1, 0), 12)), MAX_BACKOFF)


class SmtpTarget:
    def __init__(
        self,
        host: str,
        port: int,
        username: str = "",
        password: str = "",
        tls: str = "none",
        mail_from: str = "",
    ) -> None:
        self.host, self.port = host, port
        self.username, self.password = username or None, password or None
        self.tls, self.mail_from = tls, mail_from


class OutboxSender(PeriodicTask):
    """Delivers every due mail each round (webapp/periodic.py). wake(): mail was just queued
    (outbox.WakeSenderAfterResponse calls it after each request that queued some), so send
    soon rather than at the next poll. Soon, not at once (wake_delay):
    the request answers first, so its timing says nothing about whether a mail was queued
    (an address that matches must not answer slower than one that doesn't)."""

    name = "outbox-sender"

    def __init__(
        self,
        db: AppDatabase,
        target: SmtpTarget,
        clock: Clock,
        poll_seconds: float = 2.0,
        wake_delay: float = 0.2,
    ) -> None:
        super().__init__(poll_seconds, wake_delay)
        self.db = db
        self.clock = clock
        self.target = target

    async def run_round(self) -> None:
        while await self.deliver_one():
            pass

    async def deliver_one(self) -> bool:
        """Claim one due mail and try it. False when nothing is due."""
        now = self.clock.now()
        async with self.db.connection() as conn:
            due = (
                sa.select(outbox.c.id)
                .where(outbox.c.sent_at.is_(None), outbox.c.next_attempt_at <= now)
                .where(sa.or_(outbox.c.locked_until.is_(None), outbox.c.locked_until < now))
                .order_by(outbox.c.id)
                .limit(1)
                .scalar_subquery()
            )
            row = await conn.fetch_one(
                outbox.update()
                .where(outbox.c.id == due)
                # Checked again here: under PostgreSQL's READ COMMITTED a racing claim
                # re-evaluates this on the updated row and finds it taken.
                .where(sa.or_(outbox.c.locked_until.is_(None), outbox.c.locked_until < now))
                .values(locked_until=now + LEASE, attempts=outbox.c.attempts + 1)
                .returning(
                    outbox.c.id,
                    outbox.c.to_addr,
                    outbox.c.subject,
                    outbox.c.body,
                    outbox.c.attempts,
                )
            )
            if row is None:
                return False
            try:
                await self._send(row["to_addr"], row["subject"], row["body"])
            except (aiosmtplib.SMTPException, OSError) as error:
                log.warning("mail %s not sent (attempt %s): %s", row["id"], row["attempts"], error)
                await conn.execute(
                    outbox.update()
                    .where(outbox.c.id == row["id"])
                    .values(
                        next_attempt_at=self.clock.now() + backoff(row["attempts"]),
                        locked_until=None,
                        last_error=str(error)[:500],
                    )
                )
                return False
            await conn.execute(
                outbox.update()
                .where(outbox.c.id == row["id"])
                .values(sent_at=self.clock.now(), locked_until=None, last_error=None)
            )
            return True

    async def _send(self, to: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"] = self.target.mail_from
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = format_datetime(self.clock.now())
        message["Message-ID"] = make_msgid(domain="mypage.hellowork.invalid")
        message.set_content(body, charset="utf-8")
        await aiosmtplib.send(
            message,
            hostname=self.target.host,
            port=self.target.port,
            username=self.target.username,
            password=self.target.password,
            use_tls=self.target.tls == "tls",
            start_tls=self.target.tls == "starttls",
            timeout=15,
        )
