"""The one-time code after the password (ログイン確認コード), and remembered browsers.

A six-digit code is mailed through the outbox, valid 10 minutes, 5 tries. The challenge
is bound to the browser the same way the wizard is: a row keyed by an HMAC of a cookie.
"""

from __future__ import annotations

import datetime as dt
import secrets

import sqlalchemy as sa
from databases.core import Connection

from webapp.auth.roles import PORTALS, SEEKER, Account
from webapp.auth.service import account_table
from webapp.db import fetch_existing
from webapp.mail import outbox
from webapp.schema import members, registration_wizards, remembered_devices
from webapp.security import auth_keys, tokens
from webapp.security.auth_keys import (
    MAX_KEY_ATTEMPTS,
    KeyExpired,
    KeyProblem,
    KeySuperseded,
    KeyUsed,
    KeyVoid,
    KeyWrong,
)

PURPOSE = "login"
CODE_LIFETIME = dt.timedelta(minutes=10)
REMEMBER_FOR = dt.timedelta(days=30)
MESSAGES = {
    KeyExpired: "確認コードの有効期限（10分）が過ぎました。"
    "お手数ですが、もう一度ログインしてください。",
    KeyVoid: f"確認コードを{MAX_KEY_ATTEMPTS}回間違えたため、このコードは無効になりました。"
    "もう一度ログインしてください。",
    KeySuperseded: "新しい確認コードを送ったため、このコードは無効です。"
    "最後に届いたメールのコードを入力してください。",
    KeyUsed: "この確認コードは既に使われています。もう一度ログインしてください。",
}


def message(problem: KeyProblem) -> str:
    if isinstance(problem, KeyWrong):
        return problem.message.replace("認証キー", "確認コード").replace("この申込", "このコード")
    return MESSAGES.get(type(problem), problem.message)


def _challenge_hash(secret_key: str, cookie: str) -> str:
    return tokens.digest(secret_key, "login-challenge", cookie)


def _device_hash(secret_key: str, cookie: str) -> str:
    return tokens.digest(secret_key, "remembered-device", cookie)


async def is_remembered(
    conn: Connection, secret_key: str, cookie: str | None, account: Account, now: dt.datetime
) -> bool:
    # Staff and employers reach other people's personal data, often on shared counter
    # tablets: they are asked for the code every time.
    if not cookie or account.role != SEEKER:
        return False
    seeker_id = account.id
    found = await conn.fetch_val(
        sa.select(sa.func.count())
        .select_from(remembered_devices)
        .where(
            remembered_devices.c.token_hash == _device_hash(secret_key, cookie),
            remembered_devices.c.seeker_id == seeker_id,
            remembered_devices.c.expires_at > now,
        )
    )
    return bool(found)


async def remember(conn: Connection, secret_key: str, seeker_id: int, now: dt.datetime) -> str:
    cookie = tokens.new_cookie_secret()
    await conn.execute(
        remembered_devices.insert().values(
            token_hash=_device_hash(secret_key, cookie),
            seeker_id=seeker_id,
            created_at=now,
            expires_at=now + REMEMBER_FOR,
        )
    )
    return cookie


async def forget_devices(conn: Connection, seeker_id: int) -> None:
    """After a password or address change, every browser asks for a code again."""
    await conn.execute(
        remembered_devices.delete().where(remembered_devices.c.seeker_id == seeker_id)
    )


def _new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


async def send_code(
    conn: Connection, secret_key: str, account: Account, *, cookie: str | None, now: dt.datetime
) -> str:
    """Mail a new code (older ones stop working); returns the challenge cookie's value."""
    table = account_table(account.role)
    async with conn.transaction():
        owner = await fetch_existing(
            conn, sa.select(table.c.name, table.c.email).where(table.c.id == account.id)
        )
        key = await auth_keys.issue(
            conn,
            secret_key,
            PURPOSE,
            account.columns,
            email=owner["email"],
            now=now,
            value=_new_code(),
            lifetime=CODE_LIFETIME,
        )
        if cookie:
            await conn.execute(
                registration_wizards.delete().where(
                    registration_wizards.c.token_hash == _challenge_hash(secret_key, cookie)
                )
            )
        cookie = tokens.new_cookie_secret()
        await conn.execute(
            registration_wizards.insert().values(
                token_hash=_challenge_hash(secret_key, cookie),
                step=3,
                email=owner["email"],
                auth_key_id=key.id,
                created_at=now,
                updated_at=now,
            )
        )
        await outbox.enqueue(
            conn,
            to=owner["email"],
            template="login_code",
            now=now,
            context={
                "name": owner["name"],
                "code": key.value,
                "expires_at": key.expires_at,
                "site": PORTALS[account.role].title,
            },
        )
    return cookie


async def challenge(conn: Connection, secret_key: str, cookie: str | None):
    """(challenge row, its key row) for this browser, or (None, None)."""
    if not cookie:
        return None, None
    row = await conn.fetch_one(
        sa.select(registration_wizards).where(
            registration_wizards.c.token_hash == _challenge_hash(secret_key, cookie)
        )
    )
    if row is None:
        return None, None
    return row, await auth_keys.find(conn, row["auth_key_id"])


async def account_of(conn: Connection, key) -> Account:
    """Whose login code this key row is."""
    if key["seeker_id"] is not None:
        return Account(SEEKER, key["seeker_id"])
    role = await conn.fetch_val(sa.select(members.c.role).where(members.c.id == key["member_id"]))
    return Account(role, key["member_id"])


async def check_code(
    conn: Connection, secret_key: str, cookie: str | None, typed: str, now: dt.datetime
) -> Account:
    """The account whose code this is. Raises KeyProblem (wrong tries are counted)."""
    async with conn.transaction():
        row, key = await challenge(conn, secret_key, cookie)
        digits = "".join(ch for ch in tokens.normalize_auth_key(typed) if ch.isdigit())
        failure = await auth_keys.redeem(conn, secret_key, PURPOSE, key, digits, now)
        if not failure:
            await conn.execute(
                registration_wizards.delete().where(registration_wizards.c.id == row["id"])
            )
            return await account_of(conn, key)
    raise failure  # after the commit: the wrong try stays counted
