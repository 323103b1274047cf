"""Throttling that stops guessing, not people: lockout per account, limits per address.

Counters are keyed by the address typed, registered or not, so a locked unknown address
reads exactly like a locked real one: nothing tells an attacker which addresses exist.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from databases.core import Connection
from starlette.requests import Request

from webapp.clock import to_jst
from webapp.mail import outbox
from webapp.security import audit
from webapp.security.rate_limit import (
    KEY_REQUESTS_PER_ACCOUNT,
    KEY_REQUESTS_PER_ADDRESS,
    LOGIN_FAILURES_PER_ACCOUNT,
    LOGIN_FAILURES_PER_ADDRESS,
)


@dataclass(frozen=True)
class Refusal:
    message: str
    retry_after: int  # seconds, for the Retry-After header


def _minutes(seconds: int) -> int:
    return max(1, -(-seconds // 60))


def _locked(retry_after: int, now: dt.datetime) -> Refusal:
    until = to_jst(now + dt.timedelta(seconds=retry_after)).strftime("%H時%M分")
    return Refusal(
        f"パスワードを{LOGIN_FAILURES_PER_ACCOUNT.limit}回続けて間違えたため、このIDは"
        f"{until}までログインできません。パスワードを忘れた場合は、パスワードの再設定をしてください。",
        retry_after,
    )


async def login_refusal(
    conn: Connection, secret_key: str, email: str, ip: str, now: dt.datetime
) -> Refusal | None:
    """Why this sign-in may not even be tried now, or None."""
    wait = await LOGIN_FAILURES_PER_ADDRESS.retry_after(conn, secret_key, ip, now)
    if wait:
        return Refusal(
            "短時間にログインの失敗が続いたため、この端末からのログインを一時的に止めています。"
            f"{_minutes(wait)}分ほど待ってから、もう一度お試しください。",
            wait,
        )
    wait = await LOGIN_FAILURES_PER_ACCOUNT.retry_after(conn, secret_key, email, now)
    return _locked(wait, now) if wait else None


@dataclass(frozen=True)
class Owner:
    """Whose address was typed at this door: the account's audit ids and its name."""

    ids: dict[str, int]  # {"seeker_id": id} or {"member_id": id}
    name: str


async def login_failed(
    conn: Connection,
    request: Request,
    email: str,
    now: dt.datetime,
    *,
    owner: Owner | None,
    login_url: str,
) -> Refusal | None:
    """Count a wrong password; the Refusal when this one locked the account. `owner`: the
    account behind the address (None: no account has it), mailed when it is locked."""
    secret_key = request.app.state.settings.secret_key
    ip = audit.client_ip(request)
    ids = owner.ids if owner else {}
    async with conn.transaction():
        await LOGIN_FAILURES_PER_ADDRESS.hit(conn, secret_key, ip, now)
        await LOGIN_FAILURES_PER_ACCOUNT.hit(conn, secret_key, email, now)
        await audit.record(conn, request, "login", "failure", **ids, email=email, now=now)
        wait = await LOGIN_FAILURES_PER_ACCOUNT.retry_after(conn, secret_key, email, now)
        if not wait:
            return None
        await audit.record(conn, request, "lock", "locked", **ids, email=email, now=now)
        if owner is not None:
            await outbox.enqueue(
                conn,
                to=email,
                template="account_locked",
                now=now,
                context={
                    "name": owner.name,
                    "until": now + dt.timedelta(seconds=wait),
                    "ip": ip,
                    "reset_url": login_url,
                },
            )
        return _locked(wait, now)


async def _accepted(
    conn: Connection, request: Request, email: str, ids: dict[str, int], outcome: str, now
) -> None:
    async with conn.transaction():
        await LOGIN_FAILURES_PER_ACCOUNT.clear(conn, request.app.state.settings.secret_key, email)
        await audit.record(conn, request, "login", outcome, **ids, email=email, now=now)


async def password_accepted(
    conn: Connection, request: Request, email: str, ids: dict[str, int], now: dt.datetime
) -> None:
    """The password was right: the lockout count starts again; the code step follows.
    `ids`: the account's audit ids ({"seeker_id": id} or {"member_id": id})."""
    await _accepted(conn, request, email, ids, "password_ok", now)


async def login_succeeded(
    conn: Connection, request: Request, email: str, ids: dict[str, int], now: dt.datetime
) -> None:
    """Signed in (after the code, or on a remembered browser)."""
    await _accepted(conn, request, email, ids, "success", now)


async def key_request_refusal(
    conn: Connection, request: Request, email: str, now: dt.datetime
) -> Refusal | None:
    """Count a request for a 認証キー mail; the Refusal when over a limit."""
    secret_key = request.app.state.settings.secret_key
    ip = audit.client_ip(request)
    for limit, key in ((KEY_REQUESTS_PER_ADDRESS, ip), (KEY_REQUESTS_PER_ACCOUNT, email)):
        wait = await limit.retry_after(conn, secret_key, key, now)
        if wait:
            await audit.record(conn, request, "key_request", "throttled", email=email, now=now)
            return Refusal(
                "認証キーの送信を短時間に何度も申し込まれたため、受付を一時的に止めています。"
                f"{_minutes(wait)}分ほど待ってから、もう一度お試しください。"
                "届いているメールの認証キーは、有効期限内であれば使えます。",
                wait,
            )
    async with conn.transaction():
        await KEY_REQUESTS_PER_ADDRESS.hit(conn, secret_key, ip, now)
        await KEY_REQUESTS_PER_ACCOUNT.hit(conn, secret_key, email, now)
        await audit.record(conn, request, "key_request", "accepted", email=email, now=now)
    return None
