"""A shared cache of whole responses for public pages, as seen by signed-out visitors.

Most search traffic on a public service comes from visitors who are not signed in, and
for them the search page depends on nothing but its URL. A handler that renders such a
page says so with `mark_public(response)`; this middleware keeps those responses for a
few seconds and serves the stored bytes to the next signed-out visitor asking for the
same URL, without touching the database, the session or the templates.

It is a cache, not state: each instance has its own, entries live 30 seconds (the search
result cache's TTL), so several instances behind a load balancer may disagree for at most
that long, which is fine for job postings. Nothing is stored that a visitor could own:
only a 200 that a handler marked public, without Set-Cookie, for a request without a
session cookie; a signed-in request neither reads nor fills it.

It sits inside the CSRF middleware (which adds its cookie to a first visit's response,
so a stored page never carries one) and outside the database connection and the session
lookup, which a hit skips. Security headers are added outside, on hits too.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import parse_qsl, urlencode

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from webapp.clock import Clock
from webapp.request_cookies import cookies

ResponseT = TypeVar("ResponseT", bound=Response)

TTL = 30.0  # seconds; the same as search.ResultCache
MARKER = b"x-page-cache"  # set by mark_public, never sent to the browser
# Request headers a public page may depend on (htmx asks for fragments with them). They
# are part of every key, with the scheme and Host; a response whose Vary names any other
# header is not stored.
KEY_HEADERS = (b"hx-request", b"hx-boosted", b"hx-history-restore-request", b"hx-target")
# Cookie: the page differs for a signed-in visitor, whom the cache never serves.
STORABLE_VARY = {h.decode() for h in KEY_HEADERS} | {"cookie"}


def mark_public(response: ResponseT) -> ResponseT:
    """Let the page cache keep `response`: call it only for a page that, for a visitor
    without a session, depends on nothing but the URL and the KEY_HEADERS."""
    response.headers["x-page-cache"] = "public"
    # private: a first visit's response carries the visitor's CSRF cookie, which no shared
    # cache may hand on. Vary: Cookie, so the browser asks again once signed in.
    response.headers["Cache-Control"] = f"private, max-age={int(TTL)}"
    vary = [v.strip() for v in response.headers.get("Vary", "").split(",") if v.strip()]
    response.headers["Vary"] = ", ".join([*vary, "Cookie"])
    return response


@dataclass
class Entry:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    stored_at: float


class PageCache:
    """The stored responses, least recently used dropped first, bounded in count and bytes."""

    def __init__(
        self, ttl: float = TTL, size: int = 512, max_bytes: int = 32 << 20, max_entry=512 << 10
    ) -> None:
        self.ttl, self.size, self.max_bytes, self.max_entry = ttl, size, max_bytes, max_entry
        self.paths: set[str] = set()  # paths ever stored: other requests skip the lookup
        self._items: OrderedDict[tuple, Entry] = OrderedDict()
        self._bytes = 0

    def get(self, key: tuple, now: float) -> Entry | None:
        entry = self._items.get(key)
        if entry is None:
            return None
        if not entry.stored_at <= now < entry.stored_at + self.ttl:  # lapsed, or clock went back
            self._drop(key)
            return None
        self._items.move_to_end(key)
        return entry

    def put(self, key: tuple, entry: Entry) -> None:
        if self.ttl <= 0 or len(entry.body) > self.max_entry:
            return
        if key in self._items:
            self._drop(key)
        self._items[key] = entry
        self._bytes += len(entry.body)
        self.paths.add(key[0])
        while len(self._items) > self.size or self._bytes > self.max_bytes:
            self._drop(next(iter(self._items)))

    def _drop(self, key: tuple) -> None:
        self._bytes -= len(self._items.pop(key).body)

    def __len__(self) -> int:
        return len(self._items)


def _normalized_query(query_string: bytes) -> str:
    """The same parameters in one order (by name; repeated names keep theirs)."""
    if not query_string:
        return ""
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    return urlencode(sorted(pairs, key=lambda pair: pair[0]))


def _storable(message: Message) -> bool:
    """A 200 marked public, without a cookie, whose Vary the key covers."""
    if message["status"] != 200:
        return False
    headers = message.get("headers", [])
    names = {name.lower() for name, _ in headers}
    if MARKER not in names or b"set-cookie" in names:
        return False
    for name, value in headers:
        if name.lower() == b"vary":
            varies = {v.strip().lower() for v in value.decode("latin-1").split(",")}
            if not varies <= STORABLE_VARY:
                return False
    return True


class PageCacheMiddleware:
    def __init__(self, app: ASGIApp, *, session_cookie: str, clock: Clock) -> None:
        self.app, self.session_cookie, self.clock = app, session_cookie, clock

    def _store(self, scope: Scope) -> PageCache:
        # On app.state, like the search result cache, so tests and the bench can reach it.
        state = scope["app"].state
        store = getattr(state, "page_cache", None)
        if store is None:
            store = state.page_cache = PageCache()
        return store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if scope["method"] != "GET" or self._signed_in(scope):
            return await self.app(scope, receive, _without_marker(send))
        # The first of a repeated header, as Starlette's request.headers.get reads it, so a
        # request cannot be keyed on one value and rendered on another.
        headers = dict(reversed(scope["headers"]))
        store = self._store(scope)
        now = self.clock.now().timestamp()
        key = (
            scope["path"],
            _normalized_query(scope["query_string"]),
            scope.get("scheme"),
            headers.get(b"host"),
            *(headers.get(name) for name in KEY_HEADERS),
        )
        if scope["path"] in store.paths and (entry := store.get(key, now)):
            age = str(int(now - entry.stored_at)).encode()
            start = {"status": entry.status, "headers": [*entry.headers, (b"age", age)]}
            await send({"type": "http.response.start", **start})
            await send({"type": "http.response.body", "body": entry.body})
            return None
        await self.app(scope, receive, self._storing(send, store, key, now))

    def _signed_in(self, scope: Scope) -> bool:
        """Carries a session cookie, valid or not (an expired one still gets its own page)."""
        return self.session_cookie in cookies(scope)

    def _storing(self, send: Send, store: PageCache, key: tuple, now: float) -> Send:
        kept: Entry | None = None
        chunks: list[bytes] = []

        async def send_and_keep(message: Message) -> None:
            nonlocal kept
            if message["type"] == "http.response.start":
                storable = _storable(message)
                _strip_marker(message)
                if storable:  # a copy: the middlewares outside add to the list sent on
                    kept = Entry(message["status"], list(message["headers"]), b"", now)
            elif message["type"] == "http.response.body" and kept is not None:
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    kept.body = b"".join(chunks)
                    store.put(key, kept)
            await send(message)

        return send_and_keep


def _strip_marker(message: Message) -> None:
    headers = message.get("headers")
    if headers and any(name == MARKER for name, _ in headers):
        message["headers"] = [(n, v) for n, v in headers if n != MARKER]


def _without_marker(send: Send) -> Send:
    async def send_stripped(message: Message) -> None:
        if message["type"] == "http.response.start":
            _strip_marker(message)
        await send(message)

    return send_stripped
