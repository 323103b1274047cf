"""The employer's home: what is new for this 事業所."""

from __future__ import annotations

import sqlalchemy as sa
from databases.core import Connection

from webapp.schema import applications, job_postings, messages


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
