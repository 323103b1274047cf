"""What the My Page menu shows beside its links: counts of what is new for the job-seeker.

They are read with the session, in its one query on every request (auth.service
load_session, given `count_columns` by the app): `request.state.user["counts"]`. A count
the header or a page needs goes into `count_columns`, not into a query of its own.
"""

from __future__ import annotations

import sqlalchemy as sa
from databases.core import Connection

from webapp.db import fetch_existing
from webapp.direct_requests.service import unread_count_query as unread_requests
from webapp.schema import applications, messages, notice_recipients


def count_columns(seeker_id) -> dict[str, sa.ScalarSelect]:
    """Unread 情報提供 items, messages from employers and requests from employers, each a
    scalar subquery for the job-seeker `seeker_id` (a value, or a column of the outer
    query, such as the session's seeker_id)."""
    unread_notices = (
        sa.select(sa.func.count())
        .select_from(notice_recipients)
        .where(notice_recipients.c.seeker_id == seeker_id, notice_recipients.c.read_at.is_(None))
    )
    unread_messages = (
        sa.select(sa.func.count())
        .select_from(messages.join(applications, messages.c.application_id == applications.c.id))
        .where(
            applications.c.seeker_id == seeker_id,
            messages.c.sender == "employer",
            messages.c.read_at.is_(None),
        )
    )
    return {
        "notices": unread_notices.scalar_subquery(),
        "messages": unread_messages.scalar_subquery(),
        "requests": unread_requests(seeker_id).scalar_subquery(),
    }


async def menu_counts(conn: Connection, seeker_id: int) -> dict[str, int]:
    """The counts of `count_columns` in one query, outside a request's session."""
    columns = count_columns(seeker_id)
    row = await fetch_existing(
        conn, sa.select(*(column.label(name) for name, column in columns.items()))
    )
    return {name: row[name] for name in columns}
