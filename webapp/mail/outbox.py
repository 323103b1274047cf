"""The durable outbox: a mail is a row written in the same transaction as its cause."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from databases.core import Connection
from jinja2 import Environment, FileSystemLoader, StrictUndefined

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


async def enqueue(
    conn: Connection, *, to: str, template: str, context: dict, now: dt.datetime
) -> int:
    """Queue a mail; call inside the transaction of the change that causes it."""
    subject, body = render_mail(template, context)
    return await conn.fetch_val(
        outbox.insert()
        .values(
            to_addr=to, subject=subject, body=body, created_at=now, next_attempt_at=now, attempts=0
        )
        .returning(outbox.c.id)
    )


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
