"""The account's life on My Page: password and address changes, devices, sign-in history."""

from __future__ import annotations

import datetime as dt
import ipaddress
import re

import sqlalchemy as sa
from databases.core import Connection

from webapp.auth import login_code
from webapp.mail import outbox
from webapp.schema import auth_keys, job_seekers, security_events, sessions
from webapp.security import auth_keys as keys
from webapp.security.passwords import hash_password, verify_password
from webapp.seekers.service import record_change

EMAIL_CHANGE = "email_change"
HISTORY_LENGTH = 20


class AddressTaken(ValueError):
    pass


async def seeker(conn: Connection, seeker_id: int):
    return await conn.fetch_one(sa.select(job_seekers).where(job_seekers.c.id == seeker_id))


async def check_password(conn: Connection, seeker_id: int, password: str) -> bool:
    row = await seeker(conn, seeker_id)
    return await verify_password(row["password_hash"] if row else None, password)


async def end_other_sessions(conn: Connection, seeker_id: int, keep_session_id: int) -> int:
    rows = await conn.fetch_all(
        sessions.delete()
        .where(sessions.c.seeker_id == seeker_id, sessions.c.id != keep_session_id)
        .returning(sessions.c.id)
    )
    return len(rows)


async def change_password(
    conn: Connection, user, new_password: str, *, base_url: str, now: dt.datetime
) -> None:
    """New password; every other session ends, every remembered browser is asked for the
    code again, and the owner gets a notice."""
    password_hash = await hash_password(new_password)
    async with conn.transaction():
        await conn.execute(
            job_seekers.update()
            .where(job_seekers.c.id == user["id"])
            .values(password_hash=password_hash, password_set_at=now)
        )
        await end_other_sessions(conn, user["id"], user["session_id"])
        await login_code.forget_devices(conn, user["id"])
        await outbox.enqueue(
            conn,
            to=user["email"],
            template="password_changed",
            now=now,
            context={"name": user["name"], "login_url": f"{base_url}/login"},
        )


async def request_email_change(
    conn: Connection, user, new_email: str, *, secret_key: str, now: dt.datetime
) -> None:
    """Mail a key to the new address; the change happens when the key comes back."""
    async with conn.transaction():
        if await _address_taken(conn, new_email, user["id"]):
            raise AddressTaken
        key = await keys.issue(
            conn, secret_key, EMAIL_CHANGE, {"seeker_id": user["id"]}, email=new_email, now=now
        )
        await outbox.enqueue(
            conn,
            to=new_email,
            template="email_change_key",
            now=now,
            context={"name": user["name"], "key": key.value, "expires_at": key.expires_at},
        )


async def pending_email_change(conn: Connection, seeker_id: int):
    return await conn.fetch_one(
        sa.select(auth_keys)
        .where(
            auth_keys.c.seeker_id == seeker_id,
            auth_keys.c.purpose == EMAIL_CHANGE,
            auth_keys.c.superseded_at.is_(None),
        )
        .order_by(auth_keys.c.id.desc())
        .limit(1)
    )


async def confirm_email_change(
    conn: Connection, user, typed_key: str, *, secret_key: str, now: dt.datetime
) -> str:
    """Check the key and switch the address; other sessions end, remembered browsers are
    asked for the code again, and the old address gets a notice. Raises KeyProblem or
    AddressTaken. Returns the new address."""
    async with conn.transaction():
        key = await pending_email_change(conn, user["id"])
        failure = await keys.redeem(conn, secret_key, EMAIL_CHANGE, key, typed_key, now)
        if not failure:
            if await _address_taken(conn, key["email"], user["id"]):
                raise AddressTaken  # the key stays unused: the transaction rolls back
            await conn.execute(
                job_seekers.update()
                .where(job_seekers.c.id == user["id"])
                .values(email=key["email"])
            )
            # Kept in the change history: the mail to the old address stays the person's
            # (their data to download, and to purge), not the next holder's.
            await record_change(
                conn, user["id"], "email", user["email"], key["email"], actor="seeker",
                member_id=None, now=now,
            )  # fmt: skip
            await end_other_sessions(conn, user["id"], user["session_id"])
            await login_code.forget_devices(conn, user["id"])
            await outbox.enqueue(
                conn,
                to=user["email"],
                template="email_changed",
                now=now,
                context={"name": user["name"], "new_email": key["email"]},
            )
    if failure:
        raise failure  # after the commit: the wrong try stays counted
    return key["email"]


