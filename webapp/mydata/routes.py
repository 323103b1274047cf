"""登録情報のダウンロード (個人情報の開示) on My Page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from webapp import requests
from webapp.auth.guard import login_required
from webapp.db import current
from webapp.mydata import service
from webapp.security import audit, throttle
from webapp.templating import render


def _page(request: Request, *, refused: str = "", retry_after: int | None = None) -> Response:
    return render(
        request,
        "mydata/download.html",
        {"refused": refused, "limit": service.MY_DATA_PER_ACCOUNT.limit},
        status_code=429 if refused else 200,
        headers={"Retry-After": str(retry_after)} if retry_after else None,
    )


@login_required
async def page(request: Request) -> Response:
    """What the download holds, and the button."""
    return _page(request)


@login_required
async def download(request: Request) -> Response:
    """The ZIP of everything held about the signed-in job-seeker; counted (a few a day)
    and mailed to them, so a download they did not make does not go unnoticed."""
    await request.form()  # the CSRF middleware has checked the token
    conn = current(request.app)
    user = request.state.user
    now = requests.now(request)
    secret_key = request.app.state.settings.secret_key
    try:
        archive = await service.download(
            conn, secret_key, user, now=now, base_url=requests.base_url(request)
        )
    except service.TooMany as refused:
        return _page(
            request,
            refused=f"登録情報のダウンロードは1日{service.MY_DATA_PER_ACCOUNT.limit}回までです。"
            f"{throttle.until(now, refused.retry_after)}以降に、もう一度お試しください。",
            retry_after=refused.retry_after,
        )
    await audit.record(conn, request, "my_data", "success", seeker_id=user["id"], now=now)
    day = requests.today(request)
    return Response(
        archive,
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="hellowork-mydata-{day:%Y%m%d}.zip"',
            "Cache-Control": "no-store",
        },
    )


routes = [
    Route("/mypage/data", page, methods=["GET"]),
    Route("/mypage/data", download, methods=["POST"]),
]
