"""login_required: a page for signed-in job-seekers only."""

from __future__ import annotations

import functools
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from webapp import htmx


def login_url(request: Request) -> str:
    back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"/login?next={quote(back, safe='')}"


def login_required(handler):
    @functools.wraps(handler)
    async def guarded(request: Request) -> Response:
        if request.state.user is None:
            url = login_url(request)
            if htmx.is_htmx(request):
                # Never a redirect: htmx would swap the login page into the fragment.
                return Response(status_code=401, headers={"HX-Redirect": url})
            return RedirectResponse(url, status_code=303)
        response = await handler(request)
        response.headers["Cache-Control"] = "no-store"
        return response

    return guarded


def safe_next(target: str | None) -> str:
    """Only a path on this site: never //evil.example or https://evil.example."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/mypage"
