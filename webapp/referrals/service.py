"""職業紹介: referrals (紹介状) issued by staff, and the job-seeker's online 紹介を希望.

A referral is also an application (kind 'referral', written in the same transaction), so
the employer finds the job-seeker among their applicants and the job-seeker finds it in
応募履歴. Every rule is checked again inside the transaction that writes, and the unique
constraints catch what two simultaneous requests could still slip past the checks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import sqlalchemy as sa
from databases.core import Connection
from databases.interfaces import Record
from starlette.datastructures import QueryParams

from webapp.applications import drafts
from webapp.applications import states as application_states
from webapp.clock import jst_date, ymd
from webapp.db import fetch_existing, is_unique_violation
from webapp.mail import outbox
from webapp.postings import catalog, search, search_form, text
from webapp.postings import service as postings
from webapp.schema import (
    application_events,
    applications,
    job_postings,
    job_seekers,
    members,
    offices,
    referral_requests,
    referrals,
)
from webapp.security import capabilities
from webapp.seekers import validity

PENDING, APPROVED, DECLINED, WITHDRAWN = "pending", "approved", "declined", "withdrawn"
REQUEST_LABELS = {
    PENDING: "受付待ち",
    APPROVED: "紹介済み",
    DECLINED: "見送り",
    WITHDRAWN: "取り下げ",
}

# Postings an employer is still writing (draft) or staff are still reviewing (pending):
# outside those two, nobody may see them, so here they do not exist.
UNPUBLISHED = ("draft", "pending")
EVENT_NOTE = "ハローワークの紹介"
SEARCH_LIMIT = 20
ATTEMPTS = 5  # a referral number taken by a simultaneous referral: try the next one

# Staff side (the referral itself).
STAFF_POSTING_CLOSED = "この求人は{label}のため、紹介できません。"
STAFF_POSTING_EXPIRED = "この求人は紹介期限切れ（紹介期限日 {deadline}）のため、紹介できません。"
STAFF_SEEKER_ONLINE = (
    "この求職者はオンライン登録者のため、まだ紹介できません。"
    "窓口で本人確認をして利用登録者にしてから紹介してください。"
)
SEEKER_ONLINE = (
    "オンライン登録者の方は、まだハローワークからの紹介を受けられません。"
    "本人確認書類をお持ちのうえ、ハローワークの窓口にお越しください。"
)
STAFF_SEEKER_INACTIVE = "この求職者の求職登録は無効のため、紹介できません。"
STAFF_SEEKER_LAPSED = "この求職者の求職登録は有効期限（{until}）を過ぎているため、紹介できません。"
STAFF_ALREADY_REFERRED = "この求職者には、この求人を既に紹介しています（紹介番号 {number}）。"
STAFF_ALREADY_APPLIED = (
    "この求職者は、この求人にオンライン自主応募で既に応募しているため、紹介できません。"
)
REQUEST_WAS_WITHDRAWN = "この紹介の希望は、求職者が取り下げました。"
REQUEST_WAS_DECLINED = "この紹介の希望は、既に見送りにしています。"
REQUEST_WAS_APPROVED = "この紹介の希望は、既に紹介済みです。"

# Job-seeker side (紹介を希望).
SEEKER_POSTING_CLOSED = "この求人は{label}のため、紹介を希望できません。"
SEEKER_NOT_ACTIVE = (
    "求職登録が有効ではないため、紹介を希望できません。ハローワークの窓口にご相談ください。"
)
SEEKER_ALREADY_PENDING = (
    "この求人には既に紹介を希望しています（受付待ち）。ハローワークからの連絡をお待ちください。"
)
SEEKER_ALREADY_REFERRED = (
    "この求人はハローワークから既に紹介を受けています。紹介状はマイページで確認できます。"
)
SEEKER_ALREADY_APPLIED = "この求人には既に応募しています。応募履歴で状況を確認できます。"
CANNOT_WITHDRAW = "ハローワークが既に対応したため、この希望は取り下げられません。"


class ReferralRefused(Exception):
    """A rule stops a referral or a request; `message` is shown to whoever asked."""

    def __init__(self, message: str, *, field: str = "form") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class AlreadyReferred(ReferralRefused):
    """The job-seeker already holds a referral to this posting (or a double submission
    just created it): the caller shows that referral instead of an error page."""

    def __init__(self, number: str, referral_id: int) -> None:
        super().__init__(STAFF_ALREADY_REFERRED.format(number=number), field="posting")
        self.referral_id = referral_id


# ---------------------------------------------------------------------------------------
# Rules


def closed_label(posting, today: dt.date) -> str | None:
    """充足 or 紹介期限切れ when the posting takes no referral today; None while open."""
    state = postings.state(posting, today)
    if state == catalog.STATUS_OPEN:
        return None
    return catalog.STATUS_LABELS.get(state, "募集終了")


def staff_posting_problem(posting, today: dt.date) -> str | None:
    label = closed_label(posting, today)
    if label is None:
        return None
    if postings.state(posting, today) == catalog.STATUS_EXPIRED:
        return STAFF_POSTING_EXPIRED.format(deadline=ymd(posting["referral_deadline"]))
    return STAFF_POSTING_CLOSED.format(label=label)


def staff_seeker_problem(seeker, today: dt.date) -> str | None:
    if not capabilities.of(seeker).referrals:
        return STAFF_SEEKER_ONLINE
    if seeker["status"] != "active":
        return STAFF_SEEKER_INACTIVE
    if not validity.is_active(seeker, today):
        return STAFF_SEEKER_LAPSED.format(until=ymd(seeker["valid_until"]))
    return None


async def existing_referral(conn: Connection, seeker_id: int, posting_id: int):
    return await conn.fetch_one(
        sa.select(referrals).where(
            referrals.c.seeker_id == seeker_id, referrals.c.posting_id == posting_id
        )
    )


async def _application(conn: Connection, seeker_id: int, posting_id: int):
    return await conn.fetch_one(
        sa.select(applications.c.id, applications.c.kind).where(
            applications.c.seeker_id == seeker_id, applications.c.posting_id == posting_id
        )
    )


async def check_referral(conn: Connection, seeker, posting, today: dt.date) -> None:
    """Raise ReferralRefused (or AlreadyReferred) unless staff may refer now."""
    problem = staff_seeker_problem(seeker, today)
    if problem:
        raise ReferralRefused(problem, field="seeker")
    referral = await existing_referral(conn, seeker["id"], posting["id"])
    if referral is not None:
        raise AlreadyReferred(referral["referral_number"], referral["id"])
    problem = staff_posting_problem(posting, today)
    if problem:
        raise ReferralRefused(problem, field="posting")
    if await _application(conn, seeker["id"], posting["id"]) is not None:
        raise ReferralRefused(STAFF_ALREADY_APPLIED, field="posting")


# ---------------------------------------------------------------------------------------
# Postings staff may pick


async def published_posting(conn: Connection, posting_id: int):
    """A posting job-seekers can see (open or closed), or None."""
    return await conn.fetch_one(
        sa.select(job_postings).where(
            job_postings.c.id == posting_id, job_postings.c.status.not_in(UNPUBLISHED)
        )
    )


async def find_postings(conn: Connection, query: str, *, now: dt.datetime):
    """(form, rows as dicts): a 求人番号 finds that posting in any state, so staff learn why
    a closed one cannot be referred; a keyword finds open postings, as the job search does."""
    number = text.normalize(query).strip()
    if postings.JOB_NUMBER.fullmatch(number):
        row = await postings.by_number(conn, number)
        form = search_form.ConditionsForm(values={"q": query})
        found = row is not None and row["status"] not in UNPUBLISHED
        return form, [dict(row._mapping)] if found else []
    form = search_form.parse_conditions(QueryParams({"q": query}))
    if not form.valid or not form.conditions.terms:
        return form, []
    # Staff refer to 一般求人 and 障害のある方のための求人 alike: the keyword finds both.
    conditions = replace(form.conditions, for_disabled=None)
    page = await search.find(conn, conditions, now=now, offset=0, limit=SEARCH_LIMIT)
    return form, page.rows


# ---------------------------------------------------------------------------------------
# Creating a referral


def format_referral_number(office_code: str, day: dt.date, serial: int) -> str:
    """紹介番号: 安定所番号, the JST date, that office's serial of the day."""
    return f"{office_code}-{day:%Y%m%d}-{serial:04d}"


