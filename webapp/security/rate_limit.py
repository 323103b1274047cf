"""Rate limits kept in the database, shared by every instance: a RateLimit counts events
per key (an account's address, a client's address); a SprayDetector counts the distinct
accounts a client failed against and asks it to wait, longer the more it sprays.

Clients are counted by network where one person holds many addresses: an IPv6 client by
its /64 (one household's or one phone's prefix), so hopping addresses within it counts as
one client.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import math
from dataclasses import dataclass

import sqlalchemy as sa
from databases.core import Connection

from webapp.schema import rate_limit_hits
from webapp.security.tokens import digest

# The longest window of any limit (the download of one's own data counts a day): rows
# older than this count for nothing (sweep()).
LONGEST_WINDOW = dt.timedelta(days=1)


def client_key(address: str) -> str:
    """What the per-client counters are keyed by: an IPv4 address as it is, an IPv6
    address by its /64 network; anything else (a test client's name) as it is."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{ip}/64", strict=False))
    return str(ip)


def _hash(secret_key: str, bucket: str, key: str) -> str:
    return digest(secret_key, f"rate:{bucket}", key.lower())


@dataclass(frozen=True)
class RateLimit:
    """At most `limit` events per `window` for one key of `bucket`."""

    bucket: str
    limit: int
    window: dt.timedelta

    def _key(self, secret_key: str, key: str) -> str:
        return _hash(secret_key, self.bucket, key)

    async def retry_after(
        self, conn: Connection, secret_key: str, key: str, now: dt.datetime
    ) -> int | None:
        """Seconds until the next event is allowed, or None when it is allowed now."""
        # The `limit`-th most recent event in the window: while there is one, the limit is
        # reached, and that event must leave the window first.
        oldest = await conn.fetch_val(
            sa.select(rate_limit_hits.c.created_at)
            .where(
                rate_limit_hits.c.bucket == self.bucket,
                rate_limit_hits.c.key_hash == self._key(secret_key, key),
                rate_limit_hits.c.created_at > now - self.window,
            )
            .order_by(rate_limit_hits.c.created_at.desc())
            .offset(self.limit - 1)
            .limit(1)
        )
        if oldest is None:
            return None
        return max(1, math.ceil((oldest + self.window - now).total_seconds()))

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


@dataclass(frozen=True)
class SprayDetector:
    """Failures against many distinct accounts from one client, answered by slowing it.

    Once a client has failed against `threshold` distinct accounts within `window`, each
    further try must wait `first_wait` after its last failure, doubled for every further
    account, never more than `longest_wait`: a sprayer's pace falls to a few accounts an
    hour, while the people behind the same address wait minutes, not hours. An account
    whose right password follows from the same client was a typo, not a spray (clear())."""

    bucket: str
    threshold: int
    window: dt.timedelta
    first_wait: dt.timedelta
    longest_wait: dt.timedelta

    def wait(self, accounts: int) -> dt.timedelta | None:
        """How long a client that failed against `accounts` distinct accounts must wait
        after its last failure (None: not at all)."""
        if accounts < self.threshold:
            return None
        doublings = min(accounts - self.threshold, 30)
        return min(self.first_wait * 2**doublings, self.longest_wait)

    async def retry_after(
        self, conn: Connection, secret_key: str, client: str, now: dt.datetime
    ) -> int | None:
        """Seconds this client must still wait before its next try, or None."""
        row = await conn.fetch_one(
            sa.select(
                sa.func.count(sa.distinct(rate_limit_hits.c.subject_hash)).label("accounts"),
                sa.func.max(rate_limit_hits.c.created_at).label("last"),
            ).where(
                rate_limit_hits.c.bucket == self.bucket,
                rate_limit_hits.c.key_hash == _hash(secret_key, self.bucket, client),
                rate_limit_hits.c.created_at > now - self.window,
            )
        )
        assert row is not None  # an aggregate always answers one row
        wait = self.wait(row["accounts"])
        if wait is None:
            return None
        left = math.ceil((row["last"] + wait - now).total_seconds())
        return left if left > 0 else None

    async def hit(
        self, conn: Connection, secret_key: str, client: str, account: str, now: dt.datetime
    ) -> None:
        await conn.execute(
            rate_limit_hits.insert().values(
                bucket=self.bucket,
                key_hash=_hash(secret_key, self.bucket, client),
                subject_hash=_hash(secret_key, f"{self.bucket}:account", account),
                created_at=now,
            )
        )

    async def clear(self, conn: Connection, secret_key: str, client: str, account: str) -> None:
        """The account's own password came from this client: its failures were typos."""
        await conn.execute(
            rate_limit_hits.delete().where(
                rate_limit_hits.c.bucket == self.bucket,
                rate_limit_hits.c.key_hash == _hash(secret_key, self.bucket, client),
                rate_limit_hits.c.subject_hash
                == _hash(secret_key, f"{self.bucket}:account", account),
            )
        )


async def sweep(conn: Connection, now: dt.datetime) -> None:
    """Drop the rows no limit looks at any more (the daily round does, every 10 minutes)."""
    await conn.execute(
        rate_limit_hits.delete().where(rate_limit_hits.c.created_at < now - LONGEST_WINDOW)
    )


# --- per account: guessing one account's password or key ---------------------------------

# 5 wrong passwords in a row lock the address for 30 minutes (known or not: the same answer).
LOGIN_FAILURES_PER_ACCOUNT = RateLimit("login-fail-account", 5, dt.timedelta(minutes=30))
# 認証キー and sign-in code mails (wizard, reset, resend, address change) per address typed.
KEY_REQUESTS_PER_ACCOUNT = RateLimit("key-request-account", 3, dt.timedelta(minutes=15))

# --- per client address: many people share one (an office's Wi-Fi, a school, a carrier's
# CGNAT), so a client's ceilings are sized for a crowd and only spraying slows it ----------

# Passwords checked from one client (right or wrong): a crowded counter morning brings a
# few hundred; the ceiling bounds what one address can make the server hash.
SIGN_INS_PER_CLIENT = RateLimit("sign-in-client", 600, dt.timedelta(hours=1))
# 認証キー and code mails asked from one client.
KEY_REQUESTS_PER_CLIENT = RateLimit("key-request-client", 600, dt.timedelta(hours=1))
# Wrong passwords against 10 distinct accounts within an hour: 30 s, then 1, 2, 4 minutes …
# at most 5 minutes between tries.
SPRAYING = SprayDetector(
    "login-spray-client",
    threshold=10,
    window=dt.timedelta(hours=1),
    first_wait=dt.timedelta(seconds=30),
    longest_wait=dt.timedelta(minutes=5),
)
