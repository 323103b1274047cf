"""Security headers on every response, in one place, with a strict CSP."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from webapp.config import HTMX_CDN_URL


def content_security_policy(htmx_cdn: bool) -> str:
    # Scripts: our own files, and the one htmx file on the CDN (SRI-pinned in base.html).
    scripts = "'self'" + (f" {HTMX_CDN_URL}" if htmx_cdn else "")
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "manifest-src 'self'",
            "worker-src 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'",
        ]
    )


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, https: bool, htmx_cdn: bool) -> None:
        self.app = app
        self.headers = {
            "content-security-policy": content_security_policy(htmx_cdn),
            "referrer-policy": "same-origin",
            "x-content-type-options": "nosniff",
            "x-frame-options": "DENY",
            "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
            "cross-origin-opener-policy": "same-origin",
        }
        if https:
            self.headers["strict-transport-security"] = "max-age=63072000; includeSubDomains"
        self.raw = [
            (name.encode(), value.encode("latin-1")) for name, value in self.headers.items()
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # MutableHeaders.setdefault's way, once for all of them: a name the
                # response set itself keeps its value.
                raw = message.setdefault("headers", [])
                if not isinstance(raw, list):
                    raw = message["headers"] = list(raw)
                present = {name.lower() for name, _ in raw}
                raw.extend(pair for pair in self.raw if pair[0] not in present)
            await send(message)

        await self.app(scope, receive, send_with_headers)