async def _next_number(conn: Connection, office_code: str, now: dt.datetime) -> str:
    prefix = format_referral_number(office_code, jst_date(now), 0)[:-4]
    last = await conn.fetch_val(
        sa.select(sa.func.max(referrals.c.referral_number)).where(
            referrals.c.referral_number.like(f"{prefix}%")
        )
    )
    serial = int(last[len(prefix) :]) + 1 if last else 1
    return format_referral_number(office_code, jst_date(now), serial)


def _mail_context(seeker, posting, office, base_url: str, **extra) -> dict:
    return {
        "name": seeker["name"],
        "office_name": office["name"],
        "office_phone": office["phone"],
        "job_number": posting["job_number"],
        "job_title": posting["job_title"],
        "company_name": posting["company_name"],
        "requests_url": f"{base_url}/mypage/referral-requests",
        **extra,
    }


async def _answer_pending(
    conn: Connection,
    seeker,
    posting,
    office,
    referral_id: int,
    number: str,
    *,
    staff,
    now: dt.datetime,
    base_url: str,
) -> None:
    """Mark the job-seeker's waiting request for this posting 紹介済み, and tell them."""
    answered = await conn.fetch_all(
        referral_requests.update()
        .where(
            referral_requests.c.seeker_id == seeker["id"],
            referral_requests.c.posting_id == posting["id"],
            referral_requests.c.state == PENDING,
        )
        .values(state=APPROVED, decided_at=now, decided_by=staff["id"], referral_id=referral_id)
        .returning(referral_requests.c.id)
    )
    if answered and seeker["mail_notices"]:
        await outbox.enqueue(
            conn,
            to=seeker["email"],
            template="referral_approved",
            now=now,
            context=_mail_context(
                seeker,
                posting,
                office,
                base_url,
                referral_number=number,
                referrals_url=f"{base_url}/mypage/referrals",
            ),
        )


