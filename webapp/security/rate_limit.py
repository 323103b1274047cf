"""Rate limits kept in the database: test(), hit(), clear(), shared by every instance."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import sqlalchemy as sa
from databases.core import Connection

from webapp.schema import rate_limit_hits
from webapp.security.tokens import digest


@dataclass(frozen=True)
class RateLimit:
    """At most `limit` events per `window` for one key of `bucket`."""

    bucket: str
    limit: int
    window: dt.timedelta

    def _key(self, secret_key: str, key: str) -> str:
        return digest(secret_key, f"rate:{self.bucket}", key.lower())

    async def _recent(self, conn: Connection, key_hash: str, now: dt.datetime) -> list:
        rows = await conn.fetch_all(
            sa.select(rate_limit_hits.c.created_at)
            .where(
                rate_limit_hits.c.bucket == self.bucket,
                rate_limit_hits.c.key_hash == key_hash,
                rate_limit_hits.c.created_at > now - self.window,
            )
            .order_by(rate_limit_hits.c.created_at.desc())
            .limit(self.limit)
        )
        return [row["created_at"] for row in rows]

    async def retry_after(
        self, conn: Connection, secret_key: str, key: str, now: dt.datetime
    ) -> int | None:
        """Seconds until the next event is allowed, or None when it is allowed now."""
        recent = await self._recent(conn, self._key(secret_key, key), now)
        if len(recent) < self.limit:
            return None
        # The oldest of the last `limit` events must leave the window first.
        return max(1, math.ceil((recent[-1] + self.window - now).total_seconds()))

    async def hit(self, conn: Connection, secret_key: str, key: str, now: dt.datetime) -> None:
        await conn.execute(
            rate_limit_hits.insert().values(
                bucket=self.bucket, key_hash=self._key(secret_key, key), created_at=now
            )
        )

    async def clear(self, conn: Connection, secret_key: str, key: str) -> None:
        await conn.execute(
            rate_limit_hits.delete().where(
                rate_limit_hits.c.bucket == self.bucket,
                rate_limit_hits.c.key_hash == self._key(secret_key, key),
            )
        )


# 5 wrong passwords in a row lock the address for 30 minutes (known or not: the same answer).
LOGIN_FAILURES_PER_ACCOUNT = RateLimit("login-fail-account", 5, dt.timedelta(minutes=30))
# Password spraying: many addresses tried from one client.
LOGIN_FAILURES_PER_ADDRESS = RateLimit("login-fail-ip", 30, dt.timedelta(minutes=15))
# 認証キー mails (wizard and reset): per account and per client address.
KEY_REQUESTS_PER_ACCOUNT = RateLimit("key-request-account", 3, dt.timedelta(minutes=15))
KEY_REQUESTS_PER_ADDRESS = RateLimit("key-request-ip", 10, dt.timedelta(hours=1))
