"""求人者からのリクエスト: the employer's search of published profiles and the sending of
a posting; the job-seeker's inbox, 辞退 and ブロック.

Rules, as in the real service: one posting goes to at most LIMIT_PER_POSTING job-seekers,
and a job-seeker receives a posting at most once (a unique constraint, too). An employer
sees and reaches only profiles visible to it (publishing.service.visible_to).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from databases.core import Connection

from webapp.clock import jst_date
from webapp.db import fetch_existing, is_unique_violation
from webapp.direct_requests.forms import ProfileSearch
from webapp.mail import outbox
from webapp.postings import catalog
from webapp.publishing import service as publishing
from webapp.publishing.service import PROFILE_JOIN, PUBLIC_COLUMNS, ProfileView
from webapp.schema import (
    applications,
    direct_requests,
    employer_blocks,
    employers,
    job_postings,
    job_seekers,
    members,
    seeker_profiles,
)

LIMIT_PER_POSTING = 10
PAGE_SIZE = 20

SENT, DECLINED, APPLIED = "sent", "declined", "applied"
STATE_LABELS = {SENT: "未回答", DECLINED: "辞退済み", APPLIED: "応募済み"}


def _answered_by_application():
    """SQL join condition: the job-seeker's application to the request's posting."""
    return sa.and_(
        applications.c.seeker_id == direct_requests.c.seeker_id,
        applications.c.posting_id == direct_requests.c.posting_id,
    )


def _with_answer(row) -> dict:
    """The row with the request's state as the job-seeker answered it: an application to
    the posting answers it, whether or not the stored state caught up yet."""
    state = APPLIED if row["application_id"] else row["state"]
    return {**row._mapping, "state": state, "state_label": STATE_LABELS[state]}


class RequestRefused(Exception):
    """A request that may not be sent; `field` is where the form shows the message."""

    field = "posting_id"
    message = ""

    def __str__(self) -> str:
        return self.message


class ProfileNotVisible(RequestRefused):
    """Not found, unpublished, 無効, lapsed or blocked: all answered alike."""

    message = "この求職情報は見つかりません。公開が停止されたか、公開番号が正しくありません。"


class PostingNotSendable(RequestRefused):
    message = "送信できる求人（自社の募集中の求人）を一覧から選んでください。"


class AlreadySent(RequestRefused):
    message = (
        "この求職者には、この求人を既に送信しています。"
        "同じ求人を同じ求職者に送信できるのは1回までです。"
    )


class LimitReached(RequestRefused):
    message = (
        f"この求人は既に{LIMIT_PER_POSTING}人に送信しています。"
        f"1つの求人を送信できるのは{LIMIT_PER_POSTING}人までです。"
    )


# ---------------------------------------------------------------------------------------
# Employer side


@dataclass
class SearchPage:
    views: list[ProfileView]
    total: int
    page: int
    pages: int


def _search_clauses(search: ProfileSearch) -> list:
    """A filter on a part matches only profiles that publish that part: searching on what
    is hidden would reveal it."""
    clauses = []
    if search.occupation or search.prefecture or search.employment_type:
        clauses.append(publishing.shows_part("desired"))
    if search.occupation:
        clauses.append(
            sa.or_(
                job_seekers.c.desired_occupation == search.occupation,
                seeker_profiles.c.desired_occupation_2 == search.occupation,
                seeker_profiles.c.desired_occupation_3 == search.occupation,
            )
        )
    if search.prefecture:
        clauses.append(job_seekers.c.desired_prefecture == search.prefecture)
        if search.municipality:
            clauses.append(
                publishing.containing(job_seekers.c.desired_municipality, search.municipality)
            )
    if search.employment_type:
        clauses.append(job_seekers.c.desired_employment_type == search.employment_type)
    if search.license:
        clauses.append(publishing.shows_part("licenses"))
        clauses.append(publishing.containing(seeker_profiles.c.licenses, search.license))
    return clauses


async def search_profiles(
    conn: Connection, employer_id: int, search: ProfileSearch, *, today: dt.date
) -> SearchPage:
    """Visible profiles matching the filters, newest update first, one page of them."""
    where = [publishing.visible_to(employer_id, today), *_search_clauses(search)]
    total = await conn.fetch_val(sa.select(sa.func.count()).select_from(PROFILE_JOIN).where(*where))
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(search.page, pages)
    rows = await conn.fetch_all(
        sa.select(*PUBLIC_COLUMNS)
        .select_from(PROFILE_JOIN)
        .where(*where)
        .order_by(seeker_profiles.c.updated_at.desc(), job_seekers.c.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    return SearchPage(await publishing.views(conn, rows, today), total, page, pages)


def _sent_count():
    return (
        sa.select(sa.func.count())
        .select_from(direct_requests)
        .where(direct_requests.c.posting_id == job_postings.c.id)
        .scalar_subquery()
    )


async def sendable_postings(
    conn: Connection, employer_id: int, seeker_id: int, *, today: dt.date
) -> list[dict]:
    """The employer's open postings (紹介期限日 not passed), each with how many job-seekers
    it went to and whether this one already has it."""
    already = (
        sa.select(sa.func.count())
        .select_from(direct_requests)
        .where(
            direct_requests.c.posting_id == job_postings.c.id,
            direct_requests.c.seeker_id == seeker_id,
        )
        .scalar_subquery()
    )
    rows = await conn.fetch_all(
        sa.select(
            job_postings.c.id,
            job_postings.c.job_number,
            job_postings.c.job_title,
            _sent_count().label("sent_count"),
            already.label("already"),
        )
        .where(
            job_postings.c.employer_id == employer_id,
            job_postings.c.status == catalog.STATUS_OPEN,
            job_postings.c.referral_deadline >= today,
        )
        .order_by(job_postings.c.received_on.desc(), job_postings.c.id.desc())
    )
    return [
        {
            **row._mapping,
            "full": row["sent_count"] >= LIMIT_PER_POSTING,
            "already": bool(row["already"]),
        }
        for row in rows
    ]


async def send(
    conn: Connection,
    member,
    *,
    publish_number: str,
    posting_id: int,
    message: str,
    now: dt.datetime,
    base_url: str,
) -> int:
    """Send the posting to the profile; returns the request id, or raises RequestRefused.

    The checks and the insert run in one transaction that holds the posting: BEGIN
    IMMEDIATE on SQLite, the posting row locked FOR UPDATE on PostgreSQL, so two employer
    users sending the same posting at once cannot pass the limit together.
    """
    today = jst_date(now)
    employer_id = member["employer_id"]
    async with conn.transaction():
        posting = await conn.fetch_one(
            sa.select(job_postings.c.id)
            .where(
                job_postings.c.id == posting_id,
                job_postings.c.employer_id == employer_id,
                job_postings.c.status == catalog.STATUS_OPEN,
                job_postings.c.referral_deadline >= today,
            )
            .with_for_update()
        )
        if posting is None:
            raise PostingNotSendable
        profile = await publishing.visible_profile(conn, publish_number, employer_id, today)
        if profile is None:
            raise ProfileNotVisible
        seeker_id = profile["seeker_id"]
        sent_to = direct_requests.c.posting_id == posting_id
        already = await conn.fetch_val(
            sa.select(sa.func.count())
            .select_from(direct_requests)
            .where(sent_to, direct_requests.c.seeker_id == seeker_id)
        )
        if already:
            raise AlreadySent
        total = await conn.fetch_val(
            sa.select(sa.func.count()).select_from(direct_requests).where(sent_to)
        )
        if total >= LIMIT_PER_POSTING:
            raise LimitReached
        try:
            request_id = await conn.fetch_val(
                direct_requests.insert()
                .values(
                    employer_id=employer_id,
                    member_id=member["id"],
                    posting_id=posting_id,
                    seeker_id=seeker_id,
                    message=message,
                    state=SENT,
                    created_at=now,
                )
                .returning(direct_requests.c.id)
            )
        except Exception as error:
            if not is_unique_violation(error):  # a racing duplicate
                raise
            raise AlreadySent from error
        seeker = await fetch_existing(
            conn,
            sa.select(job_seekers.c.name, job_seekers.c.email, job_seekers.c.mail_requests).where(
                job_seekers.c.id == seeker_id
            ),
        )
        if seeker["mail_requests"]:
            # No employer name or message in the mail: only that a request arrived, and where.
            await outbox.enqueue(
                conn,
                to=seeker["email"],
                template="direct_request",
                context={"name": seeker["name"], "url": f"{base_url}/mypage/requests"},
                now=now,
            )
    return request_id


SENT_LIST_LIMIT = 200


async def sent_by_employer(
    conn: Connection, employer_id: int, *, today: dt.date, limit: int = SENT_LIST_LIMIT
) -> tuple[list[dict], bool]:
    """送信したリクエスト: the employer's newest `limit` requests, each with its answer, and
    whether there are more.

    The 公開番号 is given only while the profile is visible to this employer: after the
    job-seeker stops publishing, becomes 無効 or blocks the employer, the row says only
    that it is not published, the same for each reason (a block is never revealed).
    """
    r = direct_requests.c
    rows = await conn.fetch_all(
        sa.select(
            r.id,
            r.posting_id,
            r.message,
            r.state,
            r.created_at,
            r.decided_at,
            job_postings.c.job_number,
            job_postings.c.job_title,
            members.c.name.label("sender_name"),
            sa.case(
                (publishing.visible_to(employer_id, today), seeker_profiles.c.publish_number),
                else_=None,
            ).label("publish_number"),
            applications.c.id.label("application_id"),
        )
        .select_from(
            direct_requests.join(job_postings, job_postings.c.id == r.posting_id)
            .join(job_seekers, job_seekers.c.id == r.seeker_id)
            .outerjoin(seeker_profiles, seeker_profiles.c.seeker_id == r.seeker_id)
            .outerjoin(members, members.c.id == r.member_id)
            .outerjoin(applications, _answered_by_application())
        )
        .where(r.employer_id == employer_id)
        .order_by(r.created_at.desc(), r.id.desc())
        .limit(limit + 1)
    )
    return [_with_answer(row) for row in rows[:limit]], len(rows) > limit


# ---------------------------------------------------------------------------------------
# Job-seeker side


def _not_blocked(seeker_id):
    """SQL: the request's employer is not blocked by the job-seeker (its requests hide)."""
    return ~sa.exists().where(
        employer_blocks.c.seeker_id == seeker_id,
        employer_blocks.c.employer_id == direct_requests.c.employer_id,
    )


