"""What is new for the job-seeker: the counts beside the header's menu and My Page's links."""

from __future__ import annotations

import sqlalchemy as sa
from databases.core import Connection

from webapp.direct_requests.service import unread_requests_where
from webapp.schema import applications, direct_requests, messages, notice_recipients


def _count(table, *where) -> sa.ScalarSelect:
    return sa.select(sa.func.count()).select_from(table).where(*where).scalar_subquery()


async def menu_counts(conn: Connection, seeker_id: int) -> dict[str, int]:
    """Unread 情報提供 items, messages from employers and requests from employers: one
    statement (three scalar subqueries, each on an indexed seeker column), since the header
    shows them on every signed-in page."""
    row = await conn.fetch_one(
        sa.select(
            _count(
                notice_recipients,
                notice_recipients.c.seeker_id == seeker_id,
                notice_recipients.c.read_at.is_(None),
            ).label("notices"),
            _count(
                messages.join(applications, messages.c.application_id == applications.c.id),
                applications.c.seeker_id == seeker_id,
                messages.c.sender == "employer",
                messages.c.read_at.is_(None),
            ).label("messages"),
            _count(direct_requests, *unread_requests_where(seeker_id)).label("requests"),
        )
    )
    assert row is not None
    return {name: int(row[name] or 0) for name in ("notices", "messages", "requests")}
