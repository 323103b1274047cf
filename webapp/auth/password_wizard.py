"""A job-seeker's password set with a mailed 認証キー: パスワード登録 (opening My Page,
webapp.registration) and パスワードを忘れた方 (webapp.auth.reset_routes) share it.

The state is a row bound to an HttpOnly cookie, so a user who leaves for the mail app,
closes the tab or loses signal comes back to the same step; the key mail's continue link
(a resume token, see resume()) opens the key page in another browser too. Whether the
address and birthdate match a job-seeker never shows: every path writes a key row and
moves to the key page. A match is mailed the key; the owner of an address that did not
match (a wrong birthdate, a My Page already open or not yet open) is mailed what happened
and what to do instead, so nobody waits for a key that never comes; an address nobody
has gets nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from databases.core import Connection

from webapp.auth import login_code
from webapp.mail import outbox
from webapp.schema import auth_keys as auth_keys_table
from webapp.schema import job_seekers, offices, registration_wizards, sessions
from webapp.security import auth_keys, tokens
from webapp.security.auth_keys import KeyExpired, KeyProblem, key_problem
from webapp.security.passwords import hash_password


@dataclass(frozen=True)
class Purpose:
    """What a key is for: opening My Page, or a new password for one that is open."""

    name: str
    has_password: bool  # whom the key may reach: a counter registration, or an open My Page
    key_mail: str
    done_mail: str
    key_page: str
    cookie: str  # the browser's cookie holding the state
    # To the owner of an address whose My Page is in the other state (already open when
    # registering, not yet open when resetting): why no key came, and the way in instead.
    wrong_state_mail: str
    title: str  # the procedure, as the mails name it
    # 求職申込み online (webapp.registration.online): the key is for an address no
    # job-seeker has yet; one mailed to an existing account's owner was never a key.
    new_account: bool = False


REGISTER = Purpose(
    "register",
    False,
    "register_key",
    "register_done",
    "/register/password",
    "wizard",
    "register_already_open",
    "パスワード登録",
)
RESET = Purpose(
    "reset",
    True,
    "reset_key",
    "password_changed",
    "/password/reset",
    "reset",
    "reset_not_open",
    "パスワードの再設定",
)
# To the owner of an address typed with a birthdate other than the counter's.
BIRTHDATE_MISMATCH_MAIL = "key_birthdate_mismatch"
# The key mail's continue link: the key page with this query parameter.
RESUME_PARAMETER = "resume"
# Pressing 次へ進む twice (or reloading the POST) within this window sends no second key.
RESEND_GRACE = dt.timedelta(seconds=60)
WIZARD_IDLE_LIFETIME = dt.timedelta(hours=2)

STEP_TERMS, STEP_EMAIL, STEP_PASSWORD, STEP_DONE = 1, 2, 3, 4


def key_page_link(base_url: str, purpose: Purpose, resume: str) -> str:
    """The key mail's continue link: the key page, in whatever browser opens it."""
    return f"{base_url}{purpose.key_page}?{RESUME_PARAMETER}={resume}"


def _password_state(purpose: Purpose):
    column = job_seekers.c.password_hash
    return column.is_not(None) if purpose.has_password else column.is_(None)


def _cookie_hash(secret_key: str, cookie: str, purpose: Purpose) -> str:
    # The purpose is in the hash: a reset cookie never opens a registration wizard.
    return tokens.digest(secret_key, f"wizard:{purpose.name}", cookie)


async def load(
    conn: Connection,
    secret_key: str,
    cookie: str | None,
    now: dt.datetime,
    purpose: Purpose = REGISTER,
):
    """The wizard bound to this cookie, or None (unknown, or idle too long)."""
    if not cookie:
        return None
    row = await conn.fetch_one(
        sa.select(registration_wizards).where(
            registration_wizards.c.token_hash == _cookie_hash(secret_key, cookie, purpose)
        )
    )
    if row is None or row["updated_at"] < now - WIZARD_IDLE_LIFETIME:
        return None
    return row


async def load_key(conn: Connection, wizard):
    return await auth_keys.find(conn, wizard["auth_key_id"] if wizard else None)


async def key_pending(conn: Connection, wizard, now: dt.datetime) -> bool:
    """A key was sent and can still be used: the user belongs on the key page."""
    if wizard is None or wizard["step"] != STEP_PASSWORD:
        return False
    return key_problem(await load_key(conn, wizard), now) is None


def typed_birthdate(wizard) -> dt.date | None:
    """The 生年月日 typed at the address step (the new password may not contain it)."""
    try:
        return dt.date(
            int(wizard["birth_year"]), int(wizard["birth_month"]), int(wizard["birth_day"])
        )
    except (TypeError, ValueError):
        return None


