"""Puts who is signed in on every request: request.state.user (a job-seeker) or
request.state.member (Hello Work staff or an employer user), else None for both."""

from __future__ import annotations

import re
from collections.abc import Mapping

from starlette.types import ASGIApp, Receive, Scope, Send

from webapp.auth import service
from webapp.db import AppDatabase
from webapp.request_cookies import cookies

SKIP_PREFIXES = ("/static/", "/sw.js", "/manifest.webmanifest", "/favicon")
# Requests the page makes by itself (a message thread's 10-second poll) are not the user's
# activity: they must not keep an idle session alive on a shared computer.
BACKGROUND = re.compile(r"/messages/since/\d+$")


class SessionUserMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        db: AppDatabase,
        secret_key: str,
        cookie: str,
        clock,
        seeker_counts: service.SeekerCounts | None = None,
        page_extras: Mapping[str, service.SeekerCounts] | None = None,
    ) -> None:
        self.app, self.db, self.secret_key = app, db, secret_key
        self.cookie, self.clock, self.seeker_counts = cookie, clock, seeker_counts
        # Path → what that page reads of the job-seeker with the session (one query less).
        self.page_extras = dict(page_extras or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(SKIP_PREFIXES):
            return await self.app(scope, receive, send)
        token = cookies(scope).get(self.cookie)
        state = scope.setdefault("state", {})
        state["session_token"] = token
        state["user"], state["member"], state["expired_seeker_id"] = await service.load_session(
            self.db.connection(),
            self.secret_key,
            token,
            self.clock.now(),
            touch=not BACKGROUND.search(scope["path"]),
            seeker_counts=self.seeker_counts,
            page_extras=self.page_extras.get(scope["path"]),
        )
        await self.app(scope, receive, send)
