"""情報提供: what an office sends (お知らせ, 求人情報の提供), who receives it, and the inbox.

A notice is one `notices` row; every job-seeker it reaches has a `notice_recipients` row,
written when it is sent, which carries their read state. Nothing here reads a request.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from databases.core import Connection

from webapp.clock import jst_date
from webapp.mail.outbox import render_mail
from webapp.postings import catalog
from webapp.postings import service as postings
from webapp.schema import (
    UTCDateTime,
    job_postings,
    job_seekers,
    members,
    notice_recipients,
    notices,
    offices,
    outbox,
)
from webapp.security import capabilities

NOTICE, JOB = "notice", "job"
KIND_LABELS = {NOTICE: "お知らせ", JOB: "求人情報の提供"}
OFFICE, CHOSEN = "office", "chosen"
INBOX_PAGE_SIZE = 20
SENT_PAGE_SIZE = 50
MAIL_TEMPLATE = "notice_new"
# Two identical sends this close together are one send submitted twice (see send()).
DUPLICATE_WINDOW = dt.timedelta(minutes=1)


class NoRecipients(Exception):
    """Nobody to send to: no active job-seeker among those asked for."""


class PostingProblem(ValueError):
    """The 求人番号 cannot be offered; the message says why, in Japanese."""


@dataclass(frozen=True)
class Outgoing:
    """A checked notice, ready to send."""

    kind: str
    title: str
    body: str
    audience: str
    seeker_ids: tuple[int, ...] = ()  # CHOSEN only
    posting_id: int | None = None


@dataclass(frozen=True)
class Sent:
    notice_id: int
    duplicate: bool = False


@dataclass(frozen=True)
class Chosen:
    """求職番号 typed by staff, resolved against their office."""

    ids: tuple[int, ...]
    not_found: list[str]  # nobody's, or another office's: one answer for both
    inactive: list[str]
    # オンライン登録者: no 求人情報の提供 until a counter confirms them (capabilities).
    online: list[str] = field(default_factory=list)


def _is_active(today: dt.date):
    """有効な求職者: 有効 and not past the registration's 有効期限."""
    return sa.and_(
        job_seekers.c.status == "active",
        sa.or_(job_seekers.c.valid_until.is_(None), job_seekers.c.valid_until >= today),
    )


async def active_count(conn: Connection, office_id: int, today: dt.date) -> int:
    """How many job-seekers an office-wide お知らせ would reach now."""
    return await conn.fetch_val(
        sa.select(sa.func.count())
        .select_from(job_seekers)
        .where(job_seekers.c.office_id == office_id, _is_active(today))
    )


async def resolve_numbers(
    conn: Connection, office_id: int, numbers: list[str], today: dt.date
) -> Chosen:
    """Which of these 求職番号 are this office's active job-seekers, and which are not."""
    rows = await conn.fetch_all(
        sa.select(
            job_seekers.c.id,
            job_seekers.c.seeker_number,
            job_seekers.c.status,
            job_seekers.c.valid_until,
            job_seekers.c.registration_kind,
        ).where(job_seekers.c.seeker_number.in_(numbers), job_seekers.c.office_id == office_id)
    )
    found = {row["seeker_number"]: row for row in rows}
    not_found = [number for number in numbers if number not in found]
    inactive = [
        number
        for number, row in found.items()
        if row["status"] != "active" or (row["valid_until"] and row["valid_until"] < today)
    ]
    online = [
        number
        for number, row in found.items()
        if number not in inactive and not capabilities.of(row).recommendations
    ]
    ids = tuple(sorted(row["id"] for n, row in found.items() if n not in inactive))
    return Chosen(
        ids=ids,
        not_found=not_found,
        inactive=sorted(inactive, key=numbers.index),
        online=sorted(online, key=numbers.index),
    )


async def open_posting(conn: Connection, job_number: str, today: dt.date):
    """The posting to offer: it must exist and be 募集中. Raises PostingProblem."""
    posting = await postings.by_number(conn, job_number)
    if posting is None:
        raise PostingProblem(f"求人番号 {job_number} の求人は見つかりません。")
    if postings.state(posting, today) != catalog.STATUS_OPEN:
        raise PostingProblem(f"求人番号 {job_number} の求人は募集中ではないため、提供できません。")
    return posting


