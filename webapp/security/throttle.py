"""Throttling that stops guessing, not people.

Per account: 5 wrong passwords lock the address typed for 30 minutes; 認証キー mails are
limited per address typed. Counters are keyed by the address typed, registered or not, so
a locked unknown address reads exactly like a locked real one: nothing tells an attacker
which addresses exist.

Per client address: many honest people share one (a Hello Work office's Wi-Fi on a counter
morning, a school, a mobile carrier's CGNAT), so its ceilings are sized for a crowd
(SIGN_INS_PER_CLIENT, KEY_REQUESTS_PER_CLIENT), and password spraying is told apart by
failures against many distinct accounts, answered by slowing that address for minutes
(SPRAYING), never by locking out everyone behind it. Every refusal says until when.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from databases.core import Connection
from starlette.requests import Request

from webapp import requests
from webapp.clock import to_jst
from webapp.mail import outbox
from webapp.security import audit, rate_limit
from webapp.security.rate_limit import (
    KEY_REQUESTS_PER_ACCOUNT,
    KEY_REQUESTS_PER_CLIENT,
    LOGIN_FAILURES_PER_ACCOUNT,
    SIGN_INS_PER_CLIENT,
    SPRAYING,
)

# Who shares a client address, in words a job-seeker at the counter understands.
THIS_CLIENT = "この接続元（Wi-Fiや携帯電話の回線など）"


@dataclass(frozen=True)
class Refusal:
    message: str
    retry_after: int  # seconds, for the Retry-After header


def until(now: dt.datetime, seconds: int) -> str:
    """The time (JST) the wait ends, as the page says it: rounded up to the minute, so a
    user who comes back at that minute is let in."""
    end = to_jst(now + dt.timedelta(seconds=seconds))
    if end.second or end.microsecond:
        end = end.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    return end.strftime("%H時%M分")


def _locked(retry_after: int, now: dt.datetime) -> Refusal:
    return Refusal(
        f"パスワードを{LOGIN_FAILURES_PER_ACCOUNT.limit}回続けて間違えたため、このIDは"
        f"{until(now, retry_after)}までログインできません。"
        "パスワードを忘れた場合は、パスワードの再設定をしてください。",
        retry_after,
    )


def _client(request: Request) -> str:
    return rate_limit.client_key(requests.client_address(request))


async def login_refusal(
    conn: Connection, request: Request, email: str, now: dt.datetime
) -> Refusal | None:
    """Why this sign-in may not even be tried now, or None. Asked before the password is
    checked, so the answer never depends on whether it was right."""
    secret_key = request.app.state.settings.secret_key
    client = _client(request)
    wait = await SPRAYING.retry_after(conn, secret_key, client, now)
    if wait:
        return Refusal(
            f"{THIS_CLIENT}から、多くのIDでログインの失敗が続いたため、ログインの受付を"
            f"一時的に遅らせています。{until(now, wait)}以降に、もう一度お試しください。",
            wait,
        )
    wait = await SIGN_INS_PER_CLIENT.retry_after(conn, secret_key, client, now)
    if wait:
        return Refusal(
            f"{THIS_CLIENT}からのログインが多いため、受付を一時的に止めています。"
            f"{until(now, wait)}以降に、もう一度お試しください。",
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
    ip = requests.client_address(request)
    client = rate_limit.client_key(ip)
    ids = owner.ids if owner else {}
    async with conn.transaction():
        await SIGN_INS_PER_CLIENT.hit(conn, secret_key, client, now)
        await SPRAYING.hit(conn, secret_key, client, email, now)
        await LOGIN_FAILURES_PER_ACCOUNT.hit(conn, secret_key, email, now)
        await audit.record(conn, request, "login", "failure", **ids, email=email, now=now)
        if await SPRAYING.retry_after(conn, secret_key, client, now):
            # Spraying from this client: its next try must wait (recorded for the operator).
            await audit.record(conn, request, "login", "spraying", email=email, now=now)
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


async def password_accepted(
    conn: Connection, request: Request, email: str, ids: dict[str, int], now: dt.datetime
) -> None:
    """The password was right: the lockout count starts again, and this client's earlier
    failures on the account were typos, not spraying; the code step follows.
    `ids`: the account's audit ids ({"seeker_id": id} or {"member_id": id})."""
    secret_key = request.app.state.settings.secret_key
    client = _client(request)
    async with conn.transaction():
        await SIGN_INS_PER_CLIENT.hit(conn, secret_key, client, now)
        await SPRAYING.clear(conn, secret_key, client, email)
        await LOGIN_FAILURES_PER_ACCOUNT.clear(conn, secret_key, email)
        await audit.record(conn, request, "login", "password_ok", **ids, email=email, now=now)


async def login_succeeded(
    conn: Connection, request: Request, email: str, ids: dict[str, int], now: dt.datetime
) -> None:
    """Signed in (after the code, or on a remembered browser)."""
    async with conn.transaction():
        await LOGIN_FAILURES_PER_ACCOUNT.clear(conn, request.app.state.settings.secret_key, email)
        await audit.record(conn, request, "login", "success", **ids, email=email, now=now)


async def key_request_refusal(
    conn: Connection, request: Request, email: str, now: dt.datetime, *, what: str = "認証キー"
) -> Refusal | None:
    """Count a request for a mail carrying `what` (認証キー, 確認コード) to `email`; the
    Refusal when over a limit."""
    secret_key = request.app.state.settings.secret_key
    client = _client(request)
    waits = (
        (KEY_REQUESTS_PER_CLIENT, client, f"{THIS_CLIENT}からの申込が多いため"),
        (KEY_REQUESTS_PER_ACCOUNT, email, f"{what}の送信を短時間に何度も申し込まれたため"),
    )
    for limit, key, reason in waits:
        wait = await limit.retry_after(conn, secret_key, key, now)
        if wait:
            await audit.record(conn, request, "key_request", "throttled", email=email, now=now)
            return Refusal(
                f"{reason}、受付を一時的に止めています。{until(now, wait)}以降に、"
                f"もう一度お試しください。届いているメールの{what}は、有効期限内であれば使えます。",
                wait,
            )
    async with conn.transaction():
        await KEY_REQUESTS_PER_CLIENT.hit(conn, secret_key, client, now)
        await KEY_REQUESTS_PER_ACCOUNT.hit(conn, secret_key, email, now)
        await audit.record(conn, request, "key_request", "accepted", email=email, now=now)
    return None
