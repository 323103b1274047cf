"""求職情報: reading and changing a job-seeker's information, with a history of every change,
and the 有効／無効 switch."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from databases.core import Connection

from webapp.clock import jst_date
from webapp.db import fetch_existing
from webapp.postings import catalog
from webapp.profile.forms import FIELDS, LABELS
from webapp.schema import job_seekers, members, profile_changes, seeker_profiles, work_history
from webapp.seekers import service as seekers

MAX_HISTORY_ENTRIES = 20


async def load(conn: Connection, seeker_id: int) -> dict:
    """Every field of the form, with the profile's defaults when it was never saved."""
    seeker = await conn.fetch_one(sa.select(job_seekers).where(job_seekers.c.id == seeker_id))
    profile = await conn.fetch_one(
        sa.select(seeker_profiles).where(seeker_profiles.c.seeker_id == seeker_id)
    )
    values = {}
    for field in FIELDS:
        source = seeker if field.table == "seekers" else profile
        value = source[field.name] if source is not None else None
        values[field.name] = "" if value is None else value
    return values


def display(name: str, value) -> str:
    """A stored value as the job-seeker reads it (職種 codes as names, and so on)."""
    if value in (None, ""):
        return ""
    if name.startswith("desired_occupation"):
        return catalog.OCCUPATIONS.get(value, value)
    if name == "desired_prefecture":
        return catalog.prefecture_name(value)
    if name == "desired_employment_type":
        return catalog.EMPLOYMENT_TYPES.get(value, value)
    if name == "desired_wage_type":
        return catalog.WAGE_TYPES.get(value, value)
    if name == "desired_wage_min":
        return f"{int(value):,}円以上"
    if name == "status":
        return {"active": "有効", "inactive": "無効"}.get(value, value)
    return str(value)


async def save(
    conn: Connection,
    seeker_id: int,
    clean: dict,
    *,
    actor: str,
    member_id: int | None = None,
    now: dt.datetime,
) -> list[str]:
    """Store the changed fields and one history row each; returns their labels. Sending the
    same form twice changes nothing the second time."""
    async with conn.transaction():
        before = await load(conn, seeker_id)
        changed = [f for f in FIELDS if _norm(before[f.name]) != _norm(clean[f.name])]
        if not changed:
            return []
        seeker_values = {f.name: clean[f.name] for f in changed if f.table == "seekers"}
        profile_values = {f.name: clean[f.name] for f in changed if f.table == "profile"}
        if seeker_values:
            await conn.execute(
                job_seekers.update().where(job_seekers.c.id == seeker_id).values(**seeker_values)
            )
        if profile_values:
            await ensure_profile(conn, seeker_id, now)
            await conn.execute(
                seeker_profiles.update()
                .where(seeker_profiles.c.seeker_id == seeker_id)
                .values(**profile_values, updated_at=now)
            )
        for field in changed:
            await record(
                conn,
                seeker_id,
                field.name,
                display(field.name, before[field.name]),
                display(field.name, clean[field.name]),
                actor=actor,
                member_id=member_id,
                now=now,
            )
    return [f.label for f in changed]


def _norm(value) -> str:
    return "" if value is None else str(value)


async def ensure_profile(conn: Connection, seeker_id: int, now: dt.datetime) -> None:
    exists = await conn.fetch_val(
        sa.select(sa.func.count())
        .select_from(seeker_profiles)
        .where(seeker_profiles.c.seeker_id == seeker_id)
    )
    if not exists:
        await conn.execute(seeker_profiles.insert().values(seeker_id=seeker_id, updated_at=now))


async def record(
    conn: Connection,
    seeker_id: int,
    field: str,
    before: str,
    after: str,
    *,
    actor: str,
    member_id: int | None,
    now: dt.datetime,
) -> None:
    await seekers.record_change(
        conn, seeker_id, field, before, after, actor=actor, member_id=member_id, now=now
    )


async def changes(conn: Connection, seeker_id: int, limit: int = 200) -> list[dict]:
    rows = await conn.fetch_all(
        sa.select(profile_changes, members.c.name.label("member_name"))
        .select_from(
            profile_changes.outerjoin(members, profile_changes.c.member_id == members.c.id)
        )
        .where(profile_changes.c.seeker_id == seeker_id)
        .order_by(profile_changes.c.created_at.desc(), profile_changes.c.id.desc())
        .limit(limit)
    )
    return [{**r._mapping, "label": LABELS.get(r["field"], r["field"])} for r in rows]


async def history_entries(conn: Connection, seeker_id: int):
    return await conn.fetch_all(
        sa.select(work_history)
        .where(work_history.c.seeker_id == seeker_id)
        .order_by(work_history.c.started.desc(), work_history.c.id.desc())
    )


def _entry_text(entry) -> str:
    period = f"{entry['started']}〜{entry['ended'] or '現在'}"
    return f"{period} {entry['company']} {entry['job']}".strip()


class HistoryFull(Exception):
    pass


async def add_history(conn: Connection, seeker_id: int, clean: dict, *, now: dt.datetime) -> None:
    async with conn.transaction():
        rows = await history_entries(conn, seeker_id)
        if any(_entry_text(r) == _entry_text(clean) for r in rows):
            return  # the same entry sent twice
        if len(rows) >= MAX_HISTORY_ENTRIES:
            raise HistoryFull
        await conn.execute(work_history.insert().values(seeker_id=seeker_id, **clean))
        await record(
            conn, seeker_id, "work_history", "", _entry_text(clean), actor="seeker",
            member_id=None, now=now,
        )  # fmt: skip


async def remove_history(
    conn: Connection, seeker_id: int, entry_id: int, *, now: dt.datetime
) -> bool:
    async with conn.transaction():
        entry = await conn.fetch_one(
            sa.select(work_history).where(
                work_history.c.id == entry_id, work_history.c.seeker_id == seeker_id
            )
        )
        if entry is None:
            return False
        await conn.execute(work_history.delete().where(work_history.c.id == entry_id))
        await record(
            conn, seeker_id, "work_history", _entry_text(entry), "", actor="seeker",
            member_id=None, now=now,
        )  # fmt: skip
    return True


class CannotReactivate(Exception):
    """The registration has lapsed: only the counter can renew it."""


async def set_status(conn: Connection, seeker_id: int, status: str, *, now: dt.datetime) -> bool:
    """有効 ↔ 無効; returns whether anything changed (a repeated click changes nothing)."""
    async with conn.transaction():
        row = await fetch_existing(
            conn,
            sa.select(job_seekers.c.status, job_seekers.c.valid_until).where(
                job_seekers.c.id == seeker_id
            ),
        )
        if row["status"] == status:
            return False
        if status == "active" and row["valid_until"] and row["valid_until"] < jst_date(now):
            raise CannotReactivate
        await conn.execute(
            job_seekers.update().where(job_seekers.c.id == seeker_id).values(status=status)
        )
        await record(
            conn, seeker_id, "status", display("status", row["status"]), display("status", status),
            actor="seeker", member_id=None, now=now,
        )  # fmt: skip
    return True