def unread_requests_where(seeker_id) -> tuple:
    """SQL: requests the job-seeker has not opened yet, from employers not blocked (the
    header's and My Page menu's count, webapp.mypage.service)."""
    return (
        direct_requests.c.seeker_id == seeker_id,
        direct_requests.c.read_at.is_(None),
        _not_blocked(seeker_id),
    )


def unread_count_query(seeker_id) -> sa.Select:
    """SQL: how many requests the job-seeker `seeker_id` (a value, or a column of an outer
    query) has not opened yet (the header's and My Page menu's count)."""
    return (
        sa.select(sa.func.count())
        .select_from(direct_requests)
        .where(*unread_requests_where(seeker_id))
    )


async def unread_count(conn: Connection, seeker_id: int) -> int:
    """Requests the job-seeker has not opened yet (for the My Page menu's badge)."""
    return await conn.fetch_val(unread_count_query(seeker_id))


async def inbox(conn: Connection, seeker_id: int, *, now: dt.datetime) -> list[dict]:
    """The requests received, newest first, from employers not blocked. Opening the list
    marks them read (each item keeps `unread` for this showing), and a request whose
    posting the job-seeker has since applied to becomes 応募済み."""
    today = jst_date(now)
    r = direct_requests.c
    rows = await conn.fetch_all(
        sa.select(
            r.id,
            r.employer_id,
            r.posting_id,
            r.message,
            r.state,
            r.created_at,
            r.read_at,
            employers.c.name.label("employer_name"),
            job_postings.c.job_number,
            job_postings.c.job_title,
            job_postings.c.status.label("posting_status"),
            job_postings.c.referral_deadline,
            applications.c.id.label("application_id"),
        )
        .select_from(
            direct_requests.join(employers, employers.c.id == r.employer_id)
            .join(job_postings, job_postings.c.id == r.posting_id)
            .outerjoin(applications, _answered_by_application())
        )
        .where(r.seeker_id == seeker_id, _not_blocked(seeker_id))
        .order_by(r.created_at.desc(), r.id.desc())
    )
    applied = [row["id"] for row in rows if row["application_id"] and row["state"] != APPLIED]
    unread = [row["id"] for row in rows if row["read_at"] is None]
    if applied or unread:
        await _mark(conn, applied, unread, now)
    return [
        {
            **_with_answer(row),
            "unread": row["read_at"] is None,
            "posting_open": row["posting_status"] == catalog.STATUS_OPEN
            and row["referral_deadline"] >= today,
        }
        for row in rows
    ]