async def _address_taken(conn: Connection, email: str, seeker_id: int) -> bool:
    return bool(
        await conn.fetch_val(
            sa.select(sa.func.count())
            .select_from(job_seekers)
            .where(job_seekers.c.email == email, job_seekers.c.id != seeker_id)
        )
    )


async def devices(conn: Connection, seeker_id: int) -> list:
    return await conn.fetch_all(
        sa.select(
            sessions.c.id,
            sessions.c.user_agent,
            sessions.c.ip_address,
            sessions.c.created_at,
            sessions.c.last_seen_at,
        )
        .where(sessions.c.seeker_id == seeker_id)
        .order_by(sessions.c.last_seen_at.desc())
    )


async def end_session(conn: Connection, seeker_id: int, session_id: int) -> bool:
    """Only one of this job-seeker's own sessions: another's id ends nothing."""
    rows = await conn.fetch_all(
        sessions.delete()
        .where(sessions.c.id == session_id, sessions.c.seeker_id == seeker_id)
        .returning(sessions.c.id)
    )
    return bool(rows)


async def sign_in_history(conn: Connection, seeker_id: int) -> list:
    return await conn.fetch_all(
        sa.select(
            security_events.c.created_at,
            security_events.c.event,
            security_events.c.outcome,
            security_events.c.ip_address,
            security_events.c.user_agent,
        )
        .where(
            security_events.c.seeker_id == seeker_id, security_events.c.event.in_(("login", "lock"))
        )
        .order_by(security_events.c.created_at.desc(), security_events.c.id.desc())
        .limit(HISTORY_LENGTH)
    )


def describe_browser(user_agent: str) -> str:
    """A short, human name for a device: 'iPhone の Safari', 'Windows の Chrome'."""
    ua = user_agent or ""
    system = next(
        (
            name
            for pattern, name in (
                (r"iPhone", "iPhone"),
                (r"iPad", "iPad"),
                (r"Android", "Android"),
                (r"Windows", "Windows"),
                (r"Mac OS X|Macintosh", "Mac"),
                (r"CrOS", "Chromebook"),
                (r"Linux", "Linux"),
            )
            if re.search(pattern, ua)
        ),
        "",
    )
    browser = next(
        (
            name
            for pattern, name in (
                (r"Edg/", "Edge"),
                (r"OPR/|Opera", "Opera"),
                (r"SamsungBrowser", "Samsung Internet"),
                (r"Firefox/|FxiOS", "Firefox"),
                (r"Chrome/|CriOS", "Chrome"),
                (r"Version/.*Safari/", "Safari"),
            )
            if re.search(pattern, ua)
        ),
        "",
    )
    if system and browser:
        return f"{system} の {browser}"
    return system or browser or "不明な端末"


def coarse_place(ip_address: str) -> str:
    """The address a session or sign-in came from, as the device list shows it: an IPv4
    address with its last part hidden (203.0.113.*), an IPv6 one by its first four groups
    (its network); loopback as it is, since it names no one. Whether it is this device is
    the list's to say, from the session, never from the address: many share one."""
    try:
        ip = ipaddress.ip_address(ip_address)
    except ValueError:
        return ip_address or "不明"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return str(ip)
    if isinstance(ip, ipaddress.IPv4Address):
        return ".".join(str(ip).split(".")[:3]) + ".*"
    groups = [group.lstrip("0") or "0" for group in ip.exploded.split(":")[:4]]
    return ":".join(groups) + ":…"
