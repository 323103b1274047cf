"""Where the signed-in job-seeker stands with one posting, for its 求人詳細 page: お気に入り,
their application, their 紹介状, their newest 紹介希望 and the 紹介希望's message typed
before 「確認する」 and not sent (Back from its check page), in one query (one row: the
job-seeker's, each of the others joined to it or NULL)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from databases.core import Connection

from webapp.applications.drafts import REFERRAL
from webapp.db import fetch_bound
from webapp.referrals.service import RequestState
from webapp.schema import (
    applications,
    apply_drafts,
    favourites,
    job_seekers,
    referral_requests,
    referrals,
)


@dataclass(frozen=True)
class Standing:
    favourite: bool
    application: dict | None  # the applications row
    referral_state: RequestState | None  # None: signed out
    referral_draft: str | None = None  # the message of a 紹介希望 not sent yet


SIGNED_OUT = Standing(favourite=False, application=None, referral_state=None)
# (label prefix, table) of the rows read whole.
_ROWS = (("application", applications), ("referral", referrals), ("request", referral_requests))


def _query() -> sa.Select:
    """Built once, with the job-seeker and the posting as placeholders (db.fetch_bound):
    building and keying this wide statement cost more than running it."""
    seeker_id: Any = sa.bindparam("seeker_id")
    posting_id: Any = sa.bindparam("posting_id")

    def mine(table: sa.Table) -> Any:
        return sa.and_(table.c.seeker_id == job_seekers.c.id, table.c.posting_id == posting_id)

    newest_request = (
        sa.select(referral_requests.c.id)
        .where(
            referral_requests.c.seeker_id == seeker_id,
            referral_requests.c.posting_id == posting_id,
        )
        .order_by(referral_requests.c.created_at.desc(), referral_requests.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return (
        sa.select(
            favourites.c.posting_id.label("favourite"),
            apply_drafts.c.message.label("referral_draft"),
            *(
                column.label(f"{prefix}__{column.name}")
                for prefix, table in _ROWS
                for column in table.c
            ),
        )
        .select_from(
            # Each at most one row: favourites, applications and referrals are unique per
            # (seeker_id, posting_id); the request is the newest one.
            job_seekers.outerjoin(favourites, mine(favourites))
            .outerjoin(applications, mine(applications))
            .outerjoin(referrals, mine(referrals))
            .outerjoin(referral_requests, referral_requests.c.id == newest_request)
            .outerjoin(apply_drafts, sa.and_(mine(apply_drafts), apply_drafts.c.kind == REFERRAL))
        )
        .where(job_seekers.c.id == seeker_id)
    )


_QUERY = _query()
# (prefix, ((column name, its label in _QUERY), …)) of each row read whole.
_LABELS = tuple(
    (prefix, tuple((c.name, f"{prefix}__{c.name}") for c in table.c)) for prefix, table in _ROWS
)


async def standing(conn: Connection, seeker_id: int | None, posting_id: int) -> Standing:
    """SIGNED_OUT for nobody signed in."""
    if seeker_id is None:
        return SIGNED_OUT
    row = await fetch_bound(conn, _QUERY, {"seeker_id": seeker_id, "posting_id": posting_id})
    if row is None:
        return SIGNED_OUT
    found: dict[str, dict | None] = {
        prefix: {name: row[label] for name, label in labels} if row[f"{prefix}__id"] else None
        for prefix, labels in _LABELS
    }
    application = found["application"]
    return Standing(
        favourite=row["favourite"] is not None,
        application=application,
        referral_state=RequestState(
            referral=found["referral"],
            application_kind=application["kind"] if application else None,
            request=found["request"],
        ),
        referral_draft=row["referral_draft"],
    )
