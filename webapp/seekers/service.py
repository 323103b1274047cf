"""Job-seekers as registered at the Hello Work counter (求職申込み): the one registration
service behind the CLI (`python -m webapp seeker add`) and the staff counter form, and the
queries the staff console reads a job-seeker's record with."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, fields

import sqlalchemy as sa
from databases.core import Connection

from webapp import validation
from webapp.auth import login_code, password_wizard
from webapp.clock import jst_date
from webapp.db import fetch_all_bound, fetch_bound, fetch_existing, is_unique_violation
from webapp.mail import outbox
from webapp.postings import catalog
from webapp.schema import (
    applications,
    favourites,
    job_postings,
    job_seekers,
    notice_recipients,
    notices,
    offices,
    profile_changes,
    referral_requests,
    referrals,
    sessions,
)
from webapp.security import auth_keys, capabilities
from webapp.seekers.validity import end_of_month_after_next
from webapp.templating import CLOSED_SEEKER_NAME

MUNICIPALITY_MAX = 50


class RegistrationError(ValueError):
    """Counter registration refused; the message says why, in Japanese."""


class AddressTaken(RegistrationError):
    """The メールアドレス (the job-seeker's My Page ID) already belongs to a job-seeker."""

    def __init__(self, email: str) -> None:
        super().__init__(f"メールアドレス {email} は既に別の求職者に登録されています。")
        self.email = email


@dataclass(frozen=True)
class NewSeeker:
    name: str
    kana: str
    birthdate: dt.date
    email: str
    phone: str = ""
    address: str = ""
    desired_occupation: str = ""  # 職業分類の大分類 (catalog.OCCUPATIONS)
    desired_prefecture: str = ""  # JIS code (catalog.PREFECTURES)
    desired_municipality: str = ""
    desired_employment_type: str = ""  # catalog.EMPLOYMENT_TYPES


def _choice(value: str, table: dict[str, str], message: str) -> str:
    """A code of `table`, given as the code or as its label (the CLI takes either)."""
    text = validation.nfkc(value)
    if text in table:
        return text
    for code, label in table.items():
        if text == label:
            return code
    raise validation.FieldError(message)


# The 希望 fields' rules, shared with the job-seeker's own 求職情報の変更 (profile.forms).
MUNICIPALITY_WITHOUT_PREFECTURE = "希望勤務地の市区町村を入力するときは、都道府県も選んでください。"


def occupation(value: str) -> str:
    if not validation.nfkc(value):
        raise validation.FieldError("希望職種を選んでください。")
    return _choice(value, catalog.OCCUPATIONS, "希望職種を一覧から選んでください。")


def prefecture(value: str) -> str:
    return _choice(value, catalog.PREFECTURES, "希望勤務地の都道府県を一覧から選んでください。")


def municipality(value: str) -> str:
    text = " ".join(validation.nfkc(value).split())
    if len(text) > MUNICIPALITY_MAX or re.search(r"[\x00-\x1f\x7f]", text):
        raise validation.FieldError(
            f"希望勤務地の市区町村は{MUNICIPALITY_MAX}文字以内で入力してください。"
        )
    return text


def employment_type(value: str) -> str:
    return _choice(value, catalog.EMPLOYMENT_TYPES, "希望雇用形態を一覧から選んでください。")


# The counter registration's optional fields: (field, rule). Empty means "not given"
# unless the caller requires the field (the staff form requires phone, address, occupation).
_OPTIONAL_RULES = (
    ("phone", validation.phone),
    ("address", validation.address),
    ("desired_occupation", occupation),
    ("desired_prefecture", prefecture),
    ("desired_municipality", municipality),
    ("desired_employment_type", employment_type),
)


def check_new_seeker(
    *,
    name: str,
    kana: str,
    birthdate: str | tuple[str, str, str],
    email: str,
    today: dt.date,
    required: frozenset[str] | set[str] = frozenset(),
    **optional: str,
) -> tuple[NewSeeker | None, dict[str, str]]:
    """Check and normalize counter input field by field.

    `birthdate` is YYYY-MM-DD (the CLI) or (年, 月, 日) (the form's three fields). Returns the
    new job-seeker, or None and one Japanese message per field, in the form's order.
    """
    problems: dict[str, str] = {}
    values: dict = {}
    for field, rule, raw in (
        ("name", validation.person_name, name),
        ("kana", validation.kana, kana),
        ("email", validation.email, email),
    ):
        try:
            values[field] = rule(raw)
        except validation.FieldError as error:
            problems[field] = str(error)
    try:
        values["birthdate"] = (
            validation.birthdate(*birthdate, today=today)
            if isinstance(birthdate, tuple)
            else validation.iso_date(birthdate, today=today)
        )
    except validation.FieldError as error:
        problems["birthdate"] = str(error)
    unknown = set(optional) - {field for field, _ in _OPTIONAL_RULES}
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    for field, rule in _OPTIONAL_RULES:
        raw = optional.get(field) or ""
        if not validation.nfkc(raw) and field not in required:
            continue
        try:
            values[field] = rule(raw)
        except validation.FieldError as error:
            problems[field] = str(error)
    if values.get("desired_municipality") and not values.get("desired_prefecture"):
        problems.setdefault("desired_municipality", MUNICIPALITY_WITHOUT_PREFECTURE)
    if problems:
        return None, problems
    return NewSeeker(**values), {}


def validate_new_seeker(
    *, name: str, kana: str, birthdate: str, email: str, today: dt.date, **optional: str
) -> NewSeeker:
    """Check and normalize counter input; raises RegistrationError with every problem."""
    new, problems = check_new_seeker(
        name=name,
        kana=kana,
        birthdate=birthdate,
        email=email,
        today=today,
        required=frozenset(),
        **optional,
    )
    if new is None:
        raise RegistrationError("\n".join(problems.values()))
    return new


def format_seeker_number(office_code: str, serial: int) -> str:
    """求職番号: five-digit office code, hyphen, eight-digit serial."""
    return f"{office_code}-{serial:08d}"


async def register(
    conn: Connection, seeker: NewSeeker, *, office_code: str | None, now: dt.datetime
) -> str:
    """Create the job-seeker and return their 求職番号; nothing is written on refusal
    (AddressTaken when the address is already registered, even by a racing request)."""
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
            raise AddressTaken(seeker.email)
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
                    phone=seeker.phone,
                    address=seeker.address,
                    desired_occupation=seeker.desired_occupation,
                    desired_prefecture=seeker.desired_prefecture,
                    desired_municipality=seeker.desired_municipality,
                    desired_employment_type=seeker.desired_employment_type,
                    created_at=now,
                    valid_until=end_of_month_after_next(jst_date(now)),
                )
            )
        except Exception as error:  # a racing registration of the same address
            if not is_unique_violation(error):
                raise
            raise AddressTaken(seeker.email) from error
    return number


