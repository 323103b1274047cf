"""The durable outbox: a mail is a row written in the same transaction as its cause.

A request that queues mail wakes the sender by itself: enqueue() marks the request it runs
in, and WakeSenderAfterResponse wakes the sender once that request's response is sent. No
handler has to remember; work outside a request (the daily digest) wakes it directly.
"""

from __future__ import annotations

import contextvars
import datetime as dt

import sqlalchemy as sa
from databases.core import Connection
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.types import ASGIApp, Receive, Scope, Send

from webapp.clock import to_jst
from webapp.schema import outbox
from webapp.templating import TEMPLATES_DIR

# Plain-text mail: no HTML escaping, and a missing variable is an error, not a blank.
_env = Environment(
    loader=FileSystemLoader(str(TEMPLATES_DIR / "email")),
    autoescape=False,
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)
_env.filters["jst"] = lambda moment: to_jst(moment).strftime("%Y年%m月%d日 %H時%M分")


def render_mail(name: str, context: dict) -> tuple[str, str]:
    subject = _env.get_template(f"{name}/subject.txt").render(context).strip()
    body = _env.get_template(f"{name}/body.txt").render(context)
    return subject, body


class _RequestMail:
    """Whether the current request queued mail (mutable: set deep inside the handler, read
    by the middleware around it)."""

    queued = False


_request_mail: contextvars.ContextVar[_RequestMail | None] = contextvars.ContextVar(
    "request_mail", default=None
)


async def enqueue(
    conn: Connection, *, to: str, template: str, context: dict, now: dt.datetime
) -> int:
    """Queue a mail; call inside the transaction of the change that causes it."""
    subject, body = render_mail(template, context)
    mail_id = await conn.fetch_val(
        outbox.insert()
        .values(
            to_addr=to, subject=subject, body=body, created_at=now, next_attempt_at=now, attempts=0
        )
        .returning(outbox.c.id)
    )
    request_mail = _request_mail.get()
    if request_mail is not None:
        # A rolled-back transaction leaves a wake-up for nothing: the sender finds no row.
        request_mail.queued = True
    return mail_id


class WakeSenderAfterResponse:
    """Around each HTTP request: when it queued mail, wake the sender (app.state.wake_outbox)
    once, after the response has been sent (or the handler failed: mail it committed goes
    out all the same)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        request_mail = _RequestMail()
        token = _request_mail.set(request_mail)
        try:
            await self.app(scope, receive, send)
        finally:
            _request_mail.reset(token)
            if request_mail.queued:
                scope["app"].state.wake_outbox()


async def enqueue_nothing(
    conn: Connection, *, template: str, context: dict, now: dt.datetime
) -> None:
    """The same work as enqueue() — render, one INSERT round trip — writing no row: for the
    path where no mail may go out but the answer must take as long as when one does."""
    subject, body = render_mail(template, context)
    nothing = sa.select(
        sa.literal("nobody"),
        sa.literal(subject),
        sa.literal(body),
        sa.literal(now),
        sa.literal(now),
        sa.literal(0),
    ).where(sa.false())
    await conn.execute(
        outbox.insert().from_select(
            ["to_addr", "subject", "body", "created_at", "next_attempt_at", "attempts"], nothing
        )
    )


_UNSENT = (outbox.c.sent_at.is_(None), outbox.c.failed_at.is_(None))


async def pending_count(conn: Connection) -> int:
    """Mail still to go (due now or backing off); failed mail is not counted."""
    return await conn.fetch_val(sa.select(sa.func.count()).select_from(outbox).where(*_UNSENT))


# --- for operators: python -m webapp outbox --------------------------------------------


def mask_address(address: str) -> str:
    """t***@example.com: the domain tells an operator where it went, the rest stays private."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


async def counts(conn: Connection, *, since: dt.datetime) -> dict[str, int]:
    """Waiting (due or backing off), failed, and sent since `since` (the start of today)."""
    count = sa.select(sa.func.count()).select_from(outbox)
    return {
        "waiting": await conn.fetch_val(count.where(*_UNSENT)),
        "failed": await conn.fetch_val(count.where(outbox.c.failed_at.is_not(None))),
        "sent": await conn.fetch_val(count.where(outbox.c.sent_at >= since)),
    }


async def failed(conn: Connection, limit: int = 100) -> list:
    """The failed mails, newest failure first: id, address, subject, attempts, reason."""
    return await conn.fetch_all(
        sa.select(
            outbox.c.id,
            outbox.c.to_addr,
            outbox.c.subject,
            outbox.c.attempts,
            outbox.c.failed_at,
            outbox.c.last_error,
        )
        .where(outbox.c.failed_at.is_not(None))
        .order_by(outbox.c.failed_at.desc(), outbox.c.id.desc())
        .limit(limit)
    )


class NotSettled(ValueError):
    """`retry` or `drop` refused: the message says why (for the operator's terminal)."""


async def _settle(conn: Connection, statement, mail_id: int, now: dt.datetime) -> None:
    """Run `statement` (an UPDATE or DELETE of outbox) on one unsent mail that no sender is
    trying at this moment; raise NotSettled saying why not otherwise."""
    free = sa.or_(outbox.c.locked_until.is_(None), outbox.c.locked_until < now)
    done = await conn.fetch_all(
        statement.where(outbox.c.id == mail_id, outbox.c.sent_at.is_(None), free).returning(
            outbox.c.id
        )
    )
    if done:
        return
    row = await conn.fetch_one(sa.select(outbox.c.sent_at).where(outbox.c.id == mail_id))
    if row is None:
        raise NotSettled(f"mail {mail_id} is not in the outbox")
    if row["sent_at"] is not None:
        raise NotSettled(f"mail {mail_id} was sent already")
    raise NotSettled(f"mail {mail_id} is being sent right now; try again in a few minutes")


async def retry(conn: Connection, mail_id: int, *, now: dt.datetime) -> None:
    """Send an unsent mail (failed, or backing off) at the sender's next round, with its
    attempts counted afresh. Raises NotSettled."""
    await _settle(
        conn,
        outbox.update().values(failed_at=None, attempts=0, next_attempt_at=now),
        mail_id,
        now,
    )


async def drop(conn: Connection, mail_id: int, *, now: dt.datetime) -> None:
    """Delete an unsent mail for good (a sent one stays: it is the record of what went
    out). Raises NotSettled."""
    await _settle(conn, outbox.delete(), mail_id, now)
