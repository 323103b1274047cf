"""What an htmx request asks for, and the responses htmx understands."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from webapp.redirects import safe_target

# A whole page answering an htmx request with an error (base.html's responseHandling swaps
# 4xx and 5xx): its <main> takes the place of the page's, wherever the request would have
# put its answer, so the person reads the message instead of a tap that does nothing.
ERROR_PAGE_SWAP = {"HX-Retarget": "#main", "HX-Reswap": "outerHTML", "HX-Reselect": "#main"}


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def wants_fragment(request: Request) -> bool:
    """An htmx swap of part of the page (not a boosted navigation or a history restore)."""
    return (
        is_htmx(request)
        and request.headers.get("hx-boosted") != "true"
        and request.headers.get("hx-history-restore-request") != "true"
    )


def swap_main(request: Request) -> dict[str, str]:
    """Headers for a whole page sent where htmx asked for a part (a search refused over a
    field that sits outside the results it swaps): htmx puts the page's <main> in place."""
    if not wants_fragment(request):
        return {}
    return {
        "HX-Retarget": "#main",
        "HX-Reselect": "#main",
        "HX-Reswap": "outerHTML",
        "HX-Push-Url": "false",
    }


def redirect(request: Request, url: str, *, target: str | None = None) -> Response:
    """After a successful POST: 303 for a plain form; for htmx, HX-Location, so htmx fetches
    the next page's fragment into `target` and pushes its URL (Back and reload then work).
    `url` is a path on this site (security.redirects); anything else leads to the top page."""
    url = safe_target(url, "/")
    if not is_htmx(request):
        return RedirectResponse(url, status_code=303)
    if target:
        location = json.dumps({"path": url, "target": target, "swap": "outerHTML"})
        return Response(status_code=200, headers={"HX-Location": location})
    return Response(status_code=200, headers={"HX-Redirect": url})