async def _same_send_just_now(
    conn: Connection, outgoing: Outgoing, *, office_id: int, staff_id: int, now: dt.datetime
) -> int | None:
    """The notice this very send already made within DUPLICATE_WINDOW, if any."""
    posting = (
        notices.c.posting_id.is_(None)
        if outgoing.posting_id is None
        else notices.c.posting_id == outgoing.posting_id
    )
    candidates = await conn.fetch_all(
        sa.select(notices.c.id)
        .where(
            notices.c.office_id == office_id,
            notices.c.staff_id == staff_id,
            notices.c.kind == outgoing.kind,
            notices.c.audience == outgoing.audience,
            notices.c.title == outgoing.title,
            notices.c.body == outgoing.body,
            posting,
            notices.c.created_at >= now - DUPLICATE_WINDOW,
        )
        .order_by(notices.c.id.desc())
    )
    for candidate in candidates:
        if outgoing.audience == OFFICE:
            return candidate["id"]
        # The same words to other chosen job-seekers (one recommendation sent to several
        # people in turn from their profiles) is a new send, not a repeat.
        rows = await conn.fetch_all(
            sa.select(notice_recipients.c.seeker_id).where(
                notice_recipients.c.notice_id == candidate["id"]
            )
        )
        if sorted(row["seeker_id"] for row in rows) == sorted(outgoing.seeker_ids):
            return candidate["id"]
    return None


async def send(
    conn: Connection,
    outgoing: Outgoing,
    *,
    office,
    staff_id: int,
    base_url: str,
    now: dt.datetime,
) -> Sent:
    """Write the notice, one recipient row per job-seeker and one mail per job-seeker who
    wants them, in one transaction. Raises NoRecipients (and writes nothing) if nobody
    would receive it.

    Double submission: a double click, a retried request or a re-sent form arrives with
    the same content. Rather than a one-time form token (which would need a table of used
    tokens), the send is idempotent by content: the staff member's row is locked first
    (PostgreSQL row lock; on SQLite the transaction's BEGIN IMMEDIATE already lets one
    writer in at a time), so a second identical send waits for the first, then finds it
    and answers with it instead of sending again. Identical means the same staff member,
    kind, title, body, posting and recipients within DUPLICATE_WINDOW; sending the same
    text again later, or to someone else, is a new notice.
    """
    today = jst_date(now)
    async with conn.transaction():
        await conn.fetch_val(
            sa.select(members.c.id).where(members.c.id == staff_id).with_for_update()
        )
        earlier = await _same_send_just_now(
            conn, outgoing, office_id=office["id"], staff_id=staff_id, now=now
        )
        if earlier is not None:
            return Sent(earlier, duplicate=True)
        notice_id = await conn.fetch_val(
            notices.insert()
            .values(
                office_id=office["id"],
                staff_id=staff_id,
                kind=outgoing.kind,
                title=outgoing.title,
                body=outgoing.body,
                posting_id=outgoing.posting_id,
                audience=outgoing.audience,
                created_at=now,
            )
            .returning(notices.c.id)
        )
        # INSERT ... SELECT: an office of thousands is one statement, not thousands of
        # round trips. Chosen job-seekers are checked again here (this office, still
        # active), so nothing checked before the transaction can have gone stale.
        who = sa.select(sa.literal(notice_id, sa.Integer), job_seekers.c.id).where(
            job_seekers.c.office_id == office["id"], _is_active(today)
        )
        if outgoing.audience == CHOSEN:
            who = who.where(job_seekers.c.id.in_(outgoing.seeker_ids))
        if outgoing.kind == "job":  # 求人情報の提供: Hello Work's recommendation
            who = who.where(job_seekers.c.registration_kind.in_(capabilities.RECOMMENDED_KINDS))
        await conn.execute(notice_recipients.insert().from_select(["notice_id", "seeker_id"], who))
        count = await conn.fetch_val(
            sa.select(sa.func.count())
            .select_from(notice_recipients)
            .where(notice_recipients.c.notice_id == notice_id)
        )
        if not count:
            raise NoRecipients  # leaving the block rolls the notice back
        await _queue_mails(conn, notice_id, outgoing, office=office, base_url=base_url, now=now)
    return Sent(notice_id)


