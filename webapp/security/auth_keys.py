"""認証キー and mailed codes as `auth_keys` rows: per purpose, expiring, single use, void
after too many wrong tries or when a newer one is issued, stored only as an HMAC.

One machinery for every key a user types back: opening My Page and a new password (the
password wizard), the sign-in code and the address change. It knows purposes only by name
and owners only by their column, so it depends on none of the features that use it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import NamedTuple

import sqlalchemy as sa
from databases.core import Connection

from webapp.schema import auth_keys
from webapp.security import tokens

KEY_LIFETIME = dt.timedelta(minutes=50)
MAX_KEY_ATTEMPTS = 5


class KeyProblem(Exception):
    """The 認証キー was not accepted; `message` says why and what to do."""

    message = ""
    restart = False  # the user must start over from ステップ1


class KeyWrong(KeyProblem):
    def __init__(self, remaining: int) -> None:
        self.message = (
            f"認証キーが正しくありません。メールに記載された認証キーを確認して入力してください"
            f"（あと{remaining}回間違えると、この申込は無効になります）。"
        )


class KeyVoid(KeyProblem):
    message = (
        f"認証キーを{MAX_KEY_ATTEMPTS}回間違えたため、このパスワード登録申込は無効になりました。"
        "お手数ですが、はじめからやり直してください。"
    )
    restart = True


class KeyExpired(KeyProblem):
    message = (
        "認証キーの有効期限（メール配信から50分）が過ぎました。"
        "お手数ですが、はじめからパスワード登録をやり直してください。"
    )
    restart = True


class KeySuperseded(KeyProblem):
    message = (
        "この申込の後に新しいパスワード登録申込があったため、この認証キーは無効です。"
        "最後に届いたメールの画面から手続きするか、はじめからやり直してください。"
    )
    restart = True


class KeyUsed(KeyProblem):
    message = "この認証キーは既に使用されています。ログイン画面からログインしてください。"
    restart = True


class Issued(NamedTuple):
    id: int
    value: str  # what the mail carries; never stored
    expires_at: dt.datetime
    # The continue link's token (resumable keys only): the mail carries it, never stored.
    resume: str | None = None


def _resume_purpose(purpose: str) -> str:
    # Its own HMAC purpose: a resume token is never taken for a key, nor one purpose's
    # token for another's.
    return f"{purpose}:resume"


def key_problem(key, now: dt.datetime) -> KeyProblem | None:
    """Why this key can no longer be used, checked before any typed value."""
    if key is None:
        return KeyExpired()
    if key["used_at"] is not None:
        return KeyUsed()
    if key["failed_attempts"] >= MAX_KEY_ATTEMPTS:
        return KeyVoid()
    if key["superseded_at"] is not None:
        return KeySuperseded()
    if key["expires_at"] <= now:
        return KeyExpired()
    return None


async def find(conn: Connection, key_id: int | None):
    """The key row, or None."""
    if key_id is None:
        return None
    return await conn.fetch_one(sa.select(auth_keys).where(auth_keys.c.id == key_id))


async def issue(
    conn: Connection,
    secret_key: str,
    purpose: str,
    owner: Mapping[str, int | None],
    *,
    email: str,
    now: dt.datetime,
    value: str | None = None,
    lifetime: dt.timedelta = KEY_LIFETIME,
    resumable: bool = False,
) -> Issued:
    """A new key of this purpose for `owner` (`{"seeker_id": id}` or `{"member_id": id}`;
    id None: an address no account has); the owner's open keys of the purpose stop working.
    `value` defaults to a new 10-character 認証キー. `resumable`: the key also gets a
    random resume token for the mail's continue link (see find_resumable)."""
    ((column, owner_id),) = owner.items()
    value = value or tokens.new_auth_key()
    resume = tokens.new_cookie_secret() if resumable else None
    expires_at = now + lifetime
    # A key for nobody supersedes nothing but runs the same statement, so the answer
    # takes as long whether or not the address belongs to an account.
    await conn.execute(
        auth_keys.update()
        .where(
            auth_keys.c[column] == (owner_id if owner_id is not None else -1),
            auth_keys.c.purpose == purpose,
            auth_keys.c.used_at.is_(None),
            auth_keys.c.superseded_at.is_(None),
        )
        .values(superseded_at=now)
    )
    key_id = await conn.fetch_val(
        auth_keys.insert()
        .values(
            purpose=purpose,
            **owner,
            email=email,
            key_hash=tokens.digest(secret_key, purpose, value),
            resume_hash=(
                tokens.digest(secret_key, _resume_purpose(purpose), resume) if resume else None
            ),
            failed_attempts=0,
            created_at=now,
            expires_at=expires_at,
        )
        .returning(auth_keys.c.id)
    )
    return Issued(key_id, value, expires_at, resume)


async def find_resumable(conn: Connection, secret_key: str, purpose: str, resume: str):
    """The key of this purpose whose continue link carries `resume`, or None. The token
    only finds the key: whether it can still be used is key_problem's to say, and using
    it still takes the key itself."""
    if not resume or len(resume) > 100:
        return None
    return await conn.fetch_one(
        sa.select(auth_keys).where(
            auth_keys.c.resume_hash == tokens.digest(secret_key, _resume_purpose(purpose), resume),
            auth_keys.c.purpose == purpose,
        )
    )


async def redeem(
    conn: Connection,
    secret_key: str,
    purpose: str,
    key,
    typed: str,
    now: dt.datetime,
    *,
    owner_ok: bool = True,
) -> KeyProblem | None:
    """Use the key up if `typed` is it (and `owner_ok`: its owner may still use it).

    Raises the KeyProblem that makes the key unusable, writing nothing. A wrong try is
    counted and its KeyProblem returned: the caller commits, then raises it, so the count
    stays. None: the key is used up."""
    problem = key_problem(key, now)
    if problem:
        raise problem
    typed_hash = tokens.digest(secret_key, purpose, tokens.normalize_auth_key(typed))
    if owner_ok and tokens.same(typed_hash, key["key_hash"]):
        await conn.execute(
            auth_keys.update().where(auth_keys.c.id == key["id"]).values(used_at=now)
        )
        return None
    attempts = key["failed_attempts"] + 1
    await conn.execute(
        auth_keys.update().where(auth_keys.c.id == key["id"]).values(failed_attempts=attempts)
    )
    if attempts >= MAX_KEY_ATTEMPTS:
        return KeyVoid()
    return KeyWrong(MAX_KEY_ATTEMPTS - attempts)


async def void_all(conn: Connection, owner: Mapping[str, int], *, now: dt.datetime) -> list[int]:
    """Every open key of `owner` (`{"seeker_id": id}`), whatever its purpose, stops working:
    the address they were mailed to is no longer the owner's. Returns their ids."""
    ((column, owner_id),) = owner.items()
    rows = await conn.fetch_all(
        auth_keys.update()
        .where(
            auth_keys.c[column] == owner_id,
            auth_keys.c.used_at.is_(None),
            auth_keys.c.superseded_at.is_(None),
        )
        .values(superseded_at=now)
        .returning(auth_keys.c.id)
    )
    return [row["id"] for row in rows]
