"""Top page, help (よくあるご質問, お問い合わせ), offline page and the PWA's service worker."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from webapp.auth.password_pages import key_pending
from webapp.db import current
from webapp.members.service import list_offices
from webapp.static_assets import static_assets
from webapp.templating import render, templates


async def top(request: Request) -> Response:
    """トップ: a user who left the wizard for the mail app is taken back to ステップ3."""
    if await key_pending(request):
        return RedirectResponse("/register/password", status_code=303)
    return render(request, "pages/top.html")


async def faq(request: Request) -> Response:
    """よくあるご質問: the seeds' notes (mail not arriving, the 50 minutes, the password
    rule, what オンライン自主応募 is not counted for), one page for every door."""
    return render(request, "help/faq.html", public=True)


async def contact(request: Request) -> Response:
    """お問い合わせ: the offices' phone numbers and hours; a signed-in job-seeker's own
    office first."""
    offices = await list_offices(current(request.app))
    user = getattr(request.state, "user", None)
    own = next((o for o in offices if user and o["id"] == user["office_id"]), None)
    return render(
        request,
        "help/contact.html",
        {
            "offices": offices,
            "own_office": own,
            "office_hours": request.app.state.settings.office_hours,
        },
    )


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
    Route("/help", faq, methods=["GET"]),
    Route("/contact", contact, methods=["GET"]),
    Route("/offline", offline, methods=["GET"]),
    Route("/sw.js", service_worker, methods=["GET"]),
]
