"""求職者マイページ home."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from webapp.auth.guard import login_required
from webapp.db import current
from webapp.mypage.service import menu_counts
from webapp.templating import render


@login_required
async def home(request: Request) -> Response:
    """The job-seeker's name, 求職番号 and the menu with what is new."""
    counts = await menu_counts(current(request.app), request.state.user["id"])
    return render(request, "mypage/home.html", {"counts": counts})


routes = [Route("/mypage", home, methods=["GET"])]
