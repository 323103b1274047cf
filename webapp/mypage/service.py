"""What the My Page menu shows beside its links: counts of what is new for the job-seeker."""

from __future__ import annotations

import sqlalchemy as sa
from databases.core import Connection

from webapp.direct_requests.service import unread_count as unread_requests
from webapp.schema import applications, messages, notice_recipients


async def menu_counts(conn: Connection, seeker_id: int) -> dict[str, int]:
    """Unread 情報提供 items, messages from employers and requests from employers."""
    unread_notices = await conn.fetch_val(
        sa.select(sa.func.count())
        .select_from(notice_recipients)
        .where(notice_recipients.c.seeker_id == seeker_id, notice_recipients.c.read_at.is_(None))
    )
    unread_messages = await conn.fetch_val(
        sa.select(sa.func.count())
        .select_from(messages.join(applications, messages.c.application_id == applications.c.id))
        .where(
            applications.c.seeker_id == seeker_id,
            messages.c.sender == "employer",
            messages.c.read_at.is_(None),
        )
    )
    return {
        "notices": unread_notices,
        "messages": unread_messages,
        "requests": await unread_requests(conn, seeker_id),
    }
