"""求職公開: the seeker's publishing settings, who may see a profile, and the one function
that builds what an employer sees (the seeker's preview uses it too, so the two agree).

The employer view is built from PUBLIC_COLUMNS only: name, kana, address, phone, mail and
求職番号 are never read for it, so no template change can leak them. The birthdate is read
for the age band and goes no further; 職歴 is read without the company name.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from databases.core import Connection
from sqlalchemy.dialects import postgresql, sqlite

from webapp.db import is_sqlite
from webapp.postings import catalog
from webapp.publishing import parts
from webapp.schema import employer_blocks, job_seekers, seeker_profiles, work_history

NOT_GIVEN = "登録なし"
NUMBER_PREFIX = "K"


@dataclass(frozen=True)
class Section:
    """One published part: its title and (label, text) rows."""

    key: str
    title: str
    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ProfileView:
    """Everything an employer sees of a published profile, and nothing else."""

    publish_number: str
    age_band: str
    updated_at: dt.datetime | None
    sections: tuple[Section, ...]

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)


# The only job_seekers and seeker_profiles columns the employer view is built from.
PUBLIC_COLUMNS = (
    job_seekers.c.id.label("seeker_id"),
    job_seekers.c.birthdate,  # for the age band only
    job_seekers.c.desired_occupation,
    job_seekers.c.desired_prefecture,
    job_seekers.c.desired_municipality,
    job_seekers.c.desired_employment_type,
    job_seekers.c.status,
    job_seekers.c.valid_until,
    seeker_profiles.c.desired_occupation_2,
    seeker_profiles.c.desired_occupation_3,
    seeker_profiles.c.desired_wage_type,
    seeker_profiles.c.desired_wage_min,
    seeker_profiles.c.desired_hours,
    seeker_profiles.c.desired_holidays,
    seeker_profiles.c.licenses,
    seeker_profiles.c.education,
    seeker_profiles.c.self_pr,
    seeker_profiles.c.published,
    seeker_profiles.c.publish_number,
    seeker_profiles.c.publish_parts,
    seeker_profiles.c.updated_at,
)

PROFILE_JOIN = job_seekers.outerjoin(
    seeker_profiles, seeker_profiles.c.seeker_id == job_seekers.c.id
)


def age_band(birthdate: dt.date, today: dt.date) -> str:
    """年代: 30代前半 for 30–34, 30代後半 for 35–39 (never the birthdate itself)."""
    age = (
        today.year - birthdate.year - ((today.month, today.day) < (birthdate.month, birthdate.day))
    )
    if age < 20:
        return "10代"
    return f"{age // 10 * 10}代{'前半' if age % 10 < 5 else '後半'}"


def shows_part(key: str):
    """SQL: the profile publishes part `key` (publish_parts is a comma list)."""
    listed = sa.literal(",") + seeker_profiles.c.publish_parts + sa.literal(",")
    # The pattern is a bound value: `databases` %-formats the SQL text, so a literal "%"
    # (as .contains() writes) would break it.
    return listed.like(f"%,{key},%")


def containing(column, text: str):
    """SQL: `column` contains `text` literally (LIKE with its wildcards escaped)."""
    escaped = text.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return column.like(f"%{escaped}%", escape="/")


def visible_to(employer_id: int, today: dt.date):
    """SQL: an employer may see the profile: published, 有効, not lapsed, not blocked."""
    return sa.and_(
        seeker_profiles.c.published.is_(True),
        seeker_profiles.c.publish_number.is_not(None),
        job_seekers.c.status == "active",
        sa.or_(job_seekers.c.valid_until.is_(None), job_seekers.c.valid_until >= today),
        ~sa.exists().where(
            employer_blocks.c.seeker_id == job_seekers.c.id,
            employer_blocks.c.employer_id == employer_id,
        ),
    )


def _text(value) -> str:
    text = str(value or "").strip()
    return text or NOT_GIVEN


def _month(value: str) -> str:
    """YYYY-MM as 2020年4月."""
    try:
        year, month = value.split("-")
        return f"{int(year)}年{int(month)}月"
    except ValueError:
        return value


def _desired(row) -> tuple[tuple[str, str], ...]:
    codes = [row["desired_occupation"], row["desired_occupation_2"], row["desired_occupation_3"]]
    occupations = "、".join(catalog.OCCUPATIONS[c] for c in codes if c in catalog.OCCUPATIONS)
    place = catalog.prefecture_name(row["desired_prefecture"])
    if place and row["desired_municipality"]:
        place += " " + row["desired_municipality"]
    employment = catalog.EMPLOYMENT_TYPES.get(row["desired_employment_type"] or "", "")
    return (
        ("希望職種", _text(occupations)),
        ("希望雇用形態", _text(employment)),
        ("希望勤務地", _text(place)),
    )


def _wage(row) -> tuple[tuple[str, str], ...]:
    label = catalog.WAGE_TYPES.get(row["desired_wage_type"] or "", "")
    amount = row["desired_wage_min"]
    text = f"{label} {amount:,}円以上" if label and amount else ""
    return (("希望賃金", _text(text)),)


def _history(history) -> tuple[tuple[str, str], ...]:
    rows = tuple(
        (
            f"{_month(item['started'])}〜{_month(item['ended']) if item['ended'] else '現在'}",
            _text(item["job"]),
        )
        for item in history
    )
    return rows or (("職歴", NOT_GIVEN),)


def employer_view(row, history, today: dt.date, *, parts_shown=None) -> ProfileView:
    """The employer view of one profile row (PUBLIC_COLUMNS) and its 職歴 (started, ended,
    job). `parts_shown` overrides the stored choice (a preview before the first save)."""
    shown = parts.parse(row["publish_parts"]) if parts_shown is None else tuple(parts_shown)
    builders = {
        "desired": lambda: _desired(row),
        "wage": lambda: _wage(row),
        "hours": lambda: (
            ("希望就業時間", _text(row["desired_hours"])),
            ("希望休日", _text(row["desired_holidays"])),
        ),
        "licenses": lambda: (("免許・資格", _text(row["licenses"])),),
        "history": lambda: _history(history),
        "education": lambda: (("学歴", _text(row["education"])),),
        "pr": lambda: (("自己PR", _text(row["self_pr"])),),
    }
    titles = {
        "desired": "希望する仕事",
        "wage": "希望賃金",
        "hours": "希望就業時間・休日",
        "licenses": "免許・資格",
        "history": "職歴",
        "education": "学歴",
        "pr": "自己PR",
    }
    return ProfileView(
        publish_number=row["publish_number"] or "",
        age_band=age_band(row["birthdate"], today),
        updated_at=row["updated_at"],
        sections=tuple(Section(key, titles[key], builders[key]()) for key in shown),
    )


async def public_history(conn: Connection, seeker_ids: list[int]) -> dict[int, list]:
    """職歴 without the company name (it could identify the person), newest first."""
    if not seeker_ids:
        return {}
    rows = await conn.fetch_all(
        sa.select(
            work_history.c.seeker_id,
            work_history.c.started,
            work_history.c.ended,
            work_history.c.job,
        )
        .where(work_history.c.seeker_id.in_(seeker_ids))
        .order_by(work_history.c.seeker_id, work_history.c.started.desc(), work_history.c.id)
    )
    found: dict[int, list] = {seeker_id: [] for seeker_id in seeker_ids}
    for row in rows:
        found[row["seeker_id"]].append(row)
    return found


async def views(conn: Connection, rows, today: dt.date) -> list[ProfileView]:
    """Employer views of several PUBLIC_COLUMNS rows (one 職歴 query for all)."""
    history = await public_history(conn, [row["seeker_id"] for row in rows])
    return [employer_view(row, history[row["seeker_id"]], today) for row in rows]


async def visible_profile(conn: Connection, publish_number: str, employer_id: int, today):
    """The PUBLIC_COLUMNS row of a profile this employer may see, or None (not found,
    not published, 無効, lapsed and blocked all look the same)."""
    if not publish_number or len(publish_number) > 12:
        return None
    return await conn.fetch_one(
        sa.select(*PUBLIC_COLUMNS)
        .select_from(PROFILE_JOIN)
        .where(seeker_profiles.c.publish_number == publish_number, visible_to(employer_id, today))
    )


async def view_for_employer(
    conn: Connection, publish_number: str, employer_id: int, today: dt.date
) -> tuple[int, ProfileView] | None:
    """(seeker id, employer view) of a profile this employer may see, else None."""
    row = await visible_profile(conn, publish_number, employer_id, today)
    if row is None:
        return None
    return row["seeker_id"], (await views(conn, [row], today))[0]


async def own_profile(conn: Connection, seeker_id: int):
    """The job-seeker's PUBLIC_COLUMNS row (profile columns None before the first save)."""
    return await conn.fetch_one(
        sa.select(*PUBLIC_COLUMNS).select_from(PROFILE_JOIN).where(job_seekers.c.id == seeker_id)
    )


