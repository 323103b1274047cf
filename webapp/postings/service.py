"""求人票: reading a posting, and its life. An employer drafts it: 下書き → 審査待ち →
募集中 (or back to 下書き with the reviewer's note), then 充足 or a later 紹介期限日.
Postings loaded as they are (counters, tests, demo data) start 募集中.

Every state change is one UPDATE whose WHERE names the state it expects, and answers
whether it changed anything: a second click (or a second tab) changes nothing and is
told so, never an error.

The keyword index (webapp/postings/index.py) is written once, when staff approve: drafts
and postings under review are never in it, and only a draft's text can change, so no
indexed posting's text ever changes and the index needs no refresh. (The SQLite index is
a contentless FTS5 table: removing a row from it needs the exact tokens it was given.)
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

import sqlalchemy as sa
from databases.core import Connection

from webapp.clock import jst_date
from webapp.db import fetch_bound, fetch_existing, is_unique_violation
from webapp.members.service import mail_employer_users
from webapp.postings import catalog, index, online, text
from webapp.schema import applications, employers, job_postings, offices

JOB_NUMBER = re.compile(r"\d{5}-\d{8}")

DRAFT, PENDING = "draft", "pending"
STATUS_LABELS = {DRAFT: "下書き", PENDING: "審査待ち", **catalog.STATUS_LABELS}

# 紹介期限日: set at approval to the end of the month after next (as a job-seeker's
# registration, see seekers/validity.py); each extension adds one month, up to the end of
# the third month from today. A posting left open for long drifts from the real job;
# beyond that the employer renews it with the office, which checks it again.
EXTEND_LIMIT_MONTHS = 3

SERIAL_ATTEMPTS = 5  # 求人番号 collisions (a racing draft, a loaded posting) are retried


class CannotExtend(Exception):
    """The 紹介期限日 is already as late as it may be."""

    def __init__(self, limit: dt.date) -> None:
        super().__init__(limit)
        self.limit = limit


def month_end(day: dt.date, months: int) -> dt.date:
    """The last day of the month `months` months after `day`'s month."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def first_deadline(today: dt.date) -> dt.date:
    """The 紹介期限日 a posting gets when it is approved: the end of the month after next."""
    return month_end(today, 2)


def extension_limit(today: dt.date) -> dt.date:
    return month_end(today, EXTEND_LIMIT_MONTHS)


def extended_deadline(deadline: dt.date, today: dt.date) -> dt.date:
    """One month more (to a month's end), counted from today if the date has passed."""
    limit = extension_limit(today)
    new = min(month_end(max(deadline, today), 1), limit)
    if new <= deadline:
        raise CannotExtend(limit)
    return new


def status_label(posting, today: dt.date) -> str:
    """下書き, 差し戻し, 審査待ち, 募集中, 充足 or 紹介期限切れ."""
    if posting["status"] == DRAFT and posting["review_note"]:
        return "差し戻し"
    return STATUS_LABELS[state(posting, today)]


def state(posting, today: dt.date) -> str:
    """募集中, 充足 or 紹介期限切れ (a passed 紹介期限日 closes an open posting)."""
    if posting["status"] == catalog.STATUS_OPEN and posting["referral_deadline"] < today:
        return catalog.STATUS_EXPIRED
    return posting["status"]


def wage_text(row) -> str:
    if row["wage_min"] is None:  # a 下書き without its wage yet
        return ""
    label = catalog.WAGE_TYPES.get(row["wage_type"], "")
    if row["wage_max"] and row["wage_max"] != row["wage_min"]:
        return f"{label} {row['wage_min']:,}円〜{row['wage_max']:,}円"
    return f"{label} {row['wage_min']:,}円"


async def by_number(conn: Connection, job_number: str):
    """The posting with this 求人番号 (any state but an employer's unpublished 下書き or
    審査待ち), or None; with `accepts_online` (webapp/postings/online.py)."""
    number = text.normalize(job_number).strip()
    if not JOB_NUMBER.fullmatch(number):
        return None
    return await fetch_bound(conn, _BY_NUMBER, {"number": number})


# Built once (db.fetch_bound): the posting page reads it on every view, and building and
# keying a statement of every column cost more than running it.
_BY_NUMBER = sa.select(job_postings, online.column()).where(
    job_postings.c.job_number == sa.bindparam("number"),
    job_postings.c.status != DRAFT,
    job_postings.c.status != PENDING,
)


SEARCHED_FIELDS = (
    "job_title",
    "description",
    "company_name",
    "company_business",
    "municipality",
    "licenses",
    "experience",
)


def complete(posting: dict) -> dict:
    """Fill the derived columns: the wage sort key and the normalized keyword text."""
    hourly = posting["wage_type"] == "hourly"
    wage_min = posting["wage_min"]  # None in a 下書き that has no wage yet
    posting["wage_monthly"] = (
        None if wage_min is None else wage_min * (catalog.HOURS_PER_MONTH if hourly else 1)
    )
    parts = [posting.get(name) or "" for name in SEARCHED_FIELDS]
    parts.insert(4, catalog.PREFECTURES.get(posting["prefecture_code"], ""))
    # Fields are joined by newlines, so no keyword matches across two of them.
    posting["search_text"] = text.normalize("\n".join(parts))
    return posting


