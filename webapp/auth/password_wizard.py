"""A job-seeker's password set with a mailed 認証キー: パスワード登録 (opening My Page,
webapp.registration) and パスワードを忘れた方 (webapp.auth.reset_routes) share it.

The state is a row bound to an HttpOnly cookie, so a user who leaves for the mail app,
closes the tab or loses signal comes back to the same step. Whether the address and
birthdate match a job-seeker never shows: both paths write a key row and move to the
key page; only a match also queues the mail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from databases.core import Connection

from webapp.auth import login_code
from webapp.mail import outbox
from webapp.schema import auth_keys as auth_keys_table
from webapp.schema import job_seekers, registration_wizards, sessions
from webapp.security import auth_keys, tokens
from webapp.security.auth_keys import key_problem
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


REGISTER = Purpose(
    "register", False, "register_key", "register_done", "/register/password", "wizard"
)
RESET = Purpose("reset", True, "reset_key", "password_changed", "/password/reset", "reset")
# Pressing 次へ進む twice (or reloading the POST) within this window sends no second key.
RESEND_GRACE = dt.timedelta(seconds=60)
WIZARD_IDLE_LIFETIME = dt.timedelta(hours=2)

STEP_TERMS, STEP_EMAIL, STEP_PASSWORD, STEP_DONE = 1, 2, 3, 4


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
    """The address step: issue a 認証キー (mailed only when the address and birthdate match
    a job-seeker: without a password to register, with one to reset it). Nothing the user
    sees may depend on which."""
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
            return  # a double tap: the key already sent stands
        seeker = await conn.fetch_one(
            sa.select(job_seekers.c.id, job_seekers.c.name).where(
                job_seekers.c.email == email,
                job_seekers.c.birthdate == birthdate,
                _password_state(purpose),
            )
        )
        # Both paths run the same statements (a non-match's write nothing), so the answer
        # takes as long whether or not the address is registered.
        key = await auth_keys.issue(
            conn,
            secret_key,
            purpose.name,
            {"seeker_id": seeker["id"] if seeker else None},
            email=email,
            now=now,
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
        context = {
            "name": seeker["name"] if seeker else "",
            "key": key.value,
            "expires_at": key.expires_at,
            "url": f"{base_url}{purpose.key_page}",
        }
        if seeker is None:
            await outbox.enqueue_nothing(conn, template=purpose.key_mail, context=context, now=now)
        else:
            await outbox.enqueue(
                conn, to=email, template=purpose.key_mail, context=context, now=now
            )


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
