"""求職公開: the job-seeker's publishing settings and the preview of the employer view."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from webapp import htmx, requests
from webapp.auth.guard import login_required
from webapp.db import current
from webapp.forms import Form
from webapp.publishing import forms, parts, service
from webapp.templating import render

DONE_MESSAGES = {
    "published": "求職情報を公開しました。求人者はプレビューのとおりの内容を見られます。",
    "saved": "公開する項目を変更しました。",
    "stopped": "求職情報の公開を停止しました。求人者からは見えなくなりました。",
    "kept_private": "設定を保存しました。求職情報は公開していません。",
}


async def _settings_page(request: Request, form: Form | None = None, status_code: int = 200):
    row = await service.own_profile(current(request.app), request.state.user["id"])
    if form is None:
        form = Form(
            values={
                "publish": "yes" if row["published"] else "no",
                "parts": service.chosen_parts(row),
            }
        )
    return render(
        request,
        "publishing/settings.html",
        {
            "form": form,
            "profile": row,
            "parts": parts,
            "reasons": service.hidden_reasons(row, requests.today(request)),
            "done": DONE_MESSAGES.get(request.query_params.get("done", "")),
        },
        fragment="publishing/_settings_form.html",
        status_code=status_code,
    )


@login_required
async def settings_page(request: Request) -> Response:
    """求職公開の設定: on or off, the parts shown, and what is never shown."""
    return await _settings_page(request)


@login_required
async def save_settings(request: Request) -> Response:
    """Save the choice; 公開を停止する (action=stop) hides the profile at once."""
    data = await request.form()
    conn = current(request.app)
    seeker_id = request.state.user["id"]
    before = await service.settings(conn, seeker_id)
    was_published = bool(before and before["published"])
    if data.get("action") == "stop":
        await service.stop(conn, seeker_id)
        return htmx.redirect(request, "/mypage/publishing?done=stopped")
    form = forms.publishing(data)
    if not form.valid:
        return await _settings_page(request, form, 422)
    publish = form.values["publish"] == "yes"
    await service.save(
        conn,
        seeker_id,
        publish=publish,
        chosen=form.values["parts"],
        now=requests.now(request),
    )
    if publish:
        done = "saved" if was_published else "published"
    else:
        done = "stopped" if was_published else "kept_private"
    return htmx.redirect(request, f"/mypage/publishing?done={done}")


@login_required
async def preview(request: Request) -> Response:
    """プレビュー: the employer view, built by the function the employer pages use."""
    conn = current(request.app)
    seeker_id = request.state.user["id"]
    today = requests.today(request)
    row = await service.own_profile(conn, seeker_id)
    return render(
        request,
        "publishing/preview.html",
        {
            "view": await service.preview(conn, seeker_id, today),
            "profile": row,
            "reasons": service.hidden_reasons(row, today),
        },
    )


routes = [
    Route("/mypage/publishing", settings_page, methods=["GET"]),
    Route("/mypage/publishing", save_settings, methods=["POST"]),
    Route("/mypage/publishing/preview", preview, methods=["GET"]),
]