async def start(
    conn: Connection, secret_key: str, wizard, now: dt.datetime, purpose: Purpose = REGISTER
) -> str | None:
    """Start a wizard (a new cookie value is returned) or move it on to the address step."""
    async with conn.transaction():
        # Old, abandoned wizards are swept here rather than by a separate job.
        await conn.execute(
            registration_wizards.delete().where(
                registration_wizards.c.updated_at < now - WIZARD_IDLE_LIFETIME
            )
        )
        if wizard is not None and wizard["step"] < STEP_DONE:
            await conn.execute(
                registration_wizards.update()
                .where(registration_wizards.c.id == wizard["id"])
                .values(step=max(wizard["step"], STEP_EMAIL), updated_at=now)
            )
            return None
        cookie = tokens.new_cookie_secret()
        await conn.execute(
            registration_wizards.insert().values(
                token_hash=_cookie_hash(secret_key, cookie, purpose),
                step=STEP_EMAIL,
                created_at=now,
                updated_at=now,
            )
        )
        return cookie


async def issue_key(
    conn: Connection,
    wizard,
    purpose_name: str,
    seeker_id: int | None,
    *,
    email: str,
    typed_birth: tuple[str, str, str],
    secret_key: str,
    now: dt.datetime,
):
    """A resumable 認証キー for `email` (usable only for `seeker_id`; None: nobody, so it can
    never be used), and the wizard moved to ステップ3 with what was typed: the address step
    of every door that opens an account (パスワード登録, 求職申込み)."""
    key = await auth_keys.issue(
        conn,
        secret_key,
        purpose_name,
        {"seeker_id": seeker_id},
        email=email,
        now=now,
        resumable=True,
    )
    await conn.execute(
        registration_wizards.update()
        .where(registration_wizards.c.id == wizard["id"])
        .values(
            step=STEP_PASSWORD,
            email=email,
            birth_year=typed_birth[0],
            birth_month=typed_birth[1],
            birth_day=typed_birth[2],
            auth_key_id=key.id,
            updated_at=now,
        )
    )
    return key


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
    purpose: Purpose = REGISTER,
) -> None:
    """The address step: issue a 認証キー, mailed when the address and birthdate match a
    job-seeker in the purpose's state (without a password to register, with one to reset
    it). The owner of an address that did not match is mailed why instead; an address no
    job-seeker has gets nothing. Nothing the user sees may depend on which."""
    async with conn.transaction():
        current = await load_key(conn, wizard)
        if (
            current is not None
            and current["email"] == email
            and wizard["birth_year"] == typed_birth[0]
            and wizard["birth_month"] == typed_birth[1]
            and wizard["birth_day"] == typed_birth[2]
            and current["created_at"] > now - RESEND_GRACE
            and key_problem(current, now) is None
        ):
            return  # a double tap: the key (or the notice) already sent stands
        seeker = await conn.fetch_one(
            sa.select(
                job_seekers.c.id,
                job_seekers.c.name,
                job_seekers.c.birthdate,
                job_seekers.c.password_hash.is_not(None).label("has_password"),
                offices.c.name.label("office_name"),
                offices.c.phone.label("office_phone"),
            )
            .join(offices, offices.c.id == job_seekers.c.office_id)
            .where(job_seekers.c.email == email)
        )
        matched = (
            seeker is not None
            and seeker["birthdate"] == birthdate
            and bool(seeker["has_password"]) == purpose.has_password
        )
        # Every path runs the same statements (an address nobody has writes no mail), so
        # the answer takes as long whether or not the address is registered.
        key = await issue_key(
            conn,
            wizard,
            purpose.name,
            seeker["id"] if matched and seeker else None,
            email=email,
            typed_birth=typed_birth,
            secret_key=secret_key,
            now=now,
        )
        assert key.resume is not None
        if seeker is None:
            await outbox.enqueue_nothing(
                conn,
                template=purpose.key_mail,
                context=_key_mail(purpose, "", key, base_url),
                now=now,
            )
        elif matched:
            await outbox.enqueue(
                conn,
                to=email,
                template=purpose.key_mail,
                context=_key_mail(purpose, seeker["name"], key, base_url),
                now=now,
            )
        else:
            template = (
                purpose.wrong_state_mail
                if bool(seeker["has_password"]) != purpose.has_password
                else BIRTHDATE_MISMATCH_MAIL
            )
            await outbox.enqueue(
                conn,
                to=email,
                template=template,
                context=_notice_mail(purpose, seeker, birthdate, base_url),
                now=now,
            )


def _key_mail(purpose: Purpose, name: str, key: auth_keys.Issued, base_url: str) -> dict:
    assert key.resume is not None
    return {
        "name": name,
        "key": key.value,
        "expires_at": key.expires_at,
        "url": key_page_link(base_url, purpose, key.resume),
    }


def _notice_mail(purpose: Purpose, seeker, typed: dt.date, base_url: str) -> dict:
    """What the owner of an address that did not match is told: no key, why, what now."""
    return {
        "name": seeker["name"],
        "title": purpose.title,
        "typed_birthdate": f"{typed.year}年{typed.month}月{typed.day}日",
        "office_name": seeker["office_name"],
        "office_phone": seeker["office_phone"],
        "login_url": f"{base_url}/login",
        "forgot_url": f"{base_url}/password/forgot",
        "register_url": f"{base_url}/register",
        "start_url": base_url + ("/password/forgot" if purpose.has_password else "/register/email"),
    }


