"""有効期限: how long a job-seeker's registration (求職登録) stays valid.

A registration is valid until the end of the month after next. Counselling, a referral or
an application in its last month extends it by a month; 7 days before it lapses the
job-seeker gets a mail saying what extends it. A lapsed registration keeps every saved
condition and favourite: the real service lets them stop without warning, and its users
complain of exactly that.
"""

from __future__ import annotations

import calendar
import datetime as dt

import sqlalchemy as sa
from databases.core import Connection

from webapp.clock import jst_date
from webapp.mail import outbox
from webapp.schema import job_seekers

REMIND_DAYS_BEFORE = 7


def end_of_month_after_next(day: dt.date) -> dt.date:
    return _end_of_month(day, months_ahead=2)


def _end_of_month(day: dt.date, *, months_ahead: int) -> dt.date:
    year, month = divmod(day.month - 1 + months_ahead, 12)
    year, month = day.year + year, month + 1
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def days_left(valid_until: dt.date | None, today: dt.date) -> int | None:
    """Days from today to the last valid day (0 on that day, negative once lapsed)."""
    return None if valid_until is None else (valid_until - today).days


def is_active(seeker, today: dt.date) -> bool:
    """有効: registered as active and the 有効期限 not passed."""
    until = seeker["valid_until"]
    return seeker["status"] == "active" and (until is None or until >= today)


def in_last_month(valid_until: dt.date, today: dt.date) -> bool:
    return today <= valid_until and (today.year, today.month) == (
        valid_until.year,
        valid_until.month,
    )


async def extend_for_activity(conn: Connection, seeker_id: int, now: dt.datetime) -> bool:
    """Counselling, a referral or an application happened: in the registration's last month
    it is extended to the end of the next month. Call inside the activity's transaction."""
    today = jst_date(now)
    valid_until = await conn.fetch_val(
        sa.select(job_seekers.c.valid_until).where(job_seekers.c.id == seeker_id)
    )
    if valid_until is None or not in_last_month(valid_until, today):
        return False
    await conn.execute(
        job_seekers.update()
        .where(job_seekers.c.id == seeker_id, job_seekers.c.valid_until == valid_until)
        .values(valid_until=_end_of_month(valid_until, months_ahead=1))
    )
    return True


async def remind_once(db, clock, base_url: str) -> int:
    """Queue the lapse reminder for every active registration ending within 7 days that
    has not had one for this date; returns how many were queued. Safe on several
    instances: each row is claimed by an UPDATE that only one of them wins."""
    now = clock.now()
    today = jst_date(now)
    horizon = today + dt.timedelta(days=REMIND_DAYS_BEFORE)
    queued = 0
    async with db.connection() as conn:
        due = await conn.fetch_all(
            sa.select(job_seekers.c.id, job_seekers.c.valid_until).where(
                job_seekers.c.status == "active",
                job_seekers.c.valid_until >= today,
                job_seekers.c.valid_until <= horizon,
                sa.or_(
                    job_seekers.c.lapse_reminded_for.is_(None),
                    job_seekers.c.lapse_reminded_for != job_seekers.c.valid_until,
                ),
            )
        )
        for row in due:
            async with conn.transaction():
                seeker = await conn.fetch_one(
                    job_seekers.update()
                    .where(
                        job_seekers.c.id == row["id"],
                        job_seekers.c.valid_until == row["valid_until"],
                        sa.or_(
                            job_seekers.c.lapse_reminded_for.is_(None),
                            job_seekers.c.lapse_reminded_for != row["valid_until"],
                        ),
                    )
                    .values(lapse_reminded_for=row["valid_until"])
                    .returning(job_seekers.c.name, job_seekers.c.email)
                )
                if seeker is None:
                    continue  # another instance sent it
                await outbox.enqueue(
                    conn,
                    to=seeker["email"],
                    template="validity_reminder",
                    context={
                        "name": seeker["name"],
                        "valid_until": row["valid_until"],
                        "days_left": (row["valid_until"] - today).days,
                        "mypage_url": f"{base_url}/mypage",
                    },
                    now=now,
                )
                queued += 1
    return queued