async def _queue_mails(
    conn: Connection, notice_id: int, outgoing: Outgoing, *, office, base_url: str, now
) -> None:
    """One outbox row per recipient who takes mail notices, in one INSERT ... SELECT.

    The mail is the same for everyone: it says that something new is on My Page, with its
    title and URL, and nothing of the body or of the recipient (not even the name), so it
    is rendered once and a mail read by someone else gives nothing away.
    """
    subject, body = render_mail(
        MAIL_TEMPLATE,
        {
            "office": office["name"],
            "kind": outgoing.kind,
            "title": outgoing.title,
            "url": f"{base_url}/mypage/notices/{notice_id}",
            "settings_url": f"{base_url}/mypage/settings/mail",
        },
    )
    mails = (
        sa.select(
            job_seekers.c.email,
            sa.literal(subject, sa.Text),
            sa.literal(body, sa.Text),
            sa.literal(now, UTCDateTime),
            sa.literal(now, UTCDateTime),
            sa.literal(0, sa.Integer),
        )
        .select_from(
            notice_recipients.join(job_seekers, notice_recipients.c.seeker_id == job_seekers.c.id)
        )
        .where(notice_recipients.c.notice_id == notice_id, job_seekers.c.mail_notices.is_(True))
    )
    await conn.execute(
        outbox.insert().from_select(
            ["to_addr", "subject", "body", "created_at", "next_attempt_at", "attempts"], mails
        )
    )


def _recipient_counts():
    """Per notice: how many received it and how many have read it (correlated, so a page
    of the list counts only its own notices' rows)."""
    received = (
        sa.select(sa.func.count())
        .where(notice_recipients.c.notice_id == notices.c.id)
        .scalar_subquery()
        .label("recipients")
    )
    read = (
        sa.select(sa.func.count())
        .where(
            notice_recipients.c.notice_id == notices.c.id, notice_recipients.c.read_at.is_not(None)
        )
        .scalar_subquery()
        .label("read")
    )
    return received, read


async def sent_by_office(conn: Connection, office_id: int, *, page: int) -> tuple[list, int]:
    """What this office sent, newest first, one page; and how many in all."""
    total = await conn.fetch_val(
        sa.select(sa.func.count()).select_from(notices).where(notices.c.office_id == office_id)
    )
    rows = await conn.fetch_all(
        sa.select(
            notices.c.id,
            notices.c.kind,
            notices.c.title,
            notices.c.audience,
            notices.c.created_at,
            members.c.name.label("staff_name"),
            *_recipient_counts(),
        )
        .select_from(notices.outerjoin(members, notices.c.staff_id == members.c.id))
        .where(notices.c.office_id == office_id)
        .order_by(notices.c.created_at.desc(), notices.c.id.desc())
        .limit(SENT_PAGE_SIZE)
        .offset((page - 1) * SENT_PAGE_SIZE)
    )
    return rows, total


async def sent_notice(conn: Connection, office_id: int, notice_id: int):
    """One notice this office sent (with its counts and posting), or None."""
    return await conn.fetch_one(
        sa.select(
            notices,
            members.c.name.label("staff_name"),
            job_postings.c.job_number,
            job_postings.c.job_title,
            job_postings.c.company_name,
            *_recipient_counts(),
        )
        .select_from(
            notices.outerjoin(members, notices.c.staff_id == members.c.id).outerjoin(
                job_postings, notices.c.posting_id == job_postings.c.id
            )
        )
        .where(notices.c.id == notice_id, notices.c.office_id == office_id)
    )


