"""What a staff member may touch: the job-seekers of their own office (安定所).

A job-seeker of another office answers exactly like one that does not exist (404), so a
refusal tells nothing about who is registered where.
"""

from __future__ import annotations

import sqlalchemy as sa
from databases.core import Connection
from starlette.exceptions import HTTPException

from webapp.schema import job_seekers
from webapp.security import capabilities


async def seeker_for_staff(conn: Connection, member, seeker_id: int):
    """The job-seeker row if this staff member's office registered them; else 404."""
    row = await conn.fetch_one(
        sa.select(job_seekers).where(
            job_seekers.c.id == seeker_id,
            job_seekers.c.office_id == member["office_id"],
            # Someone still filling in the online 求職申込書 is nobody's yet.
            job_seekers.c.status != capabilities.APPLYING,
        )
    )
    if row is None:
        raise HTTPException(404)
    return row