async def create_posting(conn: Connection, values: dict, *, now: dt.datetime) -> int:
    """Register one posting as it is, and index it (counters, tests): no 下書き, no review."""
    posting = complete({"registered_at": now, "updated_at": now, **values})
    async with conn.transaction():
        posting_id = await conn.fetch_val(
            job_postings.insert().values(**posting).returning(job_postings.c.id)
        )
        await index.index_postings(
            conn,
            [
                (
                    posting_id,
                    posting["search_text"],
                    posting["prefecture_code"],
                    posting.get("nearest_station") or "",
                )
            ],
        )
    return posting_id


# --- the employer's side -----------------------------------------------------------------


async def employer_profile(conn: Connection, employer_id: int):
    """The 事業所 as a posting copies it, with its office's 安定所番号."""
    return await conn.fetch_one(
        sa.select(
            employers.c.id,
            employers.c.name,
            employers.c.address,
            employers.c.business,
            offices.c.code.label("office_code"),
        )
        .select_from(employers.join(offices, employers.c.office_id == offices.c.id))
        .where(employers.c.id == employer_id)
    )


async def list_postings(conn: Connection, employer_id: int) -> list:
    """The 事業所's postings, newest first, each with its number of applicants."""
    applicants = (
        sa.select(applications.c.posting_id, sa.func.count().label("applicants"))
        .where(applications.c.state != "withdrawn")
        .group_by(applications.c.posting_id)
        .subquery()
    )
    return await conn.fetch_all(
        sa.select(job_postings, sa.func.coalesce(applicants.c.applicants, 0).label("applicants"))
        .select_from(
            job_postings.outerjoin(applicants, applicants.c.posting_id == job_postings.c.id)
        )
        .where(job_postings.c.employer_id == employer_id)
        .order_by(job_postings.c.id.desc())
    )


async def _next_serial(conn: Connection, office_code: str) -> int:
    """One past the highest serial this office gave an employer's posting."""
    highest = await conn.fetch_val(
        sa.select(sa.func.max(job_postings.c.job_number)).where(
            job_postings.c.job_number.like(f"{office_code}-%"),
            job_postings.c.employer_id.is_not(None),
        )
    )
    return int(highest.split("-")[1]) + 1 if highest else 1


async def create_draft(conn: Connection, employer_id: int, values: dict, *, now) -> int:
    """A new 下書き with a 求人番号 of the employer's office; returns its id."""
    today = jst_date(now)
    for attempt in range(SERIAL_ATTEMPTS):
        try:
            async with conn.transaction():
                employer = await employer_profile(conn, employer_id)
                serial = await _next_serial(conn, employer["office_code"]) + attempt
                posting = complete(
                    {
                        **values,
                        "job_number": f"{employer['office_code']}-{serial:08d}",
                        "office_code": employer["office_code"],
                        "employer_id": employer_id,
                        "status": DRAFT,
                        # Placeholders until approval sets the real dates.
                        "received_on": today,
                        "referral_deadline": first_deadline(today),
                        "company_name": employer["name"],
                        "company_address": employer["address"],
                        "company_business": employer["business"],
                        "registered_at": now,
                        "updated_at": now,
                        "review_note": "",
                    }
                )
                return await conn.fetch_val(
                    job_postings.insert().values(**posting).returning(job_postings.c.id)
                )
        except Exception as error:
            if not is_unique_violation(error, "job_number") or attempt == SERIAL_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _transition(posting_id: int, employer_id: int | None, expected: str):
    """An UPDATE of one posting that only applies in the `expected` state."""
    query = job_postings.update().where(
        job_postings.c.id == posting_id, job_postings.c.status == expected
    )
    if employer_id is not None:
        query = query.where(job_postings.c.employer_id == employer_id)
    return query


async def update_draft(
    conn: Connection, posting_id: int, employer_id: int, values: dict, *, now
) -> bool:
    """Save the draft's fields; False if it is no longer a draft."""
    posting = complete({**values, "updated_at": now})
    changed = await conn.fetch_val(
        _transition(posting_id, employer_id, DRAFT).values(**posting).returning(job_postings.c.id)
    )
    return changed is not None


async def submit(
    conn: Connection, posting_id: int, employer_id: int, *, seen: dt.datetime, now
) -> bool:
    """下書き → 審査待ち, if the draft is still as the employer last saw it (`seen`: its
    updated_at on the check page, which found it complete); False otherwise (already
    submitted, or saved again since: the caller tells which)."""
    changed = await conn.fetch_val(
        _transition(posting_id, employer_id, DRAFT)
        .where(job_postings.c.updated_at == seen)
        .values(status=PENDING, submitted_at=now, updated_at=now)
        .returning(job_postings.c.id)
    )
    return changed is not None


