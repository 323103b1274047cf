"""What an employer user may touch: their own 事業所's postings and the applications to them.

Anything else answers exactly like something that does not exist (404).
"""

from __future__ import annotations

import sqlalchemy as sa
from databases.core import Connection
from starlette.exceptions import HTTPException

from webapp.postings import online
from webapp.schema import applications, job_postings


async def posting_for_employer(conn: Connection, member, posting_id: int):
    """The posting row if it belongs to this member's 事業所 (with `accepts_online`, as
    job-seekers see it); else 404."""
    row = await conn.fetch_one(
        sa.select(job_postings, online.column()).where(
            job_postings.c.id == posting_id, job_postings.c.employer_id == member["employer_id"]
        )
    )
    if row is None:
        raise HTTPException(404)
    return row


async def application_for_employer(conn: Connection, member, application_id: int):
    """The application row if it was made to one of this 事業所's postings; else 404."""
    row = await conn.fetch_one(
        sa.select(applications)
        .select_from(
            applications.join(job_postings, applications.c.posting_id == job_postings.c.id)
        )
        .where(
            applications.c.id == application_id,
            job_postings.c.employer_id == member["employer_id"],
        )
    )
    if row is None:
        raise HTTPException(404)
    return row
