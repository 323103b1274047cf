"""Rows for tests, written through the same services the app uses."""

from __future__ import annotations

from webapp.schema import job_seekers
from webapp.security.passwords import hash_password
from webapp.seekers import service as seekers

DEFAULTS = {
    "name": "山田太郎",
    "kana": "ヤマダタロウ",
    "birthdate": "1990-04-01",
    "email": "taro@example.com",
}


def run(client, work):
    """Run `work(conn)` in the app's event loop, on its database."""

    async def call():
        async with client.app.state.db.connection() as conn:
            return await work(conn)

    return client.portal.call(call)


def seeker(client, *, password: str | None = None, **overrides) -> str:
    """A counter-registered job-seeker (with a password when given); returns the 求職番号."""
    values = {**DEFAULTS, **overrides}
    now = client.app.state.clock.now()
    new = seekers.validate_new_seeker(today=now.date(), **values)

    async def work(conn):
        number = await seekers.register(conn, new, office_code=None, now=now)
        if password:
            await conn.execute(
                job_seekers.update()
                .where(job_seekers.c.seeker_number == number)
                .values(password_hash=await hash_password(password), password_set_at=now)
            )
        return number

    return run(client, work)


def another_session(client, session_cookie: str):
    """A browser that presents `session_cookie` (for example one that was rotated away)."""
    from tests.helpers import another_browser

    other = another_browser(client)
    other.cookies.set("session", session_cookie)
    return other
