"""Demo data (`python -m webapp demo`): counter-registered job-seekers, ready for the
パスワード登録 wizard, staff and employer sign-ins, and postings (employer_postings.py: the
demo employer's own; postings.py and bulk.py: generated ones, loaded in bulk, with the
事業所 of those that take オンライン自主応募 from employers.py)."""

from __future__ import annotations

import contextlib
import time

import sqlalchemy as sa
from databases.core import Connection

from webapp.clock import Clock, jst_date
from webapp.demo import bulk, employer_postings, employers
from webapp.demo import postings as demo_postings
from webapp.members import service as members
from webapp.schema import job_postings, job_seekers
from webapp.schema import members as member_rows
from webapp.seekers import service as seekers

DEMO_SEEKERS = [
    ("山田太郎", "ヤマダタロウ", "1990-04-01", "taro@example.com"),
    ("鈴木花子", "スズキハナコ", "1985-11-23", "hanako@example.com"),
    ("グエン・ヴァン・アン", "グエンヴァンアン", "1998-07-15", "an@example.com"),
]
# What the counter would have asked them, so staff pages and employers have something to show.
DEMO_DETAILS = {
    "taro@example.com": {
        "phone": "0763-00-1111",
        "address": "富山県砺波市表町2-3",
        "desired_occupation": "H",
        "desired_prefecture": "16",
        "desired_municipality": "砺波市",
        "desired_employment_type": "regular",
    },
    "hanako@example.com": {
        "phone": "0763-00-2222",
        "address": "富山県砺波市中央町5-1",
        "desired_occupation": "C",
        "desired_prefecture": "16",
        "desired_municipality": "砺波市",
        "desired_employment_type": "part",
    },
    "an@example.com": {
        "phone": "090-0000-3333",
        "address": "富山県砺波市出町中央7-8",
        "desired_occupation": "H",
        "desired_prefecture": "16",
        "desired_employment_type": "regular",
    },
}


# Demo sign-ins for staff and employers (a demo database only; never in production).
DEMO_MEMBER_PASSWORD = "Demo#2026hw"
DEMO_OFFICES = [("13010", "ハローワーク飯田橋", "03-3812-8609")]
DEMO_STAFF = [
    ("砺波一郎", "staff@example.com", "16040"),
    ("飯田橋花子", "staff2@example.com", "13010"),
]
DEMO_EMPLOYER = {
    "name": "株式会社となみ精工",
    "kana": "トナミセイコウ",
    "address": "富山県砺波市表町1-1",
    "phone": "0763-00-1234",
    "business": "精密機械部品の製造",
}
DEMO_EMPLOYER_USER = ("採用担当 佐藤", "employer@example.com")


async def _load_members(conn: Connection, now) -> list[str]:
    """Offices, staff and an employer for demos; left alone when already present."""
    for code, name, phone in DEMO_OFFICES:
        with contextlib.suppress(members.MemberError):  # already there
            await members.add_office(conn, code=code, name=name, phone=phone)
    lines = []
    for name, email, office in DEMO_STAFF:
        if not await _member_exists(conn, email):
            new = members.NewMember(name=name, email=email, password=DEMO_MEMBER_PASSWORD)
            await members.add_staff(conn, new, office_code=office, now=now)
        lines.append(f"  職員 {email} / {DEMO_MEMBER_PASSWORD} (安定所 {office})")
    user_name, email = DEMO_EMPLOYER_USER
    if not await _member_exists(conn, email):
        employer = members.validate_employer(**DEMO_EMPLOYER)
        new = members.NewMember(name=user_name, email=email, password=DEMO_MEMBER_PASSWORD)
        await members.add_employer(conn, employer, new, office_code="16040", now=now)
    await employer_postings.load_demo_postings(
        conn, employer_email=email, staff_email=DEMO_STAFF[0][1], now=now
    )
    lines.append(f"  求人者 {email} / {DEMO_MEMBER_PASSWORD}（募集中の求人票 2件）")
    return lines


async def _member_exists(conn: Connection, email: str) -> bool:
    query = sa.select(sa.func.count()).select_from(member_rows).where(member_rows.c.email == email)
    return bool(await conn.fetch_val(query))


async def load_demo(conn: Connection, *, seed: int = 1, jobs: int = 0) -> str:
    """Idempotent: job-seekers whose address is already registered are left as they are;
    postings are added only to a database that has none."""
    now = Clock().now()
    added = []
    for name, kana, birthdate, email in DEMO_SEEKERS:
        exists = await conn.fetch_val(
            sa.select(sa.func.count()).select_from(job_seekers).where(job_seekers.c.email == email)
        )
        if exists:
            continue
        new = seekers.validate_new_seeker(
            name=name,
            kana=kana,
            birthdate=birthdate,
            email=email,
            today=jst_date(now),
            **DEMO_DETAILS[email],
        )
        added.append(await seekers.register(conn, new, office_code=None, now=now))
    lines = [f"demo job-seekers added: {len(added)}"]
    lines += [f"  {email} / 生年月日 {birthdate}" for _, _, birthdate, email in DEMO_SEEKERS]
    lines.append("demo staff and employer sign-ins (/staff/login, /employer/login):")
    lines += await _load_members(conn, now)
    if jobs:
        lines.append(await _load_postings(conn, jobs, seed=seed, now=now))
    return "\n".join(lines)


async def _load_postings(conn: Connection, count: int, *, seed: int, now) -> str:
    demo_employer = (  # its own postings (employer_postings.py) do not count
        sa.select(member_rows.c.employer_id)
        .where(member_rows.c.email == DEMO_EMPLOYER_USER[1])
        .scalar_subquery()
    )
    existing = await conn.fetch_val(
        sa.select(sa.func.count())
        .select_from(job_postings)
        .where(job_postings.c.employer_id.is_distinct_from(demo_employer))
    )
    if existing:
        return f"demo postings: {existing:,} already present, none added (use a fresh database)"
    started = time.monotonic()
    async with conn.transaction():
        # Each company that takes オンライン自主応募 gets its 事業所 and 求人者マイページ.
        companies = employers.DemoEmployers(await employers.next_employer_id(conn))
        postings = demo_postings.generate(count, seed=seed, today=jst_date(now))
        loaded = await bulk.load_postings(conn, companies.attach(postings))
        accounts = await companies.save(conn, now=now)
    return (
        f"demo postings added: {loaded:,} in {time.monotonic() - started:.1f} s\n"
        f"  事業所 with a 求人者マイページ (no password, mail to /mailbox): {accounts:,}; "
        "only their postings take オンライン自主応募"
    )
