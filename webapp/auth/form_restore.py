"""Typed input survives a session timeout: kept for its owner, put back after sign-in.

The real service loses what was typed when the session ends under a form; this one keeps
the fields (never passwords, keys or codes) for an hour, bound to the browser by a cookie
and to the job-seeker whose session expired, and restores them into the same page.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import sqlalchemy as sa
from databases.core import Connection
from starlette.datastructures import UploadFile

from webapp.schema import pending_forms
from webapp.security import tokens

KEEP_FOR = dt.timedelta(hours=1)
# The sign-in 確認コード is "code"; a 郵便番号 ("postcode") or a code table's value is kept.
NEVER_KEPT = re.compile(r"pass|csrf|auth_key|^code$|token|secret", re.IGNORECASE)
MAX_VALUE = 10_000


def keepable(form) -> dict[str, list[str]]:
    """The fields worth keeping: text only, no secrets, bounded in size."""
    return {
        name: [str(v)[:MAX_VALUE] for v in form.getlist(name) if not isinstance(v, UploadFile)]
        for name in form
        if not NEVER_KEPT.search(name)
    }


def _hash(secret_key: str, cookie: str) -> str:
    return tokens.digest(secret_key, "pending-form", cookie)


async def keep(
    conn: Connection, secret_key: str, *, seeker_id: int, path: str, data: dict, now: dt.datetime
) -> str:
    cookie = tokens.new_cookie_secret()
    async with conn.transaction():
        await conn.execute(
            pending_forms.delete().where(pending_forms.c.created_at < now - KEEP_FOR)
        )
        await conn.execute(
            pending_forms.insert().values(
                token_hash=_hash(secret_key, cookie),
                seeker_id=seeker_id,
                path=path,
                data=json.dumps(data, ensure_ascii=False),
                created_at=now,
            )
        )
    return cookie


async def take(
    conn: Connection, secret_key: str, cookie: str, *, seeker_id: int, path: str, now: dt.datetime
) -> dict | None:
    """The kept fields for this page and this job-seeker (then forgotten), or None."""
    row = await conn.fetch_one(
        sa.select(pending_forms).where(pending_forms.c.token_hash == _hash(secret_key, cookie))
    )
    if row is None or row["path"] != path or row["seeker_id"] != seeker_id:
        return None
    await conn.execute(pending_forms.delete().where(pending_forms.c.id == row["id"]))
    if row["created_at"] < now - KEEP_FOR:
        return None
    return json.loads(row["data"])
