"""Background sender: delivers the outbox with aiosmtplib, retrying with backoff.

Rows are claimed with a lease (locked_until), so several app instances can each run a
sender against one database without sending a mail twice. An SMTP outage only delays.

No one mail can hold up the others: each is tried on its own schedule, and a failure ends
that mail's try, never the round. A mail that can never go (it cannot be built, or the
server refuses it for good with a 5xx) is marked failed at once with its reason; one the
server keeps deferring (4xx, no connection) backs off, and is failed after `max_attempts`
tries. Failed mail is never retried by itself: `python -m webapp outbox` lists it, and
`retry` or `drop` settle it.
"""

from __future__ import annotations

import datetime as dt
import email.errors
import logging
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import aiosmtplib
import sqlalchemy as sa
from aiosmtplib.email import flatten_message, parse_address

from webapp.clock import Clock
from webapp.db import AppDatabase
from webapp.mail.outbox import mask_address
from webapp.periodic import PeriodicTask
from webapp.schema import outbox

log = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=2)
MAX_BACKOFF = dt.timedelta(hours=1)
MAX_ATTEMPTS = 48  # config.Settings.outbox_max_attempts
ERROR_MAX = 500  # characters of a reason kept in last_error

# Refusals about the server or our own settings (the greeting, HELO, AUTH, the sender
# address), not about this mail: every mail would meet them, so they are waited out like
# an outage, never held against the mail.
_SERVER_SIDE = (
    aiosmtplib.SMTPConnectResponseError,
    aiosmtplib.SMTPHeloError,
    aiosmtplib.SMTPAuthenticationError,
    aiosmtplib.SMTPSenderRefused,
)
# What building a message raises for a value no header can carry.
_UNBUILDABLE = (ValueError, TypeError, email.errors.MessageError)


def backoff(attempts: int) -> dt.timedelta:
    """5 s, 10 s, 20 s … capped at an hour."""
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


class Unbuildable(Exception):
    """The row cannot become a mail (a line break in its subject, say): trying again
    would fail the same way."""


def refused_for_good(error: Exception) -> bool:
    """Whether the server's answer means this mail will never be accepted (5xx)."""
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        return bool(error.recipients) and all(r.code >= 500 for r in error.recipients)
    if isinstance(error, _SERVER_SIDE):
        return False
    return isinstance(error, aiosmtplib.SMTPResponseException) and error.code >= 500


def describe(error: Exception) -> str:
    """The reason kept in last_error and logged: the server's code and words, or what
    could not be built (never the mail's body)."""
    if isinstance(error, Unbuildable):
        return str(error)[:ERROR_MAX]
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        text = "; ".join(f"{r.code} {r.message}" for r in error.recipients)
        return f"recipient refused: {text}"[:ERROR_MAX]
    if isinstance(error, aiosmtplib.SMTPResponseException):
        return f"{type(error).__name__}: {error.code} {error.message}"[:ERROR_MAX]
    return f"{type(error).__name__}: {error}"[:ERROR_MAX]


def _logged(row, reason: str) -> str:
    """The reason as logged: the address masked where the server's answer repeats it."""
    return reason.replace(row["to_addr"], mask_address(row["to_addr"]))


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
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        super().__init__(poll_seconds, wake_delay)
        self.db = db
        self.clock = clock
        self.target = target
        self.max_attempts = max(max_attempts, 1)

    async def run_round(self) -> None:
        """Every mail due now, each tried once: whatever happens to one, the next follows
        (a deferred one is due again only after its backoff, so the round ends)."""
        while not self._stopping and await self.deliver_one():
            pass

    async def deliver_one(self) -> bool:
        """Claim one due mail and try it. False when nothing is due."""
        now = self.clock.now()
        async with self.db.connection() as conn:
            claimable = sa.or_(outbox.c.locked_until.is_(None), outbox.c.locked_until < now)
            due = (
                sa.select(outbox.c.id)
                .where(outbox.c.sent_at.is_(None), outbox.c.failed_at.is_(None))
                .where(outbox.c.next_attempt_at <= now, claimable)
                .order_by(outbox.c.id)
                .limit(1)
                .scalar_subquery()
            )
            row = await conn.fetch_one(
                outbox.update()
                .where(outbox.c.id == due)
                # Checked again here: under PostgreSQL's READ COMMITTED a racing claim
                # re-evaluates this on the updated row and finds it taken.
                .where(claimable)
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
            if row["attempts"] > self.max_attempts:
                # Claimed before and never settled (the process died while sending it):
                # its tries are used up.
                await self._fail(conn, row, "gave up: the attempts ran out while sending")
                return True
            try:
                message = self._build(row["to_addr"], row["subject"], row["body"])
                await self._send(message)
            except Unbuildable as error:
                await self._fail(conn, row, describe(error))
            except (aiosmtplib.SMTPException, OSError) as error:
                if refused_for_good(error):
                    await self._fail(conn, row, describe(error))
                else:
                    await self._defer(conn, row, describe(error))
            except Exception as error:  # a bug must not leave the row leased for ever
                log.exception("mail %s: unexpected error while sending", row["id"])
                await self._defer(conn, row, describe(error))
            else:
                await conn.execute(
                    outbox.update()
                    .where(outbox.c.id == row["id"])
                    .values(sent_at=self.clock.now(), locked_until=None, last_error=None)
                )
            return True

    async def _defer(self, conn, row, reason: str) -> None:
        """A try that may work later: back off, or give up after max_attempts."""
        if row["attempts"] >= self.max_attempts:
            await self._fail(conn, row, f"gave up after {row['attempts']} attempts: {reason}")
            return
        log.warning(
            "mail %s not sent (attempt %s): %s", row["id"], row["attempts"], _logged(row, reason)
        )
        await conn.execute(
            outbox.update()
            .where(outbox.c.id == row["id"])
            .values(
                next_attempt_at=self.clock.now() + backoff(row["attempts"]),
                locked_until=None,
                last_error=reason[:ERROR_MAX],
            )
        )

    async def _fail(self, conn, row, reason: str) -> None:
        log.warning("mail %s failed, not retried: %s", row["id"], _logged(row, reason))
        await conn.execute(
            outbox.update()
            .where(outbox.c.id == row["id"])
            .values(failed_at=self.clock.now(), locked_until=None, last_error=reason[:ERROR_MAX])
        )

    def _build(self, to: str, subject: str, body: str) -> EmailMessage:
        """The message, flattened once here so that anything no header can carry (a line
        break in the subject, a stray character in the address) shows now, as Unbuildable,
        rather than as an error of the send."""
        try:
            message = EmailMessage()
            message["From"] = self.target.mail_from
            message["To"] = to
            message["Subject"] = subject
            message["Date"] = format_datetime(self.clock.now())
            message["Message-ID"] = make_msgid(domain="mypage.hellowork.invalid")
            message.set_content(body, charset="utf-8")
            parse_address(to)
            flatten_message(message)
        except _UNBUILDABLE as error:
            raise Unbuildable(
                f"cannot build the message: {type(error).__name__}: {error}"
            ) from None
        return message

    async def _send(self, message: EmailMessage) -> None:
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
