"""求職者マイページ home."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from webapp import requests
from webapp.auth.guard import login_required
from webapp.db import current
from webapp.mypage.service import menu_counts
from webapp.seekers import online as seekers_online
from webapp.seekers import validity
from webapp.templating import render

DONE = {
    "inactive": "求職登録を「無効」にしました。有効期限内であれば、いつでも「有効」に戻せます。",
    "active": "求職登録を「有効」に戻しました。",
}


@login_required
async def home(request: Request) -> Response:
    """The job-seeker's name, 求職番号, the registration's 有効期限 and the menu."""
    user = request.state.user
    # The header's counts, read with the session (webapp.mypage.header) and lowered by
    # what this request marked read.
    counts = (
        getattr(request.state, "header_counts", None)
        or user.get("counts")
        or await menu_counts(current(request.app), user["id"])
    )
    today = requests.today(request)
    left = validity.days_left(user["valid_until"], today)
    return render(
        request,
        "mypage/home.html",
        {
            "counts": counts,
            "days_left": left,
            "lapsed": left is not None and left < 0,
            "done": DONE.get(request.query_params.get("done", "")),
            # An オンライン登録者: no referral menu, but what a counter visit adds.
            "visit": await seekers_online.counter_visit(current(request.app), user),
        },
    )


routes = [Route("/mypage", home, methods=["GET"])]
