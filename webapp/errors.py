"""The app's error pages, the same whoever answers: a handler or the router (HTTPException),
one of our middlewares (ErrorPages), the catch-all for a bug (500), and a database that is
briefly away (503, ErrorPages)."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from webapp.db import is_database_unavailable
from webapp.templating import render

log = logging.getLogger(__name__)

ERROR_MESSAGES = {
    400: "送信された内容を受け付けられませんでした。",
    403: "この操作は受け付けられません。",
    404: "お探しのページが見つかりません。URLをご確認ください。",
    405: "この操作は受け付けられません。",
    413: "送信された内容が大きすぎます。",
    500: "システムで問題が起きました。しばらくしてから、もう一度お試しください。",
    503: "ただいま混み合っているか、システムの一時的な不具合で、ページを表示できません。"
    "しばらくしてから、もう一度お試しください。",
}
# How long a browser (or a proxy) is asked to wait before trying again during an outage:
# the pool reconnects for the first request after the database is back.
RETRY_AFTER_SECONDS = 30


async def error_page(
    request: Request,
    status_code: int,
    message: str | None = None,
    *,
    headers: Mapping[str, str] | None = None,
) -> Response:
    return render(
        request,
        "pages/error.html",
        {"status_code": status_code, "message": message or ERROR_MESSAGES.get(status_code, "")},
        status_code=status_code,
        headers=dict(headers or {}),
    )


async def http_exception(request: Request, exc: Exception) -> Response:
    """A handler's or the router's HTTPException (404, 405 with its Allow header, ...)."""
    assert isinstance(exc, HTTPException)
    return await error_page(request, exc.status_code, headers=exc.headers)


async def server_error(request: Request, exc: Exception) -> Response:
    """A bug: logged with its traceback; the person reads that something went wrong."""
    log.exception("unhandled error", exc_info=exc)
    return await error_page(request, 500)


async def unavailable_page(request: Request) -> Response:
    return await error_page(request, 503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


class ErrorPages:
    """Around our own ASGI middleware (CSRF, the page cache, the per-request connection,
    the session), which sit outside Starlette's exception handlers:

    - an HTTPException one of them raises (Starlette's form parser raises 400 for too many
      files or fields, say) is the app's error page with its status, not a 500;
    - the database being unreachable, wherever the request meets it (taking a connection,
      reading the session, in a handler), is a 503 page with Retry-After and a warning in
      the log, not a 500 logged as a bug.

    Once the response has started nothing can be changed: the error goes on up."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def watching_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watching_send)
            return
        except HTTPException as exc:
            if started:
                raise
            response = await error_page(Request(scope), exc.status_code, headers=exc.headers)
        except Exception as exc:
            if started or not is_database_unavailable(exc):
                raise
            log.warning("database unavailable, answered 503: %s: %s", type(exc).__name__, exc)
            response = await unavailable_page(Request(scope))
        await response(scope, receive, send)