async def chosen_recipients(conn: Connection, notice_id: int) -> list:
    """Who received a notice sent to chosen job-seekers, with their read state."""
    return await conn.fetch_all(
        sa.select(
            job_seekers.c.seeker_number,
            job_seekers.c.name,
            notice_recipients.c.read_at,
        )
        .select_from(
            notice_recipients.join(job_seekers, notice_recipients.c.seeker_id == job_seekers.c.id)
        )
        .where(notice_recipients.c.notice_id == notice_id)
        .order_by(job_seekers.c.seeker_number)
    )


# --- The job-seeker's side -------------------------------------------------------------


async def inbox(conn: Connection, seeker_id: int, *, page: int) -> tuple[list, int]:
    """A job-seeker's notices, newest first, one page; and how many in all."""
    total = await conn.fetch_val(
        sa.select(sa.func.count())
        .select_from(notice_recipients)
        .where(notice_recipients.c.seeker_id == seeker_id)
    )
    rows = await conn.fetch_all(
        sa.select(
            notices.c.id,
            notices.c.kind,
            notices.c.title,
            notices.c.created_at,
            offices.c.name.label("office_name"),
            notice_recipients.c.read_at,
        )
        .select_from(
            notice_recipients.join(notices, notice_recipients.c.notice_id == notices.c.id).join(
                offices, notices.c.office_id == offices.c.id
            )
        )
        .where(notice_recipients.c.seeker_id == seeker_id)
        .order_by(notices.c.created_at.desc(), notices.c.id.desc())
        .limit(INBOX_PAGE_SIZE)
        .offset((page - 1) * INBOX_PAGE_SIZE)
    )
    return rows, total


async def received(conn: Connection, seeker_id: int, notice_id: int):
    """A notice as its recipient sees it (with the posting offered), or None when this
    job-seeker did not receive it."""
    return await conn.fetch_one(
        sa.select(
            notices.c.id,
            notices.c.kind,
            notices.c.title,
            notices.c.body,
            notices.c.created_at,
            offices.c.name.label("office_name"),
            offices.c.phone.label("office_phone"),
            notice_recipients.c.read_at,
            job_postings.c.job_number,
            job_postings.c.job_title,
            job_postings.c.company_name,
            job_postings.c.status.label("posting_status"),
            job_postings.c.referral_deadline,
        )
        .select_from(
            notice_recipients.join(notices, notice_recipients.c.notice_id == notices.c.id)
            .join(offices, notices.c.office_id == offices.c.id)
            .outerjoin(job_postings, notices.c.posting_id == job_postings.c.id)
        )
        .where(notice_recipients.c.seeker_id == seeker_id, notices.c.id == notice_id)
    )


async def mark_read(conn: Connection, seeker_id: int, notice_id: int, now: dt.datetime) -> None:
    """First opening sets read_at; later openings keep the first time."""
    await conn.execute(
        notice_recipients.update()
        .where(
            notice_recipients.c.seeker_id == seeker_id,
            notice_recipients.c.notice_id == notice_id,
            notice_recipients.c.read_at.is_(None),
        )
        .values(read_at=now)
    )


async def mark_unread(conn: Connection, seeker_id: int, notice_id: int) -> bool:
    """Back to 未読; False when this job-seeker did not receive the notice."""
    row = await conn.fetch_val(
        notice_recipients.update()
        .where(
            notice_recipients.c.seeker_id == seeker_id,
            notice_recipients.c.notice_id == notice_id,
        )
        .values(read_at=None)
        .returning(notice_recipients.c.id)
    )
    return row is not None


async def mail_settings(conn: Connection, seeker_id: int):
    """The mail switches a job-seeker may turn off."""
    return await conn.fetch_one(
        sa.select(
            job_seekers.c.mail_notices, job_seekers.c.mail_messages, job_seekers.c.mail_requests
        ).where(job_seekers.c.id == seeker_id)
    )


async def save_mail_settings(
    conn: Connection,
    seeker_id: int,
    *,
    notices_by_mail: bool,
    messages_by_mail: bool,
    requests_by_mail: bool,
) -> None:
    await conn.execute(
        job_seekers.update()
        .where(job_seekers.c.id == seeker_id)
        .values(
            mail_notices=notices_by_mail,
            mail_messages=messages_by_mail,
            mail_requests=requests_by_mail,
        )
    )