async def close(conn: Connection, posting_id: int, employer_id: int, *, now) -> bool:
    """募集中 → 充足 (also after the 紹介期限日 passed); False if it was not open."""
    changed = await conn.fetch_val(
        _transition(posting_id, employer_id, catalog.STATUS_OPEN)
        .values(status=catalog.STATUS_FILLED, updated_at=now)
        .returning(job_postings.c.id)
    )
    return changed is not None


async def extend(
    conn: Connection, posting_id: int, employer_id: int, *, seen: dt.date, now
) -> dt.date | None:
    """A later 紹介期限日 for an open posting whose date is still `seen` (the one on the
    page the employer sent), so a second click extends once only. The new date, or None
    if the posting changed meanwhile. Raises CannotExtend at the limit."""
    new = extended_deadline(seen, jst_date(now))
    changed = await conn.fetch_val(
        _transition(posting_id, employer_id, catalog.STATUS_OPEN)
        .where(job_postings.c.referral_deadline == seen)
        .values(referral_deadline=new, updated_at=now)
        .returning(job_postings.c.id)
    )
    return new if changed is not None else None


# --- the staff's side --------------------------------------------------------------------


def _office_postings(office_code: str):
    # An employer's postings are 受理 by the office the 事業所 belongs to; staff of other
    # offices neither see nor decide them.
    return sa.and_(
        job_postings.c.office_code == office_code, job_postings.c.employer_id.is_not(None)
    )


async def posting_for_staff(conn: Connection, member, posting_id: int):
    """An employer's posting received by this staff member's office, or None (with
    `accepts_online`, as the job-seeker's page shows it)."""
    return await conn.fetch_one(
        sa.select(job_postings, online.column()).where(
            job_postings.c.id == posting_id, _office_postings(member["office_code"])
        )
    )


async def pending_for_office(conn: Connection, office_code: str) -> list:
    """Postings waiting for review at this office, the longest-waiting first."""
    return await conn.fetch_all(
        sa.select(
            job_postings.c.id,
            job_postings.c.job_number,
            job_postings.c.company_name,
            job_postings.c.job_title,
            job_postings.c.submitted_at,
            job_postings.c.review_note,
        )
        .where(_office_postings(office_code), job_postings.c.status == PENDING)
        .order_by(job_postings.c.submitted_at, job_postings.c.id)
    )


async def _tell_employer(
    conn: Connection, posting_id: int, template: str, *, now, base_url: str, **context
) -> None:
    """Mail every active user of the posting's 事業所 the review's outcome (inside the
    review's transaction, through the outbox)."""
    posting = await fetch_existing(
        conn,
        sa.select(
            job_postings.c.employer_id, job_postings.c.job_title, job_postings.c.job_number
        ).where(job_postings.c.id == posting_id),
    )
    await mail_employer_users(
        conn,
        posting["employer_id"],
        template=template,
        context={
            "title": posting["job_title"],
            "job_number": posting["job_number"],
            "url": f"{base_url}/employer/postings/{posting_id}",
            **context,
        },
        now=now,
    )


async def approve(conn: Connection, posting_id: int, member, *, now, base_url: str = "") -> bool:
    """審査待ち → 募集中: 受付年月日 today, 紹介期限日 set, and into the keyword index; the
    employer's users are mailed. False if it was not waiting for review."""
    today = jst_date(now)
    async with conn.transaction():
        row = await conn.fetch_one(
            _transition(posting_id, None, PENDING)
            .where(_office_postings(member["office_code"]))
            .values(
                status=catalog.STATUS_OPEN,
                received_on=today,
                referral_deadline=first_deadline(today),
                approved_at=now,
                approved_by=member["id"],
                review_note="",
                # Published now: the saved-search mails and 新着 count it from today.
                registered_at=now,
                updated_at=now,
            )
            .returning(
                job_postings.c.id,
                job_postings.c.search_text,
                job_postings.c.prefecture_code,
                job_postings.c.nearest_station,
            )
        )
        if row is None:
            return False
        await index.index_postings(
            conn,
            [(row["id"], row["search_text"], row["prefecture_code"], row["nearest_station"])],
        )
        await _tell_employer(
            conn,
            posting_id,
            "posting_approved",
            now=now,
            base_url=base_url,
            deadline=first_deadline(today),
        )
    return True


async def reject(
    conn: Connection, posting_id: int, member, note: str, *, now, base_url: str = ""
) -> bool:
    """審査待ち → 下書き with the reviewer's note for the employer (who is mailed); False if
    it was not waiting for review."""
    async with conn.transaction():
        changed = await conn.fetch_val(
            _transition(posting_id, None, PENDING)
            .where(_office_postings(member["office_code"]))
            .values(status=DRAFT, review_note=note, updated_at=now)
            .returning(job_postings.c.id)
        )
        if changed is None:
            return False
        await _tell_employer(conn, posting_id, "posting_returned", now=now, base_url=base_url)
    return True
