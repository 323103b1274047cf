"""login_required: a page for signed-in job-seekers only, which keeps typed input across
a session timeout (see form_restore)."""

from __future__ import annotations

import functools
from urllib.parse import quote, unquote, urlsplit

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from webapp import htmx, requests
from webapp.auth import form_restore
from webapp.auth.roles import PORTALS, SEEKER, Portal
from webapp.db import current
from webapp.redirects import safe_target
from webapp.security import capabilities, cookies

RESTORE_COOKIE = "form_restore"
# Where a person who has not finished the online 求職申込書 is sent (webapp.registration).
APPLY_PATH = "/apply/form"


def login_url(back: str, portal: Portal = PORTALS[SEEKER]) -> str:
    """The door's login page, which leads back to `back` (a path on this site) after."""
    return f"{portal.login_path}?next={quote(safe_target(back, portal.home), safe='')}"


def _here(request: Request) -> str:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return safe_target(here, "/")


def _form_page(request: Request) -> str:
    """Where the form the user sent was: the same-origin Referer, else this path."""
    here = safe_target(request.url.path, "/")
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc == request.url.netloc:
        return safe_target(referer.path + (f"?{referer.query}" if referer.query else ""), here)
    return here


def login_required(handler):
    @functools.wraps(handler)
    async def guarded(request: Request) -> Response:
        settings = request.app.state.settings
        if request.state.user is None:
            back = _here(request) if request.method == "GET" else _form_page(request)
            url = login_url(back)
            if htmx.is_htmx(request):
                # Never a redirect: htmx would swap the login page into the fragment.
                response: Response = Response(status_code=401, headers={"HX-Redirect": url})
            else:
                response = RedirectResponse(url, status_code=303)
            expired_for = request.state.expired_seeker_id
            if request.method == "POST" and expired_for:
                cookie = await form_restore.keep(
                    current(request.app),
                    settings.secret_key,
                    seeker_id=expired_for,
                    path=unquote(urlsplit(back).path),  # as request.url.path reads it
                    data=form_restore.keepable(await request.form()),
                    now=requests.now(request),
                )
                cookies.set_private(response, request, RESTORE_COOKIE, cookie, max_age=3600)
            return response
        if request.state.user[
            "status"
        ] == capabilities.APPLYING and not request.url.path.startswith(APPLY_PATH):
            # The 求職申込書 is not finished: My Page opens after it (any device resumes it).
            return htmx.redirect(request, APPLY_PATH)
        restored = None
        kept = cookies.read(request, RESTORE_COOKIE) if request.method == "GET" else None
        if kept:
            restored = await form_restore.take(
                current(request.app),
                settings.secret_key,
                kept,
                seeker_id=request.state.user["id"],
                path=request.url.path,
                now=requests.now(request),
            )
            request.state.restored_form = restored
        response = await handler(request)
        response.headers["Cache-Control"] = "no-store"
        if restored is not None:
            cookies.delete(response, request, RESTORE_COOKIE)
        return response

    return guarded


def member_required(role: str):
    """A page for Hello Work staff (role "staff") or employer users (role "employer") only.

    Nobody signed in: to that door's login. Signed in as anyone else (a job-seeker, the
    other kind of member): a plain 403 that says nothing about what is behind it.
    """
    portal = PORTALS[role]

    def decorate(handler):
        @functools.wraps(handler)
        async def guarded(request: Request) -> Response:
            member = request.state.member
            if member is None or member["role"] != role:
                if request.state.user is None and member is None:
                    url = login_url(_here(request), portal)
                    if request.method != "GET":
                        url = portal.login_path
                    if htmx.is_htmx(request):
                        return Response(status_code=401, headers={"HX-Redirect": url})
                    return RedirectResponse(url, status_code=303)
                raise HTTPException(403)
            response = await handler(request)
            response.headers["Cache-Control"] = "no-store"
            return response

        return guarded

    return decorate
