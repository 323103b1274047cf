"""Security events written to the audit table: time, account, address, outcome."""

from __future__ import annotations

import datetime as dt

from databases.core import Connection
from starlette.requests import Request

from webapp import requests
from webapp.schema import security_events
from webapp.security.tokens import digest


async def record(
    conn: Connection,
    request: Request,
    event: str,
    outcome: str,
    *,
    seeker_id: int | None = None,
    member_id: int | None = None,
    email: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Never a password or key: the address is kept only as an HMAC, for correlation."""
    settings = request.app.state.settings
    await conn.execute(
        security_events.insert().values(
            created_at=now or requests.now(request),
            event=event,
            outcome=outcome,
            seeker_id=seeker_id,
            member_id=member_id,
            email_hash=digest(settings.secret_key, "audit-email", email.lower()) if email else None,
            ip_address=requests.client_address(request),
            user_agent=request.headers.get("user-agent", "")[:300],
        )
    )