def chosen_parts(row) -> tuple[str, ...]:
    """The parts the job-seeker chose; the defaults until they first save a choice."""
    if row is None or (not row["publish_number"] and not row["publish_parts"]):
        return parts.DEFAULT_PARTS
    return parts.parse(row["publish_parts"])


async def preview(conn: Connection, seeker_id: int, today: dt.date) -> ProfileView:
    """What employers see (or would see once published), built exactly as for them."""
    row = await own_profile(conn, seeker_id)
    history = await public_history(conn, [seeker_id])
    return employer_view(row, history[seeker_id], today, parts_shown=chosen_parts(row))


def hidden_reasons(row, today: dt.date) -> list[str]:
    """Why employers cannot see the profile now (empty: they can, unless they are blocked)."""
    reasons = []
    if not row["published"]:
        reasons.append("求職情報を公開していません。")
    if row["status"] != "active":
        reasons.append("求職情報が「無効」になっています。")
    elif row["valid_until"] is not None and row["valid_until"] < today:
        reasons.append("求職登録の有効期限が過ぎています。")
    return reasons


async def insert_ignoring_duplicate(conn: Connection, table: sa.Table, keys: list[str], **values):
    """INSERT ... ON CONFLICT DO NOTHING on either backend (a racing insert is not an error)."""
    insert = sqlite.insert if is_sqlite(conn) else postgresql.insert
    await conn.execute(insert(table).values(**values).on_conflict_do_nothing(index_elements=keys))


