"""求職活動実績: what counts as job-seeking activity for unemployment benefit, by month.

Applications (オンライン自主応募), referrals (紹介状) and what staff record at the counter
(職業相談, セミナー) are read from their own tables and merged, so the list can never
disagree with the rest of My Page.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

import sqlalchemy as sa
from databases.core import Connection

from webapp.clock import jst_date
from webapp.schema import activities, applications, job_postings, offices, referrals
from webapp.seekers import validity

KINDS = {"counselling": "職業相談", "seminar": "セミナー・講習の受講"}


@dataclass(frozen=True)
class Activity:
    day: dt.date
    kind: str  # as shown: 職業紹介 / 応募 / 職業相談 ...
    detail: str  # 事業所名・職種, or the office and the note
    job_number: str = ""


async def for_seeker(conn: Connection, seeker_id: int) -> list[Activity]:
    """Every activity, newest first."""
    found: list[Activity] = []
    rows = await conn.fetch_all(
        sa.select(
            referrals.c.created_at,
            job_postings.c.company_name,
            job_postings.c.job_title,
            job_postings.c.job_number,
        )
        .select_from(referrals.join(job_postings, referrals.c.posting_id == job_postings.c.id))
        .where(referrals.c.seeker_id == seeker_id)
    )
    found += [
        Activity(
            jst_date(r["created_at"]),
            "職業紹介（ハローワークの紹介）",
            f"{r['company_name']}　{r['job_title']}",
            r["job_number"],
        )
        for r in rows
    ]
    rows = await conn.fetch_all(
        sa.select(
            applications.c.created_at,
            job_postings.c.company_name,
            job_postings.c.job_title,
            job_postings.c.job_number,
        )
        .select_from(
            applications.join(job_postings, applications.c.posting_id == job_postings.c.id)
        )
        .where(applications.c.seeker_id == seeker_id, applications.c.kind == "direct")
    )
    found += [
        Activity(
            jst_date(r["created_at"]),
            "応募（オンライン自主応募）",
            f"{r['company_name']}　{r['job_title']}",
            r["job_number"],
        )
        for r in rows
    ]
    rows = await conn.fetch_all(
        sa.select(activities.c.happened_on, activities.c.kind, activities.c.note, offices.c.name)
        .select_from(activities.join(offices, activities.c.office_id == offices.c.id))
        .where(activities.c.seeker_id == seeker_id)
    )
    found += [
        Activity(
            r["happened_on"],
            KINDS.get(r["kind"], r["kind"]),
            f"{r['name']}" + (f"　{r['note']}" if r["note"] else ""),
        )
        for r in rows
    ]
    return sorted(found, key=lambda a: (a.day, a.kind), reverse=True)


def by_month(found: list[Activity]) -> list[tuple[str, list[Activity]]]:
    """[(「2026年11月」, activities), ...], newest month first."""
    months: dict[tuple[int, int], list[Activity]] = {}
    for activity in found:
        months.setdefault((activity.day.year, activity.day.month), []).append(activity)
    return [(f"{y}年{m}月", items) for (y, m), items in months.items()]


def as_csv(found: list[Activity]) -> bytes:
    """UTF-8 with a BOM, so Excel on Windows opens the Japanese text correctly."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["日付", "活動の種類", "事業所名・内容", "求人番号"])
    for a in found:
        writer.writerow([a.day.isoformat(), a.kind, a.detail, a.job_number])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


async def record(
    conn: Connection,
    *,
    seeker_id: int,
    office_id: int,
    member_id: int,
    kind: str,
    happened_on: dt.date,
    note: str,
    now: dt.datetime,
) -> bool:
    """Staff record counselling or a seminar; it also extends a registration in its last
    month. Returns False when the same record already exists (a form sent twice)."""
    async with conn.transaction():
        same = await conn.fetch_val(
            sa.select(sa.func.count())
            .select_from(activities)
            .where(
                activities.c.seeker_id == seeker_id,
                activities.c.kind == kind,
                activities.c.happened_on == happened_on,
                activities.c.note == note,
            )
        )
        if same:
            return False
        await conn.execute(
            activities.insert().values(
                seeker_id=seeker_id,
                office_id=office_id,
                member_id=member_id,
                kind=kind,
                happened_on=happened_on,
                note=note,
                created_at=now,
            )
        )
        await validity.extend_for_activity(conn, seeker_id, now)
    return True