async def get(conn: Connection, seeker_id: int):
    return await conn.fetch_one(sa.select(job_seekers).where(job_seekers.c.id == seeker_id))


async def by_number(conn: Connection, number: str):
    return await conn.fetch_one(sa.select(job_seekers).where(job_seekers.c.seeker_number == number))


async def by_email(conn: Connection, email: str):
    return await conn.fetch_one(sa.select(job_seekers).where(job_seekers.c.email == email))


def same_registration(row, new: NewSeeker) -> bool:
    """Whether an existing job-seeker row holds exactly what `new` would register: the
    sign of a form sent twice (a double tap, a reload after the answer was lost)."""
    return all(row[field.name] == getattr(new, field.name) for field in fields(NewSeeker))


# ---------------------------------------------------------------------------------------
# The staff console: finding a job-seeker of one's office, and their record.

PAGE_SIZE = 20
SEEKER_NUMBER = re.compile(r"\d{5}-\d{8}")


def parse_seeker_number(typed: str, office_code: str) -> str | None:
    """A 求職番号 as staff type it, as it is stored (16040-00000001), or None: the whole
    number (full-width or not, with any dash or none), or the serial alone (up to eight
    digits), which is one of `office_code`'s. The one reading for every staff field that
    takes a 求職番号 (the search, 情報提供's list). A whole number's serial must have its
    eight digits: a dropped digit would name somebody else."""
    text = validation.hyphens(validation.nfkc(typed))
    if SEEKER_NUMBER.fullmatch(text):
        return text
    if text.isascii() and text.isdigit():
        if len(text) == 13:
            return f"{text[:5]}-{text[5:]}"
        if len(text) <= 8:
            return format_seeker_number(office_code, int(text))
    return None


