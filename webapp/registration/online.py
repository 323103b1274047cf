"""求職申込み online: a person who has never been to Hello Work opens an account and fills
in the 求職申込書 (「ハローワークを初めて利用する方（求職申込み）」).

The account is opened with the パスワード登録 wizard's machinery (webapp.auth.password_wizard:
the state bound to a cookie, a 認証キー by mail valid 50 minutes, its continue link, the
password rule), under its own purpose "apply". No enumeration: an address that already
has an account is mailed that it has one (and how to sign in), one without is mailed the
key; every path writes a key row and one mail and moves to the key page.

The key and password create the job-seeker row at once (status "applying") and sign the
person in; each step of the 求職申込書 is stored as it is sent and the step reached is kept
(online_applications.step), so signing in later on any device resumes there (every My
Page page sends an applying person back: webapp.auth.guard). Sending the last step hands
out the 求職番号 (webapp.seekers.online.submit).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets

import sqlalchemy as sa
from databases.core import Connection

from webapp import validation
from webapp.auth import password_wizard
from webapp.auth.password_wizard import STEP_DONE, Purpose, load_key
from webapp.db import fetch_existing, is_unique_violation
from webapp.forms import Form
from webapp.mail import outbox
from webapp.profile import forms as profile_forms
from webapp.schema import (
    job_seekers,
    offices,
    online_applications,
    registration_wizards,
    seeker_profiles,
    work_history,
)
from webapp.security import auth_keys, capabilities
from webapp.security.auth_keys import KeyUsed, key_problem
from webapp.security.passwords import hash_password
from webapp.seekers import online
from webapp.seekers import service as seekers

APPLY = Purpose(
    "apply",
    False,
    "apply_key",
    "",
    "/apply/password",
    "apply_wizard",
    "apply_already_registered",
    "求職申込み",
    new_account=True,
)
RESEND_GRACE = dt.timedelta(seconds=60)

# The 求職申込書's steps, in order: (name, title).
STEPS = (*online.FORM_STEPS, ("confirm", "確認・送信"))
STEP_NAMES = [name for name, _ in STEPS]
GENDERS = online.GENDERS
DISABILITY = online.DISABILITY
HISTORY_ROWS = 3
POSTCODE = re.compile(r"\d{3}-?\d{4}")


# ---------------------------------------------------------------------------------------
# Opening the account


async def request_key(
    conn: Connection,
    wizard,
    *,
    email: str,
    birthdate: dt.date,
    typed_birth: tuple[str, str, str],
    secret_key: str,
    base_url: str,
    now: dt.datetime,
) -> None:
    """The address step: a 認証キー for an address no job-seeker has; the owner of one that
    has an account is mailed so instead. Nothing the user sees depends on which."""
    async with conn.transaction():
        current = await load_key(conn, wizard)
        if (
            current is not None
            and current["email"] == email
            and current["created_at"] > now - RESEND_GRACE
            and key_problem(current, now) is None
        ):
            return  # a double tap: the key (or the notice) already sent stands
        existing = await conn.fetch_one(
            sa.select(job_seekers.c.id, job_seekers.c.name).where(job_seekers.c.email == email)
        )
        # A key whose owner is an existing account is never mailed and can never be used.
        key = await password_wizard.issue_key(
            conn,
            wizard,
            APPLY.name,
            existing["id"] if existing else None,
            email=email,
            typed_birth=typed_birth,
            secret_key=secret_key,
            now=now,
        )
        if existing is None:
            await outbox.enqueue(
                conn,
                to=email,
                template="apply_key",
                context={
                    "key": key.value,
                    "expires_at": key.expires_at,
                    "url": f"{base_url}{APPLY.key_page}?resume={key.resume}",
                },
                now=now,
            )
        else:
            await outbox.enqueue(
                conn,
                to=email,
                template="apply_already_registered",
                context={
                    "name": existing["name"],
                    "login_url": f"{base_url}/login",
                    "forgot_url": f"{base_url}/password/forgot",
                    "register_url": f"{base_url}/register",
                },
                now=now,
            )


def _placeholder_number() -> str:
    """job_seekers.seeker_number while the 求職申込書 is unfinished (the real 求職番号 is
    handed out when it is sent, at the office of the person's address): unique, 14 long,
    never shown (an applying person sees only the 申込書)."""
    return "申込中-" + "".join(secrets.choice("0123456789") for _ in range(10))


async def open_account(
    conn: Connection,
    wizard,
    *,
    password: str,
    typed_key: str,
    birthdate: dt.date,
    secret_key: str,
    now: dt.datetime,
) -> int:
    """The key page: check the key, set the password and open the account (status
    "applying"); returns the job-seeker id. Raises KeyProblem."""
    password_hash = await hash_password(password)  # slow: before the write lock is taken
    async with conn.transaction():
        key = await load_key(conn, wizard)
        taken = key is not None and await conn.fetch_val(
            sa.select(sa.func.count())
            .select_from(job_seekers)
            .where(job_seekers.c.email == key["email"])
        )
        usable = key is not None and key["seeker_id"] is None and not taken
        failed = await auth_keys.redeem(
            conn, secret_key, APPLY.name, key, typed_key, now, owner_ok=usable
        )
        seeker_id = None
        if failed is None:
            office_id = await conn.fetch_val(
                sa.select(offices.c.id).order_by(offices.c.code).limit(1)
            )
            try:
                seeker_id = await conn.fetch_val(
                    job_seekers.insert()
                    .values(
                        seeker_number=_placeholder_number(),
                        office_id=office_id,  # until the address says which
                        name="",
                        kana="",
                        birthdate=birthdate,
                        email=key["email"],
                        password_hash=password_hash,
                        password_set_at=now,
                        created_at=now,
                        status=capabilities.APPLYING,
                        registration_kind=capabilities.ONLINE,
                    )
                    .returning(job_seekers.c.id)
                )
            except Exception as error:  # the same address opened at the same moment
                if not is_unique_violation(error):
                    raise
                raise KeyUsed() from error
            await conn.execute(
                online_applications.insert().values(
                    seeker_id=seeker_id, step=1, created_at=now, updated_at=now
                )
            )
            await conn.execute(
                registration_wizards.update()
                .where(registration_wizards.c.id == wizard["id"])
                .values(step=STEP_DONE, updated_at=now)
            )
    if failed:
        raise failed
    assert seeker_id is not None
    return seeker_id


# ---------------------------------------------------------------------------------------
# The 求職申込書


async def load(conn: Connection, seeker_id: int) -> dict:
    """Everything the 申込書 holds so far, and the step reached."""
    seeker = await fetch_existing(conn, sa.select(job_seekers).where(job_seekers.c.id == seeker_id))
    application = await conn.fetch_one(
        sa.select(online_applications).where(online_applications.c.seeker_id == seeker_id)
    )
    profile = await conn.fetch_one(
        sa.select(seeker_profiles).where(seeker_profiles.c.seeker_id == seeker_id)
    )
    history = await conn.fetch_all(
        sa.select(work_history)
        .where(work_history.c.seeker_id == seeker_id)
        .order_by(work_history.c.started, work_history.c.id)
    )
    birth = seeker["birthdate"]
    values: dict = {
        "name": seeker["name"],
        "kana": seeker["kana"],
        "year": str(birth.year),
        "month": str(birth.month),
        "day": str(birth.day),
        "phone": seeker["phone"],
        "address": seeker["address"],
        "desired_occupation": seeker["desired_occupation"],
        "desired_employment_type": seeker["desired_employment_type"],
        "desired_prefecture": seeker["desired_prefecture"],
        "desired_municipality": seeker["desired_municipality"],
    }
    for name in ("postcode", "gender", "disability", "disability_note"):
        values[name] = application[name] if application else ""
    for name in ("desired_wage_type", "desired_hours", "desired_holidays", "licenses", "education"):
        values[name] = (profile[name] if profile else "") or ""
    wage = profile["desired_wage_min"] if profile else None
    values["desired_wage_min"] = "" if wage is None else str(wage)
    for index in range(HISTORY_ROWS):
        entry = history[index] if index < len(history) else None
        for part in ("started", "ended", "company", "job"):
            values[f"{part}_{index}"] = entry[part] if entry else ""
    return {
        "values": values,
        "history": history,
        "reached": application["step"] if application else 1,
        "submitted": bool(application and application["submitted_at"]),
        "seeker": seeker,
    }


def step_index(name: str) -> int:
    """1-based position of a step."""
    return STEP_NAMES.index(name) + 1


def _one(form: Form, clean: dict, name: str, rule, raw: str) -> None:
    try:
        clean[name] = rule(raw)
    except validation.FieldError as error:
        form.add(name, str(error))


def parse_basic(data, today: dt.date) -> tuple[Form, dict]:
    """基本情報: 氏名, フリガナ, 生年月日, 性別 (任意), 郵便番号, 住所, 電話番号."""
    form = Form()
    data = form.read(data, errors_at=dict.fromkeys(("year", "month", "day"), "birthdate"))
    names = ("name", "kana", "year", "month", "day", "gender", "postcode", "address", "phone")
    raw = {name: str(data.get(name, ""))[:300] for name in names}
    form.values = dict(raw)
    clean: dict = {}
    _one(form, clean, "name", validation.person_name, raw["name"])
    _one(form, clean, "kana", validation.kana, raw["kana"])
    try:
        clean["birthdate"] = validation.birthdate(
            raw["year"], raw["month"], raw["day"], today=today
        )
    except validation.FieldError as error:
        form.add("birthdate", str(error))
    gender = raw["gender"].strip()
    if gender and gender not in GENDERS:
        form.add("gender", "性別は一覧から選んでください。")
    clean["gender"] = gender
    postcode = check_postcode(raw["postcode"], form)
    if postcode:
        clean["postcode"] = postcode
    _one(form, clean, "address", validation.address, raw["address"])
    _one(form, clean, "phone", validation.phone, raw["phone"])
    return form, clean


def check_postcode(raw: str, form: Form) -> str | None:
    """A 7-digit 郵便番号 the bundled table knows, or None with the error on the form."""
    text = validation.nfkc(raw).strip().replace("ー", "-").replace("−", "-")
    if not text:
        form.add("postcode", "郵便番号を入力してください。")
        return None
    if not POSTCODE.fullmatch(text):
        form.add("postcode", "郵便番号は7桁の数字で入力してください（例: 939-1363）。")
        return None
    digits = text.replace("-", "")
    if online.lookup_postcode(digits) is None:
        form.add("postcode", "この郵便番号は見つかりません。数字を確かめてください。")
        return None
    return digits


def fill_address(data, today: dt.date) -> Form:
    """「住所を検索」: the 郵便番号's address put in the 住所 box (what else was typed stays)."""
    form, _ = parse_basic(data, today)
    form.errors = {}
    postcode = check_postcode(form.values.get("postcode", ""), form)
    if postcode:
        found = online.lookup_postcode(postcode)
        assert found is not None
        form.values["address"] = found["prefecture"] + found["city"] + found["town"]
        form.values["postcode"] = f"{postcode[:3]}-{postcode[3:]}"
    return form


def parse_wish(data) -> tuple[Form, dict]:
    """希望する仕事: 職業分類, 雇用形態, 就業場所, 賃金, 就業時間, 休日."""
    form = Form()
    data = form.read(data)
    names = (
        "desired_occupation",
        "desired_employment_type",
        "desired_prefecture",
        "desired_municipality",
        "desired_wage_type",
        "desired_wage_min",
        "desired_hours",
        "desired_holidays",
    )
    raw = {name: str(data.get(name, ""))[:300] for name in names}
    form.values = dict(raw)
    clean: dict = {}
    _one(form, clean, "desired_occupation", seekers.occupation, raw["desired_occupation"])
    if not raw["desired_employment_type"].strip():
        form.add("desired_employment_type", "希望雇用形態を選んでください。")
    else:
        _one(
            form,
            clean,
            "desired_employment_type",
            seekers.employment_type,
            raw["desired_employment_type"],
        )
    clean["desired_prefecture"] = ""
    if raw["desired_prefecture"].strip():
        _one(form, clean, "desired_prefecture", seekers.prefecture, raw["desired_prefecture"])
    _one(form, clean, "desired_municipality", seekers.municipality, raw["desired_municipality"])
    if clean.get("desired_municipality") and not raw["desired_prefecture"].strip():
        form.add("desired_municipality", seekers.MUNICIPALITY_WITHOUT_PREFECTURE)
    profile_forms.check_wage(raw, form, clean)
    for name, label in (("desired_hours", "希望就業時間"), ("desired_holidays", "希望休日")):
        text = validation.nfkc(raw[name]).strip()
        if len(text) > 200:
            form.add(name, f"{label}は200文字以内で入力してください。")
        clean[name] = text
    return form, clean


def parse_history(data, today: dt.date) -> tuple[Form, dict]:
    """学歴・職歴: 学歴 (free text) and up to three 職歴 (all optional)."""
    form = Form()
    data = form.read(data, multiline=("education",))
    names = ["education"] + [
        f"{part}_{i}"
        for i in range(HISTORY_ROWS)
        for part in ("started", "ended", "company", "job")
    ]
    raw = {name: str(data.get(name, ""))[:1000] for name in names}
    form.values = dict(raw)
    education = validation.nfkc(raw["education"]).strip()
    if len(education) > 500:
        form.add("education", "学歴は500文字以内で入力してください。")
    entries = []
    for i in range(HISTORY_ROWS):
        row = {part: raw[f"{part}_{i}"] for part in ("started", "ended", "company", "job")}
        if not any(value.strip() for value in row.values()):
            continue
        row_form, clean = profile_forms.parse_history(row, today)
        for part, messages in row_form.errors.items():
            for message in messages:
                form.add(f"{part}_{i}", f"職歴{i + 1}: {message}")
        entries.append(clean)
    return form, {"education": education, "entries": entries}


def parse_licenses(data) -> tuple[Form, dict]:
    form = Form()
    data = form.read(data, multiline=("licenses",))
    raw = str(data.get("licenses", ""))[:2000]
    form.values = {"licenses": raw}
    text = validation.nfkc(raw).strip()
    if len(text) > 1000:
        form.add("licenses", "免許・資格は1000文字以内で入力してください。")
    return form, {"licenses": text}


def parse_disability(data) -> tuple[Form, dict]:
    form = Form()
    data = form.read(data, multiline=("disability_note",))
    raw = {name: str(data.get(name, ""))[:1000] for name in ("disability", "disability_note")}
    form.values = dict(raw)
    answer = raw["disability"].strip() or "unanswered"
    if answer not in DISABILITY:
        form.add("disability", "一覧から選んでください。")
    note = validation.nfkc(raw["disability_note"]).strip()
    if len(note) > 500:
        form.add("disability_note", "500文字以内で入力してください。")
    return form, {"disability": answer, "disability_note": note if answer == "yes" else ""}


async def _ensure_profile(conn: Connection, seeker_id: int, now: dt.datetime) -> None:
    exists = await conn.fetch_val(
        sa.select(sa.func.count())
        .select_from(seeker_profiles)
        .where(seeker_profiles.c.seeker_id == seeker_id)
    )
    if not exists:
        await conn.execute(seeker_profiles.insert().values(seeker_id=seeker_id, updated_at=now))


async def save_step(
    conn: Connection, seeker_id: int, name: str, clean: dict, *, now: dt.datetime
) -> None:
    """Store one step as sent and move the step reached past it. Sending it twice stores
    the same thing twice."""
    async with conn.transaction():
        seeker = job_seekers.update().where(job_seekers.c.id == seeker_id)
        application = online_applications.update().where(
            online_applications.c.seeker_id == seeker_id
        )
        profile = seeker_profiles.update().where(seeker_profiles.c.seeker_id == seeker_id)
        if name == "basic":
            await conn.execute(
                seeker.values(
                    **{k: clean[k] for k in ("name", "kana", "birthdate", "address", "phone")}
                )
            )
            await conn.execute(
                application.values(gender=clean["gender"], postcode=clean["postcode"])
            )
        elif name == "wish":
            await conn.execute(
                seeker.values(
                    **{
                        k: clean[k]
                        for k in (
                            "desired_occupation",
                            "desired_employment_type",
                            "desired_prefecture",
                            "desired_municipality",
                        )
                    }
                )
            )
            await _ensure_profile(conn, seeker_id, now)
            await conn.execute(
                profile.values(
                    **{
                        k: clean[k]
                        for k in (
                            "desired_wage_type",
                            "desired_wage_min",
                            "desired_hours",
                            "desired_holidays",
                        )
                    },
                    updated_at=now,
                )
            )
        elif name == "history":
            await _ensure_profile(conn, seeker_id, now)
            await conn.execute(profile.values(education=clean["education"], updated_at=now))
            await conn.execute(work_history.delete().where(work_history.c.seeker_id == seeker_id))
            for entry in clean["entries"]:
                await conn.execute(work_history.insert().values(seeker_id=seeker_id, **entry))
        elif name == "licenses":
            await _ensure_profile(conn, seeker_id, now)
            await conn.execute(profile.values(licenses=clean["licenses"], updated_at=now))
        elif name == "disability":
            await conn.execute(
                application.values(
                    disability=clean["disability"], disability_note=clean["disability_note"]
                )
            )
        reached = step_index(name) + 1
        await conn.execute(
            application.values(
                step=sa.case(
                    (online_applications.c.step < reached, reached),
                    else_=online_applications.c.step,
                ),
                updated_at=now,
            )
        )


def parse(name: str, data, today: dt.date) -> tuple[Form, dict]:
    """One step's fields, by that step's rules (the person's own steps and staff's
    correction read them alike)."""
    if name == "basic":
        return parse_basic(data, today)
    if name == "wish":
        return parse_wish(data)
    if name == "history":
        return parse_history(data, today)
    if name == "licenses":
        return parse_licenses(data)
    return parse_disability(data)


# ---------------------------------------------------------------------------------------
# Staff correcting a sent 求職申込書 (at the counter, before or after 本人確認)

# The steps staff may correct (all but 確認・送信) and what each holds, as the change
# history names it (webapp.profile.forms.LABELS).
CORRECTABLE_STEPS = online.FORM_STEPS
STEP_FIELDS = {
    "basic": ("name", "kana", "birthdate", "gender", "postcode", "address", "phone"),
    "wish": (
        "desired_occupation",
        "desired_employment_type",
        "desired_prefecture",
        "desired_municipality",
        "desired_wage_type",
        "desired_wage_min",
        "desired_hours",
        "desired_holidays",
    ),
    "history": ("education", "work_history"),
    "licenses": ("licenses",),
    "disability": ("disability", "disability_note"),
}


def readable(data: dict) -> dict[str, str]:
    """The 申込書 as a person reads it, field by field (what the history keeps)."""
    values = data["values"]
    shown = online.display(values)
    out = {name: str(values.get(name) or "") for name in values}
    out["birthdate"] = f"{values['year']}年{values['month']}月{values['day']}日"
    postcode = values["postcode"] or ""
    out["postcode"] = f"{postcode[:3]}-{postcode[3:]}" if postcode else ""
    for name in (
        "gender",
        "disability",
        "desired_occupation",
        "desired_employment_type",
        "desired_prefecture",
        "desired_wage_type",
    ):
        out[name] = shown[name] if values.get(name) else ""
    out["work_history"] = "\n".join(
        f"{entry['started']}〜{entry['ended'] or '現在'} {entry['company']} {entry['job']}"
        for entry in data["history"]
    )
    return out


async def correct_application(
    conn: Connection,
    seeker_id: int,
    name: str,
    clean: dict,
    *,
    reason: str,
    member_id: int,
    base_url: str,
    now: dt.datetime,
) -> list[str]:
    """Staff correct one step of a sent 求職申込書: stored as the person's own step would
    be, each changed field kept in the change history with the staff member and the
    reason, and the person mailed which fields changed. Returns their labels (none: it
    already read so, as for the same form sent twice)."""
    async with conn.transaction():
        row = await fetch_existing(
            conn, sa.select(job_seekers).where(job_seekers.c.id == seeker_id).with_for_update()
        )
        before = readable(await load(conn, seeker_id))
        await save_step(conn, seeker_id, name, clean, now=now)
        after = readable(await load(conn, seeker_id))
        changed = [field for field in STEP_FIELDS[name] if before[field] != after[field]]
        for field in changed:
            await seekers.record_change(
                conn,
                seeker_id,
                field,
                before[field],
                after[field],
                actor="staff",
                member_id=member_id,
                reason=reason,
                now=now,
            )
        labels = [profile_forms.LABELS.get(field, field) for field in changed]
        if changed:
            office = await fetch_existing(
                conn, sa.select(offices).where(offices.c.id == row["office_id"])
            )
            await outbox.enqueue(
                conn,
                to=row["email"],
                template="registration_corrected",
                context={
                    "office_name": office["name"],
                    "office_phone": office["phone"],
                    "name": after["name"],
                    "fields": "、".join(labels),
                    "email_changed": False,
                    "opened": True,
                    "had_key": False,
                    "login_url": f"{base_url}/login",
                    "register_url": f"{base_url}/register",
                },
                now=now,
            )
    return labels


async def office_of_postcode(conn: Connection, postcode: str):
    """The office the 申込書 will be sent to (shown on the 確認 page)."""
    return await online.office_for_prefecture(conn, online.postcode_prefecture(postcode))