async def _new_publish_number(conn: Connection) -> str:
    """公開番号: K and 8 random digits, unused; random so it says nothing about the person
    or the order of registration (a 求職番号 carries the office and a serial)."""
    for _ in range(20):
        number = f"{NUMBER_PREFIX}{secrets.randbelow(10**8):08d}"
        taken = await conn.fetch_val(
            sa.select(sa.func.count())
            .select_from(seeker_profiles)
            .where(seeker_profiles.c.publish_number == number)
        )
        if not taken:
            return number
    raise RuntimeError("no free 公開番号 after 20 tries")


async def settings(conn: Connection, seeker_id: int):
    """The seeker_profiles row (published, publish_number, publish_parts), or None."""
    return await conn.fetch_one(
        sa.select(
            seeker_profiles.c.published,
            seeker_profiles.c.publish_number,
            seeker_profiles.c.publish_parts,
            seeker_profiles.c.updated_at,
        ).where(seeker_profiles.c.seeker_id == seeker_id)
    )


async def save(
    conn: Connection, seeker_id: int, *, publish: bool, chosen: tuple[str, ...], now: dt.datetime
) -> None:
    """Publish with the chosen parts, or keep the choice and stop publishing. The first
    publish creates the profile row if the 求職情報 page has not, and gets a 公開番号."""
    async with conn.transaction():
        await insert_ignoring_duplicate(
            conn, seeker_profiles, ["seeker_id"], seeker_id=seeker_id, updated_at=now
        )
        row = await settings(conn, seeker_id)
        values: dict = {"published": publish, "publish_parts": parts.join(chosen)}
        if publish and not row["publish_number"]:
            values["publish_number"] = await _new_publish_number(conn)
        if publish and (not row["published"] or row["publish_parts"] != values["publish_parts"]):
            # What employers see changed: its 情報更新日 moves.
            values["updated_at"] = now
        await conn.execute(
            seeker_profiles.update()
            .where(seeker_profiles.c.seeker_id == seeker_id)
            .values(**values)
        )


async def stop(conn: Connection, seeker_id: int) -> None:
    """Stop publishing; every employer query checks `published`, so it hides at once."""
    await conn.execute(
        seeker_profiles.update()
        .where(seeker_profiles.c.seeker_id == seeker_id)
        .values(published=False)
    )