@dataclass(frozen=True)
class SeekerPage:
    rows: list
    total: int
    page: int
    pages: int


def _hiragana_to_katakana(text: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


def _containing(text: str) -> str:
    """A LIKE pattern for `text` anywhere, its own % and _ taken literally. Built here, not
    with .contains(): the `databases` SQLite backend %-formats the SQL it is given."""
    escaped = text.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


def _search_match(query: str, office_code: str) -> tuple[str, dict]:
    """Which of the search's statements (SEARCHES) and its values: 求職番号 (whole, or only
    the serial within this office), else 氏名 or フリガナ, else everyone."""
    number = parse_seeker_number(query, office_code) if query else None
    if number:
        return "number", {"number": number}
    # Names are stored with single spaces (validation.person_name); the one typed may have
    # none or others: compare both without spaces.
    compact = "".join(validation.nfkc(query).split())
    if not compact:
        return "everyone", {}
    kana = _hiragana_to_katakana(compact)
    return "name", {"name": _containing(compact), "kana": _containing(kana)}


# The search's three shapes, each built once with placeholders (db.fetch_all_bound).
SEARCHES = {
    "number": job_seekers.c.seeker_number == sa.bindparam("number", type_=sa.String),
    "name": sa.or_(
        sa.func.replace(job_seekers.c.name, " ", "").like(
            sa.bindparam("name", type_=sa.String), escape="/"
        ),
        sa.func.replace(job_seekers.c.kana, " ", "").like(
            sa.bindparam("kana", type_=sa.String), escape="/"
        ),
    ),
    "everyone": sa.true(),
}


def _office_seekers(kind: str):
    return sa.and_(
        job_seekers.c.office_id == sa.bindparam("office_id", type_=sa.Integer),
        job_seekers.c.status != capabilities.APPLYING,
        SEARCHES[kind],
    )


@functools.cache
def _search_page(kind: str) -> sa.Select:
    return (
        sa.select(
            job_seekers.c.id,
            job_seekers.c.seeker_number,
            job_seekers.c.name,
            job_seekers.c.kana,
            job_seekers.c.birthdate,
            job_seekers.c.status,
            job_seekers.c.valid_until,
            job_seekers.c.created_at,
            # How many match in all (the window runs before LIMIT): one query.
            sa.func.count().over().label("total"),
        )
        .where(_office_seekers(kind))
        .order_by(job_seekers.c.id.desc())
        .limit(sa.bindparam("limit", type_=sa.Integer))
        .offset(sa.bindparam("offset", type_=sa.Integer))
    )


@functools.cache
def _search_count(kind: str) -> sa.Select:
    return sa.select(sa.func.count()).select_from(job_seekers).where(_office_seekers(kind))


async def search(
    conn: Connection, *, office_id: int, office_code: str, query: str, page: int
) -> SeekerPage:
    """This office's job-seekers matching `query` (all of them when empty), newest first."""
    kind, values = _search_match(query, office_code)
    values["office_id"] = office_id

    async def page_of(number: int) -> list:
        return await fetch_all_bound(
            conn,
            _search_page(kind),
            {**values, "limit": PAGE_SIZE, "offset": (number - 1) * PAGE_SIZE},
        )

    page = max(page, 1)
    rows = await page_of(page)
    if rows:
        total = rows[0]["total"]
    else:  # no match, or a page past the last: count, then the last page
        counted = await fetch_bound(conn, _search_count(kind), values)
        total = counted[0] if counted else 0
        if total and page > 1:
            page = -(-total // PAGE_SIZE)
            rows = await page_of(page)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(page, pages)
    return SeekerPage(rows=rows, total=total, page=page, pages=pages)


async def office_of(conn: Connection, office_id: int):
    return await conn.fetch_one(sa.select(offices).where(offices.c.id == office_id))


async def activity(conn: Connection, seeker_id: int) -> dict:
    """What the job-seeker has on their My Page: favourites' count, referrals (紹介),
    applications (応募) and 情報提供, newest first."""
    favourite_count = await conn.fetch_val(
        sa.select(sa.func.count())
        .select_from(favourites)
        .where(favourites.c.seeker_id == seeker_id)
    )
    posting = (
        job_postings.c.job_number,
        job_postings.c.job_title,
        job_postings.c.company_name,
    )
    referral_rows = await conn.fetch_all(
        sa.select(referrals.c.referral_number, referrals.c.created_at, *posting)
        .select_from(referrals.join(job_postings, referrals.c.posting_id == job_postings.c.id))
        .where(referrals.c.seeker_id == seeker_id)
        .order_by(referrals.c.created_at.desc(), referrals.c.id.desc())
    )
    application_rows = await conn.fetch_all(
        sa.select(
            applications.c.kind,
            applications.c.state,
            applications.c.created_at,
            applications.c.updated_at,
            *posting,
        )
        .select_from(
            applications.join(job_postings, applications.c.posting_id == job_postings.c.id)
        )
        .where(applications.c.seeker_id == seeker_id)
        .order_by(applications.c.created_at.desc(), applications.c.id.desc())
    )
    notice_rows = await conn.fetch_all(
        sa.select(
            notices.c.kind,
            notices.c.title,
            notices.c.created_at,
            notice_recipients.c.read_at,
        )
        .select_from(notice_recipients.join(notices, notice_recipients.c.notice_id == notices.c.id))
        .where(notice_recipients.c.seeker_id == seeker_id)
        .order_by(notices.c.created_at.desc(), notices.c.id.desc())
    )
    return {
        "favourites": favourite_count,
        "referrals": referral_rows,
        "applications": application_rows,
        "notices": notice_rows,
    }


# ---------------------------------------------------------------------------------------
# The change history (求職情報の変更履歴, which staff read), and staff correcting what the
# counter registered.


async def record_change(
    conn: Connection,
    seeker_id: int,
    field: str,
    before: str,
    after: str,
    *,
    actor: str,
    member_id: int | None,
    now: dt.datetime,
    reason: str = "",
) -> None:
    """One row of the change history: who changed which field from what to what, and
    (staff) why. The one writer of profile_changes."""
    await conn.execute(
        profile_changes.insert().values(
            seeker_id=seeker_id,
            created_at=now,
            actor=actor,
            member_id=member_id,
            field=field,
            before=before[:2000],
            after=after[:2000],
            reason=reason[:2000],
        )
    )


@dataclass(frozen=True)
class Correction:
    """What staff may correct of a counter registration, in the form's order."""

    name: str
    kana: str
    birthdate: dt.date
    email: str


CORRECTABLE = {
    "name": "氏名",
    "kana": "フリガナ",
    "birthdate": "生年月日",
    "email": "メールアドレス",
}


def check_correction(
    *, name: str, kana: str, birthdate: tuple[str, str, str], email: str, today: dt.date
) -> tuple[Correction | None, dict[str, str]]:
    """The registration's rules (check_new_seeker) for the four fields staff correct."""
    new, problems = check_new_seeker(
        name=name, kana=kana, birthdate=birthdate, email=email, today=today
    )
    if new is None:
        return None, problems
    return Correction(new.name, new.kana, new.birthdate, new.email), {}


def shown(value) -> str:
    """A corrected value as the history shows it."""
    if isinstance(value, dt.date):
        return value.strftime("%Y年%m月%d日")
    return str(value)


async def correct_registration(
    conn: Connection,
    seeker_id: int,
    correction: Correction,
    *,
    reason: str,
    member_id: int,
    base_url: str,
    now: dt.datetime,
) -> list[str]:
    """Staff correct 氏名, フリガナ, 生年月日 or メールアドレス (a typo at the counter): each
    change goes into the history with the reason; the job-seeker is mailed at the address
    now registered. A changed address also voids what was mailed to the old one (認証キー,
    a パスワード登録 or reset under way), ends every session and remembered browser, and the
    old address gets a notice that says no more than that it was removed. Returns the
    labels of what changed (none: it already read so, as for the same form sent twice).
    Raises AddressTaken."""
    async with conn.transaction():
        row = await fetch_existing(
            conn, sa.select(job_seekers).where(job_seekers.c.id == seeker_id).with_for_update()
        )
        changed = [f for f in CORRECTABLE if row[f] != getattr(correction, f)]
        if not changed:
            return []
        email_changed = "email" in changed
        if email_changed and await by_email(conn, correction.email) is not None:
            raise AddressTaken(correction.email)
        try:
            await conn.execute(
                job_seekers.update()
                .where(job_seekers.c.id == seeker_id)
                .values({f: getattr(correction, f) for f in changed})
            )
        except Exception as error:  # a racing registration or correction took the address
            if not is_unique_violation(error):
                raise
            raise AddressTaken(correction.email) from error
        for field in changed:
            await record_change(
                conn,
                seeker_id,
                field,
                shown(row[field]),
                shown(getattr(correction, field)),
                actor="staff",
                member_id=member_id,
                reason=reason,
                now=now,
            )
        voided = []
        if email_changed:
            await password_wizard.forget_for_seeker(conn, seeker_id)
            voided = await auth_keys.void_all(conn, {"seeker_id": seeker_id}, now=now)
            await conn.execute(sessions.delete().where(sessions.c.seeker_id == seeker_id))
            await login_code.forget_devices(conn, seeker_id)
        office = await fetch_existing(
            conn, sa.select(offices).where(offices.c.id == row["office_id"])
        )
        office_context = {"office_name": office["name"], "office_phone": office["phone"]}
        await outbox.enqueue(
            conn,
            to=correction.email,
            template="registration_corrected",
            context={
                **office_context,
                "name": correction.name,
                "fields": "、".join(CORRECTABLE[f] for f in changed),
                "email_changed": email_changed,
                "opened": row["password_hash"] is not None,
                "had_key": bool(voided),
                "login_url": f"{base_url}/login",
                "register_url": f"{base_url}/register",
            },
            now=now,
        )
        if email_changed:
            # Maybe a stranger's (the mistyped address): no name, no new address.
            await outbox.enqueue(
                conn,
                to=row["email"],
                template="registration_address_removed",
                context={**office_context, "had_key": bool(voided)},
                now=now,
            )
    return [CORRECTABLE[f] for f in changed]


async def pending_referral_requests(conn: Connection, seeker_id: int) -> list:
    """The job-seeker's 紹介の希望 waiting for staff, oldest first, with their postings."""
    return await conn.fetch_all(
        sa.select(
            referral_requests.c.id,
            referral_requests.c.created_at,
            referral_requests.c.message,
            job_postings.c.job_number,
            job_postings.c.job_title,
            job_postings.c.company_name,
        )
        .select_from(
            referral_requests.join(
                job_postings, referral_requests.c.posting_id == job_postings.c.id
            )
        )
        .where(referral_requests.c.seeker_id == seeker_id, referral_requests.c.state == "pending")
        .order_by(referral_requests.c.created_at, referral_requests.c.id)
    )


def name_for_employers() -> sa.ColumnElement:
    """The job-seeker's name as employers see it: 「退会済みの求職者」 once the account has
    closed (退会, or ended by staff), whatever they applied to."""
    return sa.case(
        (job_seekers.c.closed_at.is_not(None), sa.literal(CLOSED_SEEKER_NAME)),
        else_=job_seekers.c.name,
    )


def kana_for_employers() -> sa.ColumnElement:
    """The フリガナ as employers see it: nothing once the account has closed."""
    return sa.case((job_seekers.c.closed_at.is_not(None), sa.literal("")), else_=job_seekers.c.kana)
