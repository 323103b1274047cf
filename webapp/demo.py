"""Demo data: counter-registered job-seekers, ready for the パスワード登録 wizard, and postings."""

from __future__ import annotations

import time

import sqlalchemy as sa
from databases.core import Connection

from webapp.clock import Clock
from webapp.jobs import bulk, demo_postings, search
from webapp.schema import job_postings, job_seekers
from webapp.seekers import service as seekers

DEMO_SEEKERS = [
    ("山田太郎", "ヤマダタロウ", "1990-04-01", "taro@example.com"),
    ("鈴木花子", "スズキハナコ", "1985-11-23", "hanako@example.com"),
    ("グエン・ヴァン・アン", "グエンヴァンアン", "1998-07-15", "an@example.com"),
]


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
            name=name, kana=kana, birthdate=birthdate, email=email, today=now.date()
        )
        added.append(await seekers.register(conn, new, office_code=None, now=now))
    lines = [f"demo job-seekers added: {len(added)}"]
    lines += [f"  {email} / 生年月日 {birthdate}" for _, _, birthdate, email in DEMO_SEEKERS]
    if jobs:
        lines.append(await _load_postings(conn, jobs, seed=seed, now=now))
    return "\n".join(lines)


async def _load_postings(conn: Connection, count: int, *, seed: int, now) -> str:
    existing = await conn.fetch_val(sa.select(sa.func.count()).select_from(job_postings))
    if existing:
        return f"demo postings: {existing:,} already present, none added (use a fresh database)"
    started = time.monotonic()
    postings = demo_postings.generate(count, seed=seed, today=search.jst_today(now))
    loaded = await bulk.load_postings(conn, postings)
    return f"demo postings added: {loaded:,} in {time.monotonic() - started:.1f} s"
