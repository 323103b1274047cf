"""The employer's home: what is new for this 事業所."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from databases.core import Connection

from webapp.mail import outbox
from webapp.schema import applications, job_postings, members, messages


async def menu_counts(conn: Connection, employer_id: int) -> dict[str, int]:
    """Unread messages from applicants to this 事業所's postings."""
    unread = await conn.fetch_val(
        sa.select(sa.func.count())
        .select_from(
            messages.join(applications, messages.c.application_id == applications.c.id).join(
                job_postings, applications.c.posting_id == job_postings.c.id
            )
        )
        .where(
            job_postings.c.employer_id == employer_id,
            messages.c.sender == "seeker",
            messages.c.read_at.is_(None),
        )
    )
    return {"messages": unread}


async def mail_users(
    conn: Connection, employer_id: int, *, template: str, context: dict, now: dt.datetime
) -> None:
    """One mail to each active user of the 事業所, through the outbox: call it inside the
    transaction of the change it tells them about."""
    users = await conn.fetch_all(
        sa.select(members.c.name, members.c.email)
        .where(
            members.c.employer_id == employer_id,
            members.c.role == "employer",
            members.c.active.is_(True),
        )
        .order_by(members.c.id)
    )
    for user in users:
        await outbox.enqueue(
            conn,
            to=user["email"],
            template=template,
            context={"name": user["name"], **context},
            now=now,
        )