async def _refer_in_transaction(
    conn: Connection,
    *,
    seeker_id: int,
    posting_id: int,
    staff,
    note: str,
    now: dt.datetime,
    base_url: str,
) -> int:
    # Two referrals (or a referral and a direct application) of one job-seeker at once: the
    # second waits here for the first and then sees its rows (PostgreSQL row lock; SQLite's
    # BEGIN IMMEDIATE already serializes writers).
    seeker = await conn.fetch_one(
        sa.select(job_seekers).where(job_seekers.c.id == seeker_id).with_for_update()
    )
    posting = await published_posting(conn, posting_id)
    if seeker is None or posting is None:
        raise ReferralRefused("この求人は見つかりません。", field="posting")
    await check_referral(conn, seeker, posting, jst_date(now))
    office = await fetch_existing(
        conn, sa.select(offices).where(offices.c.id == staff["office_id"])
    )
    number = await _next_number(conn, office["code"], now)
    referral_id = await conn.fetch_val(
        referrals.insert()
        .values(
            referral_number=number,
            seeker_id=seeker_id,
            posting_id=posting_id,
            office_id=office["id"],
            staff_id=staff["id"],
            note=note,
            created_at=now,
        )
        .returning(referrals.c.id)
    )
    application_id = await conn.fetch_val(
        applications.insert()
        .values(
            seeker_id=seeker_id,
            posting_id=posting_id,
            kind="referral",
            referral_id=referral_id,
            state=application_states.APPLIED,
            motivation="",
            created_at=now,
            updated_at=now,
        )
        .returning(applications.c.id)
    )
    await conn.execute(
        application_events.insert().values(
            application_id=application_id,
            created_at=now,
            actor="staff",
            member_id=staff["id"],
            kind="state",
            state=application_states.APPLIED,
            note=EVENT_NOTE,
        )
    )
    # A referral in the registration's last month extends it by a month (有効期限).
    await validity.extend_for_activity(conn, seeker_id, now)
    # A waiting online request for the same posting is answered by this referral, whether
    # staff approved it from the queue or referred at the counter.
    await _answer_pending(
        conn, seeker, posting, office, referral_id, number, staff=staff, now=now, base_url=base_url
    )
    return referral_id


async def _parties(conn: Connection, referral):
    """The job-seeker, posting and office rows of a referral."""
    seeker = await fetch_existing(
        conn, sa.select(job_seekers).where(job_seekers.c.id == referral["seeker_id"])
    )
    posting = await fetch_existing(
        conn, sa.select(job_postings).where(job_postings.c.id == referral["posting_id"])
    )
    office = await fetch_existing(
        conn, sa.select(offices).where(offices.c.id == referral["office_id"])
    )
    return seeker, posting, office


async def _with_retries(work):
    """Run `work()` (one transaction); a unique constraint hit by a simultaneous writer means
    the next attempt's checks see that writer's row (the same referral, or a taken number)."""
    for attempt in range(ATTEMPTS):
        try:
            return await work()
        except ReferralRefused:
            raise
        except Exception as error:
            if not is_unique_violation(error) or attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


