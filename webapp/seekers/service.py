"""Job-seekers as registered at the Hello Work counter (求職申込み)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from databases.core import Connection

from webapp import validation
from webapp.clock import to_jst
from webapp.schema import job_seekers, offices
from webapp.seekers.validity import end_of_month_after_next


class RegistrationError(ValueError):
    """Counter registration refused; the message says why, in Japanese."""


@dataclass(frozen=True)
class NewSeeker:
    name: str
    kana: str
    birthdate: dt.date
    email: str


def validate_new_seeker(
    *, name: str, kana: str, birthdate: str, email: str, today: dt.date
) -> NewSeeker:
    """Check and normalize counter input; raises RegistrationError with every problem."""
    problems, values = [], {}
    for field, rule, raw in (
        ("name", validation.person_name, name),
        ("kana", validation.kana, kana),
        ("email", validation.email, email),
    ):
        try:
            values[field] = rule(raw)
        except validation.FieldError as error:
            problems.append(str(error))
    try:
        values["birthdate"] = validation.iso_date(birthdate, today=today)
    except validation.FieldError as error:
        problems.append(str(error))
    if problems:
        raise RegistrationError("\n".join(problems))
    return NewSeeker(**values)


def format_seeker_number(office_code: str, serial: int) -> str:
    """求職番号: five-digit office code, hyphen, eight-digit serial."""
    return f"{office_code}-{serial:08d}"


async def register(
    conn: Connection, seeker: NewSeeker, *, office_code: str | None, now: dt.datetime
) -> str:
    """Create the job-seeker and return their 求職番号; nothing is written on refusal."""
    async with conn.transaction():
        office_query = sa.select(offices.c.id, offices.c.code)
        office_query = (
            office_query.where(offices.c.code == office_code)
            if office_code
            else office_query.order_by(offices.c.id).limit(1)
        )
        office = await conn.fetch_one(office_query)
        if office is None:
            raise RegistrationError(
                f"安定所番号 {office_code} のハローワークは登録されていません。"
            )
        taken = await conn.fetch_val(
            sa.select(sa.func.count())
            .select_from(job_seekers)
            .where(job_seekers.c.email == seeker.email)
        )
        if taken:
            raise RegistrationError(
                f"メールアドレス {seeker.email} は既に別の求職者に登録されています。"
            )
        serial = await conn.fetch_val(
            offices.update()
            .where(offices.c.id == office["id"])
            .values(last_serial=offices.c.last_serial + 1)
            .returning(offices.c.last_serial)
        )
        number = format_seeker_number(office["code"], serial)
        try:
            await conn.execute(
                job_seekers.insert().values(
                    seeker_number=number,
                    office_id=office["id"],
                    name=seeker.name,
                    kana=seeker.kana,
                    birthdate=seeker.birthdate,
                    email=seeker.email,
                    created_at=now,
                    valid_until=end_of_month_after_next(to_jst(now).date()),
                )
            )
        except Exception as error:  # sqlite3 / asyncpg IntegrityError: a racing registration
            if "unique" not in str(error).lower():
                raise
            raise RegistrationError(
                f"メールアドレス {seeker.email} は既に別の求職者に登録されています。"
            ) from error
    return number


async def get(conn: Connection, seeker_id: int):
    return await conn.fetch_one(sa.select(job_seekers).where(job_seekers.c.id == seeker_id))
