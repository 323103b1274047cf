"""Staff console: the office's オンライン登録者 (people who applied on the web) waiting for a
counter visit, each with their 求職申込書; confirming identity (→ 利用登録者) and merging
one with a counter registration of the same person (see webapp.seekers.online)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from webapp import htmx, requests
from webapp.auth.guard import member_required
from webapp.auth.roles import STAFF
from webapp.db import current
from webapp.seekers import online
from webapp.templating import render

NOT_DUPLICATE = (
    "同じ氏名・フリガナ・生年月日の求職者が窓口で登録されています。同じ人であれば統合し、"
    "別の人であることを確かめたときは「別の人であることを確認しました」にチェックを付けてください。"
)
CLOSED_COUNTER = (
    "統合先の登録は、退会・就職・取消で終了しています。終了した登録には統合できません。"
    "別の人であれば本人確認をして、利用登録者にしてください。"
)
DONE = {
    "confirmed": "本人確認をして、利用登録者にしました。職業紹介ができます。",
    "merged": "窓口での登録に統合しました。",
}
CORRECTED = {
    "corrected": "求職申込書を訂正しました。変更履歴に残し、本人にメールでお知らせしました。",
    "unchanged": "申込み内容は変わっていません（訂正する箇所はありませんでした）。",
}


@member_required(STAFF)
async def queue(request: Request) -> Response:
    """オンライン登録者（本人確認待ち）: this office's, oldest first, duplicates flagged."""
    member = request.state.member
    rows = await online.queue(current(request.app), member["office_id"])
    done = DONE.get(request.query_params.get("done", ""))
    return render(request, "staff/online_queue.html", {"rows": rows, "done": done})


async def _page(request: Request, seeker_id: int, *, error: str = "", status_code: int = 200):
    conn = current(request.app)
    found = await online.application_for_staff(conn, request.state.member, seeker_id)
    application = found["application"]
    values = {**dict(found["seeker"]), **(dict(application) if application else {})}
    return render(
        request,
        "staff/online_application.html",
        {
            **found,
            "shown": online.display(values),
            "error": error,
            "correct_steps": online.FORM_STEPS,
            "done": CORRECTED.get(request.query_params.get("done", "")),
        },
        status_code=status_code,
    )


@member_required(STAFF)
async def application(request: Request) -> Response:
    """One オンライン登録者's 求職申込書, what to check, and the counter registrations that
    may be the same person."""
    return await _page(request, request.path_params["seeker_id"])


@member_required(STAFF)
async def confirm(request: Request) -> Response:
    """本人確認をした: the person becomes a 利用登録者 (time and staff member kept)."""
    seeker_id = request.path_params["seeker_id"]
    data = await request.form()
    try:
        await online.confirm(
            current(request.app),
            request.state.member,
            seeker_id,
            not_duplicate=data.get("not_duplicate") == "yes",
            now=requests.now(request),
        )
    except online.ConfirmRefused:
        return await _page(request, seeker_id, error=NOT_DUPLICATE, status_code=422)
    return htmx.redirect(request, f"/staff/seekers/{seeker_id}?done=confirmed")


@member_required(STAFF)
async def merge(request: Request) -> Response:
    """統合する: into the counter registration flagged as the same person."""
    data = await request.form()
    try:
        counter_id = int(str(data.get("counter_id", "")))
    except ValueError:
        counter_id = 0
    seeker_id = request.path_params["seeker_id"]
    try:
        await online.merge(
            current(request.app),
            request.state.member,
            seeker_id,
            counter_id,
            now=requests.now(request),
        )
    except online.MergeRefused:
        return await _page(request, seeker_id, error=CLOSED_COUNTER, status_code=422)
    return htmx.redirect(request, f"/staff/seekers/{counter_id}?done=merged")


routes = [
    Route("/staff/online", queue, methods=["GET"]),
    Route("/staff/online/{seeker_id:id}", application, methods=["GET"]),
    Route("/staff/online/{seeker_id:id}/confirm", confirm, methods=["POST"]),
    Route("/staff/online/{seeker_id:id}/merge", merge, methods=["POST"]),
]
