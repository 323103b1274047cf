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


async def pending_count(conn: Connection) -> int:
    return await conn.fetch_val(
        sa.select(sa.func.count()).select_from(outbox).where(outbox.c.sent_at.is_(None))
    )


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
