"""設定変更: 求職情報の変更 (with its history, which staff can read) and 有効／無効."""

from __future__ import annotations

import sqlalchemy as sa
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from webapp import htmx, requests
from webapp.auth.guard import login_required, member_required
from webapp.auth.roles import STAFF
from webapp.db import current
from webapp.forms import Form
from webapp.postings import catalog
from webapp.profile import forms, service
from webapp.schema import job_seekers
from webapp.staff.access import seeker_for_staff
from webapp.templating import render

DONE = {
    "saved": "求職情報を変更しました。",
    "unchanged": "変更された項目はありませんでした。",
    "history": "職歴を更新しました。",
    "inactive": "求職登録を「無効」にしました。",
    "active": "求職登録を「有効」に戻しました。",
}
CHOICES = {
    "occupations": catalog.OCCUPATIONS,
    "prefectures": catalog.PREFECTURES,
    "employment_types": catalog.EMPLOYMENT_TYPES,
    "wage_types": catalog.WAGE_TYPES,
}


async def _overview_context(request: Request, history_form: Form | None = None) -> dict:
    conn = current(request.app)
    seeker_id = request.state.user["id"]
    values = await service.load(conn, seeker_id)
    seeker = await conn.fetch_one(
        sa.select(job_seekers.c.name, job_seekers.c.kana, job_seekers.c.birthdate).where(
            job_seekers.c.id == seeker_id
        )
    )
    return {
        "rows": [(f.label, service.display(f.name, values[f.name])) for f in forms.FIELDS],
        "seeker": seeker,
        "entries": await service.history_entries(conn, seeker_id),
        "history_form": history_form or Form(),
        "done": DONE.get(request.query_params.get("done", "")),
    }


@login_required
async def overview(request: Request) -> Response:
    """What Hello Work has on file, with 職歴 and links to change it."""
    return render(request, "profile/overview.html", await _overview_context(request))


def _edit_page(request: Request, form: Form, status_code: int = 200) -> Response:
    return render(
        request,
        "profile/edit.html",
        {"form": form, **CHOICES},
        fragment="profile/_edit_form.html",
        status_code=status_code,
    )


@login_required
async def edit_form(request: Request) -> Response:
    values = await service.load(current(request.app), request.state.user["id"])
    values = {k: "" if v is None else str(v) for k, v in values.items()}
    return _edit_page(request, Form(values=values))


@login_required
async def save(request: Request) -> Response:
    form, clean = forms.parse(await request.form())
    if not form.valid:
        return _edit_page(request, form, status_code=422)
    changed = await service.save(
        current(request.app),
        request.state.user["id"],
        clean,
        actor="seeker",
        now=requests.now(request),
    )
    return htmx.redirect(request, f"/mypage/profile?done={'saved' if changed else 'unchanged'}")


@login_required
async def add_history(request: Request) -> Response:
    form, clean = forms.parse_history(await request.form(), requests.today(request))
    if form.valid:
        try:
            await service.add_history(
                current(request.app),
                request.state.user["id"],
                clean,
                now=requests.now(request),
            )
        except service.HistoryFull:
            form.add("form", f"職歴は{service.MAX_HISTORY_ENTRIES}件まで登録できます。")
    if not form.valid:
        context = await _overview_context(request, history_form=form)
        return render(
            request,
            "profile/overview.html",
            context,
            fragment="profile/_history.html",
            status_code=422,
        )
    return htmx.redirect(request, "/mypage/profile?done=history#history")


@login_required
async def remove_history(request: Request) -> Response:
    removed = await service.remove_history(
        current(request.app),
        request.state.user["id"],
        request.path_params["entry_id"],
        now=requests.now(request),
    )
    if not removed:
        raise HTTPException(404)
    return htmx.redirect(request, "/mypage/profile?done=history#history")


@login_required
async def status_page(request: Request) -> Response:
    """有効／無効: what each means, and the switch."""
    user = request.state.user
    return render(
        request,
        "profile/status.html",
        {
            "status": user["status"],
            "valid_until": user["valid_until"],
            "lapsed": user["valid_until"] is not None
            and user["valid_until"] < requests.today(request),
            "error": None,
        },
    )


@login_required
async def set_status(request: Request) -> Response:
    wanted = str((await request.form()).get("status", ""))
    if wanted not in ("active", "inactive"):
        raise HTTPException(400)
    try:
        await service.set_status(
            current(request.app),
            request.state.user["id"],
            wanted,
            now=requests.now(request),
        )
    except service.CannotReactivate:
        user = request.state.user
        return render(
            request,
            "profile/status.html",
            {
                "status": user["status"],
                "valid_until": user["valid_until"],
                "lapsed": True,
                "error": "有効期限が過ぎているため、マイページからは「有効」に戻せません。"
                "お近くのハローワークの窓口で求職申込みの手続きをしてください。",
            },
            status_code=409,
        )
    return htmx.redirect(request, f"/mypage?done={wanted}")


@member_required(STAFF)
async def staff_changes(request: Request) -> Response:
    """For staff: every change of this job-seeker's information, newest first."""
    conn = current(request.app)
    seeker = await seeker_for_staff(conn, request.state.member, request.path_params["seeker_id"])
    return render(
        request,
        "profile/staff_changes.html",
        {"seeker": seeker, "changes": await service.changes(conn, seeker["id"])},
    )


routes = [
    Route("/mypage/profile", overview, methods=["GET"]),
    Route("/mypage/profile/edit", edit_form, methods=["GET"]),
    Route("/mypage/profile/edit", save, methods=["POST"]),
    Route("/mypage/profile/history", add_history, methods=["POST"]),
    Route("/mypage/profile/history/{entry_id:id}/delete", remove_history, methods=["POST"]),
    Route("/mypage/status", status_page, methods=["GET"]),
    Route("/mypage/status", set_status, methods=["POST"]),
    Route("/staff/seekers/{seeker_id:id}/changes", staff_changes, methods=["GET"]),
]
