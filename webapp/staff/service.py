"""The staff console's home: what waits for this office."""

from __future__ import annotations

import sqlalchemy as sa
from databases.core import Connection

from webapp.schema import job_postings, job_seekers, offices, referral_requests
from webapp.security import capabilities


async def menu_counts(conn: Connection, office_id: int) -> dict[str, int]:
    """Referral requests waiting from this office's job-seekers; postings awaiting review."""
    waiting = await conn.fetch_val(
        sa.select(sa.func.count())
        .select_from(
            referral_requests.join(job_seekers, referral_requests.c.seeker_id == job_seekers.c.id)
        )
        .where(referral_requests.c.state == "pending", job_seekers.c.office_id == office_id)
    )
    to_review = await conn.fetch_val(
        sa.select(sa.func.count())
        .select_from(job_postings.join(offices, offices.c.code == job_postings.c.office_code))
        .where(job_postings.c.status == "pending", offices.c.id == office_id)
    )
    online = await conn.fetch_val(
        sa.select(sa.func.count())
        .select_from(job_seekers)
        .where(
            job_seekers.c.office_id == office_id,
            job_seekers.c.registration_kind == capabilities.ONLINE,
            job_seekers.c.status != capabilities.APPLYING,
        )
    )
    return {"referral_requests": waiting, "postings_to_review": to_review, "online": online}
