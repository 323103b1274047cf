"""求職者マイページ home."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from webapp.auth.guard import login_required
from webapp.templating import render


@login_required
async def home(request: Request) -> Response:
    """The job-seeker's name, 求職番号 and the menu."""
    return render(request, "mypage/home.html")


routes = [Route("/mypage", home, methods=["GET"])]