async def refer(
    conn: Connection,
    *,
    seeker_id: int,
    posting_id: int,
    staff,
    note: str,
    now: dt.datetime,
    base_url: str,
) -> int:
    """Refer the job-seeker to the posting: the referral, its application and its first
    event; answers a waiting online request. Returns the referral's id."""

    async def work() -> int:
        async with conn.transaction():
            return await _refer_in_transaction(
                conn,
                seeker_id=seeker_id,
                posting_id=posting_id,
                staff=staff,
                note=note,
                now=now,
                base_url=base_url,
            )

    return await _with_retries(work)


# ---------------------------------------------------------------------------------------
# Online requests (紹介を希望), as staff handle them


async def request_for_staff(conn: Connection, member, request_id: int):
    """The request if it came from a job-seeker of this staff member's office; else None."""
    return await conn.fetch_one(
        sa.select(referral_requests)
        .select_from(
            referral_requests.join(job_seekers, referral_requests.c.seeker_id == job_seekers.c.id)
        )
        .where(
            referral_requests.c.id == request_id,
            job_seekers.c.office_id == member["office_id"],
        )
    )


async def office_queue(conn: Connection, office_id: int) -> list:
    """Waiting requests from this office's job-seekers, oldest first."""
    return await conn.fetch_all(
        sa.select(
            referral_requests.c.id,
            referral_requests.c.message,
            referral_requests.c.created_at,
            job_seekers.c.id.label("seeker_id"),
            job_seekers.c.name.label("seeker_name"),
            job_seekers.c.kana.label("seeker_kana"),
            job_seekers.c.seeker_number,
            job_seekers.c.status.label("seeker_status"),
            job_seekers.c.valid_until,
            job_postings.c.id.label("posting_id"),
            job_postings.c.job_number,
            job_postings.c.job_title,
            job_postings.c.company_name,
            job_postings.c.status,
            job_postings.c.referral_deadline,
        )
        .select_from(
            referral_requests.join(
                job_seekers, referral_requests.c.seeker_id == job_seekers.c.id
            ).join(job_postings, referral_requests.c.posting_id == job_postings.c.id)
        )
        .where(referral_requests.c.state == PENDING, job_seekers.c.office_id == office_id)
        .order_by(referral_requests.c.created_at, referral_requests.c.id)
    )


async def approve_request(
    conn: Connection,
    request_id: int,
    *,
    staff,
    note: str,
    now: dt.datetime,
    base_url: str,
) -> int:
    """Approve a waiting request: the referral as staff would make it at the counter.
    Approving twice (a double submission) answers the same referral."""

    async def work() -> int:
        async with conn.transaction():
            # The route found it for this staff member; requests are never deleted.
            row = await fetch_existing(
                conn, sa.select(referral_requests).where(referral_requests.c.id == request_id)
            )
            if row["state"] == APPROVED:
                return row["referral_id"]
            if row["state"] == WITHDRAWN:
                raise ReferralRefused(REQUEST_WAS_WITHDRAWN)
            if row["state"] == DECLINED:
                raise ReferralRefused(REQUEST_WAS_DECLINED)
            referral = await existing_referral(conn, row["seeker_id"], row["posting_id"])
            if referral is not None:
                # Referred some other way meanwhile: that referral answers the request.
                seeker, posting, office = await _parties(conn, referral)
                await _answer_pending(
                    conn,
                    seeker,
                    posting,
                    office,
                    referral["id"],
                    referral["referral_number"],
                    staff=staff,
                    now=now,
                    base_url=base_url,
                )
                return referral["id"]
            return await _refer_in_transaction(
                conn,
                seeker_id=row["seeker_id"],
                posting_id=row["posting_id"],
                staff=staff,
                note=note,
                now=now,
                base_url=base_url,
            )

    return await _with_retries(work)


