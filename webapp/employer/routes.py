"""求人者マイページ: the employer's home (postings, applicants and messages hang off it)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from webapp.auth.guard import member_required
from webapp.auth.roles import EMPLOYER
from webapp.db import current
from webapp.employer.service import menu_counts
from webapp.templating import render


@member_required(EMPLOYER)
async def home(request: Request) -> Response:
    """The employer's name and the menu."""
    member = request.state.member
    counts = await menu_counts(current(request.app), member["employer_id"])
    return render(request, "employer/home.html", {"counts": counts})


routes = [Route("/employer", home, methods=["GET"])]
