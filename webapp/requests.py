"""What a handler reads off the request besides its input: the time, from the app's one
clock (the one the tests hold), and the site's public address."""

from __future__ import annotations

import datetime as dt

from starlette.requests import Request


def now(request: Request) -> dt.datetime:
    return request.app.state.clock.now()


def today(request: Request) -> dt.date:
    """Today's date in Japan."""
    return request.app.state.clock.today()


def base_url(request: Request) -> str:
    """BASE_URL, without a trailing slash: links in mails and pages start with it."""
    return request.app.state.settings.base_url.rstrip("/")


def client_address(request: Request) -> str:
    """The client's IP address, the one place the app reads it: the socket's peer, or,
    behind a proxy named in FORWARDED_ALLOW_IPS, the address that proxy put in
    X-Forwarded-For (uvicorn's ProxyHeadersMiddleware has already moved it here). A
    client that reaches the app directly cannot choose it with a header of its own."""
    return (request.client.host if request.client else "")[:45]


def seen(request: Request, kind: str, count: int = 1) -> None:
    """`count` items of `kind` ("notices", "messages", "requests") were just marked read by
    this request: the header's unread counts, looked up before the handler ran
    (webapp.mypage.header), say so on this very page."""
    counts = getattr(request.state, "header_counts", None)
    if counts and count > 0:
        counts[kind] = max(0, counts.get(kind, 0) - count)