async def decline_request(
    conn: Connection,
    request_id: int,
    *,
    staff,
    reason: str,
    now: dt.datetime,
    base_url: str,
) -> None:
    """見送り with the reason the job-seeker will read; declining twice changes nothing."""
    async with conn.transaction():
        declined = await conn.fetch_one(
            referral_requests.update()
            .where(referral_requests.c.id == request_id, referral_requests.c.state == PENDING)
            .values(state=DECLINED, decline_reason=reason, decided_at=now, decided_by=staff["id"])
            .returning(referral_requests.c.seeker_id, referral_requests.c.posting_id)
        )
        if declined is None:
            state = await conn.fetch_val(
                sa.select(referral_requests.c.state).where(referral_requests.c.id == request_id)
            )
            if state == APPROVED:
                raise ReferralRefused(REQUEST_WAS_APPROVED)
            if state == WITHDRAWN:
                raise ReferralRefused(REQUEST_WAS_WITHDRAWN)
            return
        seeker = await fetch_existing(
            conn, sa.select(job_seekers).where(job_seekers.c.id == declined["seeker_id"])
        )
        if seeker["mail_notices"]:
            posting = await fetch_existing(
                conn, sa.select(job_postings).where(job_postings.c.id == declined["posting_id"])
            )
            office = await fetch_existing(
                conn, sa.select(offices).where(offices.c.id == staff["office_id"])
            )
            await outbox.enqueue(
                conn,
                to=seeker["email"],
                template="referral_declined",
                now=now,
                context=_mail_context(seeker, posting, office, base_url, reason=reason),
            )


# ---------------------------------------------------------------------------------------
# Online requests, as the job-seeker makes them


@dataclass(frozen=True)
class RequestState:
    """Where a job-seeker stands with one posting: referred, applied, asking, or free to ask."""

    referral: Record | dict | None  # the referrals row
    application_kind: str | None  # direct | referral
    request: Record | dict | None  # the newest referral_requests row

    @property
    def status(self) -> str:
        """referred | applied | pending | declined | withdrawn | none."""
        if self.referral is not None:
            return "referred"
        if self.application_kind is not None:
            return "applied"
        if self.request is not None and self.request["state"] in (
            PENDING,
            DECLINED,
            WITHDRAWN,
        ):
            return self.request["state"]
        return "none"

    @property
    def can_request(self) -> bool:
        return self.status in ("none", DECLINED, WITHDRAWN)


async def request_state(conn: Connection, seeker_id: int | None, posting_id: int):
    """What the 紹介を希望 button shows for this job-seeker and posting (None: signed out)."""
    if seeker_id is None:
        return None
    application = await _application(conn, seeker_id, posting_id)
    latest = await conn.fetch_one(
        sa.select(referral_requests)
        .where(
            referral_requests.c.seeker_id == seeker_id,
            referral_requests.c.posting_id == posting_id,
        )
        .order_by(referral_requests.c.created_at.desc(), referral_requests.c.id.desc())
        .limit(1)
    )
    return RequestState(
        referral=await existing_referral(conn, seeker_id, posting_id),
        application_kind=application["kind"] if application else None,
        request=latest,
    )


async def request_refusal(conn: Connection, seeker_id: int, posting, today: dt.date) -> str | None:
    """Why this job-seeker may not ask for a referral to the posting now, or None."""
    seeker = await conn.fetch_one(sa.select(job_seekers).where(job_seekers.c.id == seeker_id))
    if not capabilities.of(seeker).referrals:
        return SEEKER_ONLINE
    if not validity.is_active(seeker, today):
        return SEEKER_NOT_ACTIVE
    label = closed_label(posting, today)
    if label is not None:
        return SEEKER_POSTING_CLOSED.format(label=label)
    status = (await request_state(conn, seeker_id, posting["id"])).status
    return {
        "referred": SEEKER_ALREADY_REFERRED,
        "applied": SEEKER_ALREADY_APPLIED,
        PENDING: SEEKER_ALREADY_PENDING,
    }.get(status)


async def seeker_shared(conn: Connection, seeker_id: int):
    """What the office sees of the job-seeker with a request: name, ふりがな, 求職番号 and
    the office that answers it (the check page names them)."""
    return await fetch_existing(
        conn,
        sa.select(
            job_seekers.c.name,
            job_seekers.c.kana,
            job_seekers.c.seeker_number,
            offices.c.name.label("office_name"),
        )
        .select_from(job_seekers.join(offices, job_seekers.c.office_id == offices.c.id))
        .where(job_seekers.c.id == seeker_id),
    )


async def request_referral(
    conn: Connection, seeker_id: int, posting, *, message: str, now: dt.datetime
) -> int:
    """Ask Hello Work for a referral to the posting; it waits in the office's queue."""
    today = jst_date(now)
    try:
        async with conn.transaction():
            refusal = await request_refusal(conn, seeker_id, posting, today)
            if refusal is not None:
                raise ReferralRefused(refusal)
            # What waited for the check page is sent now: the draft goes with the sending.
            await drafts.delete(conn, seeker_id, posting["id"], drafts.REFERRAL)
            return await conn.fetch_val(
                referral_requests.insert()
                .values(
                    seeker_id=seeker_id,
                    posting_id=posting["id"],
                    state=PENDING,
                    message=message,
                    decline_reason="",
                    created_at=now,
                )
                .returning(referral_requests.c.id)
            )
    except ReferralRefused:
        raise
    except Exception as error:
        # Two submissions at once: the partial unique index keeps one waiting request.
        if is_unique_violation(error):
            raise ReferralRefused(SEEKER_ALREADY_PENDING) from error
        raise