async def _mark(conn: Connection, applied: list[int], unread: list[int], now: dt.datetime) -> None:
    """応募済み for requests whose posting was applied to; read for those just shown."""
    r = direct_requests.c
    async with conn.transaction():
        if applied:
            await conn.execute(
                direct_requests.update()
                .where(r.id.in_(applied))
                .values(state=APPLIED, decided_at=now)
            )
        if unread:
            await conn.execute(direct_requests.update().where(r.id.in_(unread)).values(read_at=now))


async def request_of(conn: Connection, seeker_id: int, request_id: int):
    """The job-seeker's own request with its employer's name, or None."""
    return await conn.fetch_one(
        sa.select(direct_requests, employers.c.name.label("employer_name"))
        .select_from(
            direct_requests.join(employers, employers.c.id == direct_requests.c.employer_id)
        )
        .where(direct_requests.c.id == request_id, direct_requests.c.seeker_id == seeker_id)
    )


async def decline(conn: Connection, seeker_id: int, request_id: int, *, now: dt.datetime) -> None:
    """辞退: only a request not yet answered (an application stays 応募済み)."""
    await conn.execute(
        direct_requests.update()
        .where(
            direct_requests.c.id == request_id,
            direct_requests.c.seeker_id == seeker_id,
            direct_requests.c.state == SENT,
        )
        .values(state=DECLINED, decided_at=now)
    )


