"""Top page, offline page and the PWA's service worker."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from webapp.auth.password_pages import key_pending
from webapp.config import PROJECT_ROOT
from webapp.templating import render


async def top(request: Request) -> Response:
    """トップ: a user who left the wizard for the mail app is taken back to ステップ3."""
    if await key_pending(request):
        return RedirectResponse("/register/password", status_code=303)
    return render(request, "pages/top.html")


async def offline(request: Request) -> Response:
    response = render(request, "pages/offline.html")
    response.headers["Cache-Control"] = "no-cache"
    return response


async def service_worker(request: Request) -> Response:
    # Served from the root so its scope is the whole site.
    return FileResponse(
        PROJECT_ROOT / "static" / "js" / "sw.js",
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache"},
    )


routes = [
    Route("/", top, methods=["GET"]),
    Route("/offline", offline, methods=["GET"]),
    Route("/sw.js", service_worker, methods=["GET"]),
]