async def seeker_requests(conn: Connection, seeker_id: int) -> list:
    """The job-seeker's requests with their postings, newest first."""
    return await conn.fetch_all(
        sa.select(
            referral_requests,
            job_postings.c.job_number,
            job_postings.c.job_title,
            job_postings.c.company_name,
            referrals.c.referral_number,
        )
        .select_from(
            referral_requests.join(
                job_postings, referral_requests.c.posting_id == job_postings.c.id
            ).outerjoin(referrals, referral_requests.c.referral_id == referrals.c.id)
        )
        .where(referral_requests.c.seeker_id == seeker_id)
        .order_by(referral_requests.c.created_at.desc(), referral_requests.c.id.desc())
    )


async def withdraw_request(
    conn: Connection, seeker_id: int, request_id: int, *, now: dt.datetime
) -> bool:
    """取り下げ a waiting request. False when it is not the job-seeker's own (404); a
    request already withdrawn stays so; one staff already answered raises ReferralRefused."""
    async with conn.transaction():
        row = await conn.fetch_one(
            sa.select(referral_requests).where(
                referral_requests.c.id == request_id, referral_requests.c.seeker_id == seeker_id
            )
        )
        if row is None:
            return False
        if row["state"] in (APPROVED, DECLINED):
            raise ReferralRefused(CANNOT_WITHDRAW)
        if row["state"] == PENDING:
            await conn.execute(
                referral_requests.update()
                .where(referral_requests.c.id == request_id)
                .values(state=WITHDRAWN, decided_at=now)
            )
    return True


# ---------------------------------------------------------------------------------------
# Referrals and their 紹介状


def _letter_query():
    staff = members.alias("staff")
    return sa.select(
        referrals.c.id,
        referrals.c.referral_number,
        referrals.c.created_at,
        referrals.c.note,
        referrals.c.office_id,
        referrals.c.seeker_id,
        offices.c.name.label("office_name"),
        offices.c.code.label("office_code"),
        offices.c.phone.label("office_phone"),
        staff.c.name.label("staff_name"),
        job_seekers.c.name.label("seeker_name"),
        job_seekers.c.kana.label("seeker_kana"),
        job_seekers.c.seeker_number,
        job_postings.c.id.label("posting_id"),
        job_postings.c.job_number,
        job_postings.c.job_title,
        job_postings.c.occupation,
        job_postings.c.company_name,
        job_postings.c.company_address,
    ).select_from(
        referrals.join(offices, referrals.c.office_id == offices.c.id)
        .join(job_seekers, referrals.c.seeker_id == job_seekers.c.id)
        .join(job_postings, referrals.c.posting_id == job_postings.c.id)
        .outerjoin(staff, referrals.c.staff_id == staff.c.id)
    )


async def letter(conn: Connection, referral_id: int):
    """Everything a 紹介状 prints (no access check: callers check who may see it)."""
    return await conn.fetch_one(_letter_query().where(referrals.c.id == referral_id))


async def letter_for_staff(conn: Connection, member, referral_id: int):
    """The 紹介状 if this staff member's office issued it; else None."""
    return await conn.fetch_one(
        _letter_query().where(
            referrals.c.id == referral_id, referrals.c.office_id == member["office_id"]
        )
    )


async def letter_for_seeker(conn: Connection, seeker_id: int, referral_id: int):
    """The 紹介状 if it was issued to this job-seeker; else None."""
    return await conn.fetch_one(
        _letter_query().where(referrals.c.id == referral_id, referrals.c.seeker_id == seeker_id)
    )


async def seeker_referrals(conn: Connection, seeker_id: int) -> list:
    """ハローワークで紹介した求人: the job-seeker's referrals, newest first."""
    return await conn.fetch_all(
        _letter_query()
        .add_columns(job_postings.c.status, job_postings.c.referral_deadline)
        .where(referrals.c.seeker_id == seeker_id)
        .order_by(referrals.c.created_at.desc(), referrals.c.id.desc())
    )
