"""ハローワーク職員用ページ: the staff console's home (the areas hang off its menu)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from webapp.auth.guard import member_required
from webapp.auth.roles import STAFF
from webapp.db import current
from webapp.staff.service import menu_counts
from webapp.templating import render


@member_required(STAFF)
async def home(request: Request) -> Response:
    """The staff member's office and the console's menu."""
    member = request.state.member
    counts = await menu_counts(current(request.app), member["office_id"])
    return render(request, "staff/home.html", {"counts": counts})


routes = [Route("/staff", home, methods=["GET"])]
