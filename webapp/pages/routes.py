"""Top page, offline page and the PWA's service worker."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from webapp.auth.password_pages import key_pending
from webapp.static_assets import static_assets
from webapp.templating import render, templates


async def top(request: Request) -> Response:
    """トップ: a user who left the wizard for the mail app is taken back to ステップ3."""
    if await key_pending(request):
        return RedirectResponse("/register/password", status_code=303)
    return render(request, "pages/top.html")


async def offline(request: Request) -> Response:
    response = render(request, "pages/offline.html")
    response.headers["Cache-Control"] = "no-cache"
    return response


# What the service worker keeps for a phone that goes offline.
OFFLINE_FILES = (
    "css/app.css",
    "js/app.js",
    "js/htmx.min.js",
    "js/htmx-fallback.js",
    "icons/icon.svg",
    "icons/icon-192.png",
    "manifest.webmanifest",
)


async def service_worker(request: Request) -> Response:
    """The service worker, served from the root so its scope is the whole site."""
    assets = static_assets()
    files = ["/offline", *(assets.url(path) for path in OFFLINE_FILES)]
    return templates.TemplateResponse(
        request,
        "pages/sw.js",
        {"files": files, "version": assets.version},
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache"},
    )


routes = [
    Route("/", top, methods=["GET"]),
    Route("/offline", offline, methods=["GET"]),
    Route("/sw.js", service_worker, methods=["GET"]),
]
