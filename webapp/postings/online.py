"""オンライン自主応募: the one rule of whether a posting takes it, as one SQL expression.

A posting takes オンライン自主応募 when its 求人票 says so (`online_application`, the
employer's choice) **and** its 事業所 has a 求人者マイページ: an employer account with at
least one active user, who can receive the application. A flag on a posting nobody could
receive would promise what the 応募 button then refuses.

Every reader asks this expression and nothing else: the search filter オンライン自主応募可,
the tag on a result and on the posting, the line 「オンライン自主応募: 受け付けています」,
the apply button and the apply handler (webapp/applications). Rows carry it as
`accepts_online` (COLUMN); a WHERE uses `accepts_online()`.
"""

from __future__ import annotations

import sqlalchemy as sa

from webapp.auth.roles import EMPLOYER
from webapp.schema import job_postings, members


def has_employer_account():
    """The posting's 事業所 has a 求人者マイページ: an active employer user (found through
    ix_members_employer)."""
    return (
        sa.exists()
        .where(
            members.c.employer_id == job_postings.c.employer_id,
            members.c.role == EMPLOYER,
            members.c.active.is_(True),
        )
        .correlate(job_postings)
    )


def accepts_online():
    """The rule as a WHERE clause on job_postings."""
    return sa.and_(job_postings.c.online_application.is_(True), has_employer_account())


def column():
    """The rule as a column of a posting's row, named `accepts_online` (True / False)."""
    return sa.case((accepts_online(), sa.true()), else_=sa.false()).label("accepts_online")