async def resume(
    conn: Connection,
    secret_key: str,
    token: str,
    wizard,
    now: dt.datetime,
    purpose: Purpose = REGISTER,
) -> tuple[str | None, KeyProblem | None]:
    """The key mail's continue link opened, maybe in another browser than the one the
    wizard began in: bind this browser to the key page of the key the link belongs to.

    Returns (a new cookie value, or None when this browser's wizard already holds the
    key; and None) or (None, why the link cannot be used). The link only finds the key:
    the page still asks for the key itself, whose wrong tries count wherever typed, and
    whichever browser uses it first, the key is used once."""
    key = await auth_keys.find_resumable(conn, secret_key, purpose.name, token)
    problem = key_problem(key, now)
    if problem is None and (key["seeker_id"] is None) != purpose.new_account:
        problem = KeyExpired()  # a key for nobody was never mailed: its link is nobody's
    if problem is not None:
        return None, problem
    if wizard is not None and wizard["auth_key_id"] == key["id"]:
        return None, None
    async with conn.transaction():
        # The 生年月日 typed in the first browser, so the new password is checked as
        # carefully here (it may not contain it).
        first = await conn.fetch_one(
            sa.select(
                registration_wizards.c.birth_year,
                registration_wizards.c.birth_month,
                registration_wizards.c.birth_day,
            )
            .where(registration_wizards.c.auth_key_id == key["id"])
            .order_by(registration_wizards.c.id)
            .limit(1)
        )
        cookie = tokens.new_cookie_secret()
        await conn.execute(
            registration_wizards.insert().values(
                token_hash=_cookie_hash(secret_key, cookie, purpose),
                step=STEP_PASSWORD,
                email=key["email"],
                birth_year=first["birth_year"] if first else None,
                birth_month=first["birth_month"] if first else None,
                birth_day=first["birth_day"] if first else None,
                auth_key_id=key["id"],
                created_at=now,
                updated_at=now,
            )
        )
    return cookie, None


async def complete(
    conn: Connection,
    wizard,
    *,
    password: str,
    typed_key: str,
    secret_key: str,
    base_url: str,
    now: dt.datetime,
    purpose: Purpose = REGISTER,
) -> None:
    """The key page: check the key and set the password. Raises KeyProblem. A reset also
    ends every session of the account: whoever had the old password is out."""
    password_hash = await hash_password(password)  # slow: before the write lock is taken
    async with conn.transaction():
        key = await load_key(conn, wizard)
        seeker = None
        if key is not None and key["seeker_id"] is not None:
            seeker = await conn.fetch_one(
                sa.select(job_seekers.c.id, job_seekers.c.name, job_seekers.c.email).where(
                    job_seekers.c.id == key["seeker_id"], _password_state(purpose)
                )
            )
        # No job-seeker who may take this step: even the right key counts as a wrong try.
        failed = await auth_keys.redeem(
            conn, secret_key, purpose.name, key, typed_key, now, owner_ok=seeker is not None
        )
        if seeker is not None and failed is None:
            await conn.execute(
                job_seekers.update()
                .where(job_seekers.c.id == seeker["id"])
                .values(password_hash=password_hash, password_set_at=now)
            )
            if purpose.has_password:
                await conn.execute(sessions.delete().where(sessions.c.seeker_id == seeker["id"]))
                await login_code.forget_devices(conn, seeker["id"])
            await conn.execute(
                registration_wizards.update()
                .where(registration_wizards.c.id == wizard["id"])
                .values(step=STEP_DONE, updated_at=now)
            )
            await outbox.enqueue(
                conn,
                to=seeker["email"],
                template=purpose.done_mail,
                context={"name": seeker["name"], "login_url": f"{base_url}/login"},
                now=now,
            )
    # The wrong try must count even though the request fails: committed, then raised.
    if failed:
        raise failed


async def forget(conn: Connection, wizard) -> None:
    """キャンセル / やり直し: drop the wizard (its key stays, to count as superseded later)."""
    if wizard is not None:
        await conn.execute(
            registration_wizards.delete().where(registration_wizards.c.id == wizard["id"])
        )


async def forget_for_seeker(conn: Connection, seeker_id: int) -> None:
    """Drop every unfinished wizard (パスワード登録 or reset) waiting on a key mailed for this
    job-seeker: staff corrected the address it went to. Whoever holds the cookie or the
    mail starts again at ステップ1, which now reaches the right address only."""
    keys = sa.select(auth_keys_table.c.id).where(auth_keys_table.c.seeker_id == seeker_id)
    await conn.execute(
        registration_wizards.delete().where(
            registration_wizards.c.auth_key_id.in_(keys),
            registration_wizards.c.step < STEP_DONE,
        )
    )
