"""Hello Work offices, staff accounts, employers (事業所) and their users.

Used by the CLI (`python -m webapp staff add`, `employer add`), by staff pages and by the
areas that mail an employer's users; nothing here reads a request. Every refusal is a
MemberError with a Japanese message.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from databases.core import Connection

from webapp import validation
from webapp.auth.roles import EMPLOYER, STAFF
from webapp.mail import outbox
from webapp.schema import employers, members, offices
from webapp.security.passwords import guessable_errors, hash_password, rule_errors


class MemberError(ValueError):
    """Refused; the message says why, in Japanese."""


@dataclass(frozen=True)
class NewMember:
    name: str
    email: str
    password: str


def validate_member(*, name: str, email: str, password: str) -> NewMember:
    problems, values = [], {}
    for field, rule, raw in (
        ("name", validation.person_name, name),
        ("email", validation.email, email),
    ):
        try:
            values[field] = rule(raw)
        except validation.FieldError as error:
            problems.append(str(error))
    problems += rule_errors(password)
    if not problems:
        problems += guessable_errors(password, email=values.get("email", ""))
    if problems:
        raise MemberError("\n".join(problems))
    return NewMember(password=password, **values)


async def office_by_code(conn: Connection, code: str | None):
    """The office with this 安定所番号, or the first one when no code is given."""
    query = sa.select(offices)
    query = query.where(offices.c.code == code) if code else query.order_by(offices.c.id).limit(1)
    office = await conn.fetch_one(query)
    if office is None:
        raise MemberError(f"安定所番号 {code} のハローワークは登録されていません。")
    return office


async def list_offices(conn: Connection) -> list:
    """Every office, by 安定所番号 (お問い合わせ)."""
    return await conn.fetch_all(
        sa.select(offices.c.id, offices.c.name, offices.c.phone).order_by(offices.c.code)
    )


async def add_office(conn: Connection, *, code: str, name: str, phone: str) -> int:
    if not (len(code) == 5 and code.isdigit()):
        raise MemberError("安定所番号は5桁の数字で入力してください。")
    if await conn.fetch_val(sa.select(offices.c.id).where(offices.c.code == code)):
        raise MemberError(f"安定所番号 {code} は既に登録されています。")
    return await conn.fetch_val(
        offices.insert().values(code=code, name=name, phone=phone).returning(offices.c.id)
    )


async def _insert_member(conn: Connection, new: NewMember, now: dt.datetime, **owner) -> int:
    taken = await conn.fetch_val(sa.select(members.c.id).where(members.c.email == new.email))
    if taken:
        raise MemberError(f"メールアドレス {new.email} は既に登録されています。")
    return await conn.fetch_val(
        members.insert()
        .values(
            name=new.name,
            email=new.email,
            password_hash=await hash_password(new.password),
            password_set_at=now,
            active=True,
            created_at=now,
            **owner,
        )
        .returning(members.c.id)
    )


async def add_staff(
    conn: Connection, new: NewMember, *, office_code: str | None, now: dt.datetime
) -> int:
    """A Hello Work staff account at this office; returns its id."""
    async with conn.transaction():
        office = await office_by_code(conn, office_code)
        return await _insert_member(conn, new, now, role=STAFF, office_id=office["id"])


@dataclass(frozen=True)
class NewEmployer:
    name: str
    kana: str
    address: str
    phone: str
    business: str


def validate_employer(*, name: str, kana: str, address: str, phone: str, business: str = ""):
    problems = []
    name, address, business = (validation.nfkc(v).strip() for v in (name, address, business))
    if not name:
        problems.append("事業所名を入力してください。")
    elif len(name) > 100:
        problems.append("事業所名は100文字以内で入力してください。")
    try:
        kana = validation.kana(kana) if kana.strip() else ""
    except validation.FieldError as error:
        problems.append(str(error))
    if len(address) > 200:
        problems.append("所在地は200文字以内で入力してください。")
    try:
        phone = validation.phone(phone) if phone.strip() else ""
    except validation.FieldError as error:
        problems.append(str(error))
    if problems:
        raise MemberError("\n".join(problems))
    return NewEmployer(name, kana, address, phone, business[:500])


def format_employer_number(office_code: str, serial: int) -> str:
    """事業所番号: the office's four-digit prefix, a six-digit serial, a check digit."""
    body = f"{office_code[:4]}{serial:06d}"
    check = sum(int(d) * (i % 2 + 1) for i, d in enumerate(body)) % 10
    return f"{office_code[:4]}-{serial:06d}-{check}"


async def add_employer(
    conn: Connection,
    employer: NewEmployer,
    first_user: NewMember,
    *,
    office_code: str | None,
    now: dt.datetime,
) -> str:
    """A 事業所 with its first user; returns the 事業所番号. Nothing is written on refusal."""
    async with conn.transaction():
        office = await office_by_code(conn, office_code)
        count = await conn.fetch_val(
            sa.select(sa.func.count())
            .select_from(employers)
            .where(employers.c.office_id == office["id"])
        )
        number = format_employer_number(office["code"], count + 1)
        employer_id = await conn.fetch_val(
            employers.insert()
            .values(
                employer_number=number,
                office_id=office["id"],
                name=employer.name,
                kana=employer.kana,
                address=employer.address,
                phone=employer.phone,
                business=employer.business,
                created_at=now,
            )
            .returning(employers.c.id)
        )
        await _insert_member(conn, first_user, now, role=EMPLOYER, employer_id=employer_id)
    return number


async def add_employer_user(
    conn: Connection, new: NewMember, *, employer_number: str, now: dt.datetime
) -> int:
    async with conn.transaction():
        employer_id = await conn.fetch_val(
            sa.select(employers.c.id).where(employers.c.employer_number == employer_number)
        )
        if employer_id is None:
            raise MemberError(f"事業所番号 {employer_number} の事業所は登録されていません。")
        return await _insert_member(conn, new, now, role=EMPLOYER, employer_id=employer_id)


async def mail_employer_users(
    conn: Connection, employer_id: int, *, template: str, context: dict, now: dt.datetime
) -> None:
    """One mail to each active user of the 事業所, through the outbox: call it inside the
    transaction of the change it tells them about."""
    users = await conn.fetch_all(
        sa.select(members.c.name, members.c.email)
        .where(
            members.c.employer_id == employer_id,
            members.c.role == EMPLOYER,
            members.c.active.is_(True),
        )
        .order_by(members.c.id)
    )
    for user in users:
        await outbox.enqueue(
            conn,
            to=user["email"],
            template=template,
            context={"name": user["name"], **context},
            now=now,
        )