async def block(conn: Connection, seeker_id: int, employer_id: int, *, now: dt.datetime) -> None:
    """ブロック: the employer no longer sees the profile nor reaches the job-seeker."""
    await publishing.insert_ignoring_duplicate(
        conn,
        employer_blocks,
        ["seeker_id", "employer_id"],
        seeker_id=seeker_id,
        employer_id=employer_id,
        created_at=now,
    )


async def blocked(conn: Connection, seeker_id: int) -> list:
    """The employers the job-seeker blocked, newest first."""
    return await conn.fetch_all(
        sa.select(
            employers.c.id.label("employer_id"),
            employers.c.name,
            employer_blocks.c.created_at,
        )
        .select_from(
            employer_blocks.join(employers, employers.c.id == employer_blocks.c.employer_id)
        )
        .where(employer_blocks.c.seeker_id == seeker_id)
        .order_by(employer_blocks.c.created_at.desc(), employers.c.id.desc())
    )


async def unblock(conn: Connection, seeker_id: int, employer_id: int) -> bool:
    """Lift a block; False when there was none."""
    where = (employer_blocks.c.seeker_id == seeker_id, employer_blocks.c.employer_id == employer_id)
    async with conn.transaction():
        found = await conn.fetch_val(
            sa.select(sa.func.count()).select_from(employer_blocks).where(*where)
        )
        if found:
            await conn.execute(employer_blocks.delete().where(*where))
    return bool(found)
