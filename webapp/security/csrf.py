"""CSRF protection and request-body limits for every unsafe request, in one ASGI middleware.

Signed double-submit: a random secret in an HttpOnly cookie, and in each form (or the
X-CSRF-Token header htmx sends) an HMAC of it under the server's key. A cross-site
Origin or Sec-Fetch-Site is refused before the token is even looked at. Because it sits
in front of every route, a new POST route cannot forget it.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qsl, urlsplit

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from webapp.request_cookies import cookies
from webapp.security.tokens import digest, new_cookie_secret

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
FIELD_NAME = "csrf_token"
HEADER_NAME = "x-csrf-token"
MAX_FORM_BYTES = 64 * 1024
MAX_MULTIPART_BYTES = 12 * 1024 * 1024
MAX_FIELDS = 200
MAX_FILES = 10
FORM_REFUSED = (
    "送信された内容を受け付けられませんでした。項目やファイルが多すぎるか、形式が正しくありません。"
)

ErrorPage = Callable[[Scope, int, str], Awaitable[Response]]


def cookie_name(https: bool, name: str) -> str:
    """`__Host-` binds the cookie to this exact origin, but browsers accept it only over https."""
    return f"__Host-{name}" if https else name


def form_token(secret_key: str, cookie_secret: str) -> str:
    return digest(secret_key, "csrf", cookie_secret)


class BodyTooLarge(Exception):
    pass


class CSRFMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        secret_key: str,
        https: bool,
        allowed_origin: str,
        error_page: ErrorPage,
    ) -> None:
        self.app = app
        self.secret_key = secret_key
        self.https = https
        self.allowed_origin = allowed_origin
        self.error_page = error_page
        self.cookie = cookie_name(https, "csrf")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        secret = cookies(scope).get(self.cookie, "")
        fresh = not secret
        if fresh:
            secret = new_cookie_secret()
        scope.setdefault("state", {})["csrf_token"] = form_token(self.secret_key, secret)

        if scope["method"] not in SAFE_METHODS:
            refusal = await self._check(scope, receive, Headers(scope=scope), secret, fresh)
            if isinstance(refusal, Response):
                return await refusal(scope, receive, send)
            receive = refusal

        async def send_with_cookie(message: Message) -> None:
            if fresh and message["type"] == "http.response.start":
                attrs = "Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if self.https else "")
                value = f"{self.cookie}={secret}; {attrs}".encode("latin-1")
                message.setdefault("headers", []).append((b"set-cookie", value))
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    async def _check(self, scope, receive, headers, secret, fresh):
        """The replaying `receive` when the request may go on, else the refusal."""
        if not self._same_origin(scope, headers):
            return await self.error_page(
                scope, 403, "他のサイトから送られた操作は受け付けられません。"
            )
        content_type = headers.get("content-type", "")
        multipart = content_type.startswith("multipart/form-data")
        limit = MAX_MULTIPART_BYTES if multipart else MAX_FORM_BYTES
        try:
            body = await _read_body(receive, headers, limit)
        except BodyTooLarge:
            return await self.error_page(scope, 413, "送信された内容が大きすぎます。")
        replay = _replaying(body, receive)
        token = headers.get(HEADER_NAME, "")
        try:
            if content_type.startswith("application/x-www-form-urlencoded"):
                fields = parse_qsl(
                    body.decode("utf-8", "replace"),
                    keep_blank_values=True,
                    max_num_fields=MAX_FIELDS,
                )
                token = token or next((v for k, v in fields if k == FIELD_NAME), "")
            elif multipart and not token:
                form = await Request(scope, _replaying(body, receive)).form(
                    max_fields=MAX_FIELDS, max_files=MAX_FILES
                )
                token = str(form.get(FIELD_NAME, ""))
                await form.close()
        except (ValueError, MultiPartException, HTTPException):
            # Too many fields or files, or a body that is not the form it says it is.
            # Starlette's parser raises HTTPException(400) for these inside an app.
            return await self.error_page(scope, 400, FORM_REFUSED)
        expected = form_token(self.secret_key, secret)
        if fresh or not hmac.compare_digest(token.encode(), expected.encode()):
            return await self.error_page(
                scope,
                403,
                "画面の有効期限が切れたか、正しくない操作です。画面を開き直して、もう一度お試しください。",
            )
        return replay

    def _same_origin(self, scope: Scope, headers: Headers) -> bool:
        if headers.get("sec-fetch-site") == "cross-site":
            return False
        origin = headers.get("origin")
        if not origin:
            return True
        own = f"{scope.get('scheme', 'http')}://{headers.get('host', '')}"
        return origin in (self.allowed_origin, own)


async def _read_body(receive: Receive, headers: Headers, limit: int) -> bytes:
    declared = headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replaying(body: bytes, original: Receive) -> Receive:
    """Hand the buffered body to the app once, then pass through (for disconnects)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return await original()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def allowed_origin(base_url: str) -> str:
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}"
