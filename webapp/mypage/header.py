"""The header's unread counts for a signed-in job-seeker (messages, requests, 情報提供),
for each whole page (not for an htmx part of a page, which carries no header, nor for a
download or a form's POST, which redirects). They are read with the session, in its one
query (webapp.mypage.service.count_columns): this only hands them to the page, as a copy
that a page marking something read may lower (webapp.requests.seen)."""

from __future__ import annotations

import re

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

# What no page is drawn for: files, downloads, and the thread's background poll.
SKIP_PREFIXES = ("/static/", "/sw.js", "/manifest.webmanifest", "/favicon")
DOWNLOADS = re.compile(r"(\.csv$|/documents/\d+$|/messages/since/\d+$)")


def _whole_page(scope: Scope) -> bool:
    path = scope["path"]
    if scope["method"] != "GET" or path.startswith(SKIP_PREFIXES) or DOWNLOADS.search(path):
        return False
    headers = Headers(scope=scope)
    return headers.get("hx-request") != "true" or headers.get("hx-boosted") == "true"


class HeaderCountsMiddleware:
    """Sets request.state.header_counts ({"notices", "messages", "requests"}) or None."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            state = scope.setdefault("state", {})
            user = state.get("user")
            counts = user.get("counts") if user else None
            state["header_counts"] = dict(counts) if counts and _whole_page(scope) else None
        await self.app(scope, receive, send)
