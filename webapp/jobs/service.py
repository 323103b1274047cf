"""求人票: reading one posting, and what a seeker sees of its state."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
from databases.core import Connection

from webapp.jobs import catalog, search, text
from webapp.schema import job_postings

JOB_NUMBER = re.compile(r"\d{5}-\d{8}")


def state(posting, today: dt.date) -> str:
    """募集中, 充足 or 紹介期限切れ (a passed 紹介期限日 closes an open posting)."""
    if posting["status"] == catalog.STATUS_OPEN and posting["referral_deadline"] < today:
        return catalog.STATUS_EXPIRED
    return posting["status"]


async def by_number(conn: Connection, job_number: str):
    """The posting with this 求人番号 (any state but an employer's unpublished 下書き or
    審査待ち), or None."""
    number = text.normalize(job_number).strip()
    if not JOB_NUMBER.fullmatch(number):
        return None
    return await conn.fetch_one(
        sa.select(job_postings).where(
            job_postings.c.job_number == number,
            job_postings.c.status.not_in(("draft", "pending")),
        )
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
    posting["wage_monthly"] = posting["wage_min"] * (catalog.HOURS_PER_MONTH if hourly else 1)
    parts = [posting.get(name) or "" for name in SEARCHED_FIELDS]
    parts.insert(4, catalog.PREFECTURES.get(posting["prefecture_code"], ""))
    # Fields are joined by newlines, so no keyword matches across two of them.
    posting["search_text"] = text.normalize("\n".join(parts))
    return posting


def wage_text(row) -> str:
    label = catalog.WAGE_TYPES.get(row["wage_type"], "")
    if row["wage_max"] and row["wage_max"] != row["wage_min"]:
        return f"{label} {row['wage_min']:,}円〜{row['wage_max']:,}円"
    return f"{label} {row['wage_min']:,}円"


async def create_posting(conn: Connection, values: dict, *, now: dt.datetime) -> int:
    """Register one posting and index it (for counters, tests and the later employer side)."""
    posting = complete({"registered_at": now, "updated_at": now, **values})
    async with conn.transaction():
        posting_id = await conn.fetch_val(
            job_postings.insert().values(**posting).returning(job_postings.c.id)
        )
        await search.index_postings(
            conn, [(posting_id, posting["search_text"], posting["prefecture_code"])]
        )
    return posting_id
